#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Asks the CPU to bring the cache line at `p` closer, without waiting for
/// it and without faulting on any address. Swift has no spelling for this.
static inline __attribute__((always_inline)) void vloop_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

/// The same, for a line that is about to be written.
static inline __attribute__((always_inline)) void vloop_prefetch_write(const void *p) {
    __builtin_prefetch(p, 1, 3);
}

#endif
