// libpng's simplified API (no setjmp/longjmp, which Swift cannot survive), plus its macros.
#ifndef DCGAN_CPNG_SHIM_H
#define DCGAN_CPNG_SHIM_H
#include <png.h>
#include <string.h>

static inline png_uint_32 dcgan_png_image_version(void) { return PNG_IMAGE_VERSION; }
static inline png_uint_32 dcgan_png_format_rgb(void) { return PNG_FORMAT_RGB; }
#endif
