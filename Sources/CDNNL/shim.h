// What Swift cannot import from oneDNN's headers directly: function-like and pointer macros,
// and the OpenMP thread-count setter of the OpenMP runtime that libdnnl is linked against.
#ifndef DCGAN_CDNNL_SHIM_H
#define DCGAN_CDNNL_SHIM_H
#include <oneapi/dnnl/dnnl.h>
#include <dlfcn.h>
#include <stddef.h>

// DNNL_MEMORY_ALLOCATE is `((void *)(size_t)-1)`: a macro Swift cannot see.
static inline void *dcgan_dnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }
static inline void *dcgan_dnnl_memory_none(void) { return DNNL_MEMORY_NONE; }

// libdnnl is built against the OpenMP runtime; it is already loaded with it, so look the setter
// up at run time instead of linking a compiler-private libgomp.so. Returns 0 when not found.
static inline int dcgan_set_omp_threads(int n) {
    void (*set_threads)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (!set_threads) return 0;
    set_threads(n);
    return 1;
}
static inline int dcgan_get_omp_max_threads(void) {
    int (*get_threads)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_max_threads");
    return get_threads ? get_threads() : 1;
}
#endif
