#ifndef CSUPPORT_H
#define CSUPPORT_H

// What Swift has no spelling for: a software prefetch, and glibc's mallopt.

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

/// Asks the CPU to bring the cache line at `p` closer, without waiting for
/// it and without faulting on any address.
static inline __attribute__((always_inline)) void vloop_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

/// Makes glibc's malloc grow its heaps `bytes` at a time (M_TOP_PAD);
/// nothing elsewhere.
static inline void vloop_set_heap_growth(long bytes) {
#if defined(__GLIBC__) && defined(M_TOP_PAD)
    mallopt(M_TOP_PAD, (int)bytes);
#else
    (void)bytes;
#endif
}

#endif
