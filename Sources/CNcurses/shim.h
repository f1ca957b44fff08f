// ncursesw with its wide-character (cchar_t, setcchar, init_extended_pair) API visible.
#ifndef DCGAN_CNCURSES_SHIM_H
#define DCGAN_CNCURSES_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncursesw/ncurses.h>
#endif
