#ifndef CSUPPORT_H
#define CSUPPORT_H

// What Swift has no spelling for: a software prefetch, glibc's mallopt and
// malloc_trim, thread-local variables (the state of PyRuntime's
// DeferredRelease), and, without the Synchronization module that macOS 13
// lacks, an atomic counter and a lock (PyRuntime's RuntimeCache).

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

/// How many releases of containers are running inside one another on this
/// thread (PyRuntime's DeferredRelease.swift), and its queue of what it put
/// off (a retained Swift object, or NULL); defined in CSupport.c.
extern _Thread_local long vloop_release_depth_value;
extern _Thread_local void *vloop_release_queue_value;

static inline __attribute__((always_inline)) long vloop_release_depth(void) {
    return vloop_release_depth_value;
}

static inline __attribute__((always_inline)) void vloop_set_release_depth(long depth) {
    vloop_release_depth_value = depth;
}

static inline void *vloop_release_queue(void) {
    return vloop_release_queue_value;
}

static inline void vloop_set_release_queue(void *queue) {
    vloop_release_queue_value = queue;
}

/// Asks the CPU to bring the cache line at `p` closer, without waiting for
/// it and without faulting on any address.
static inline __attribute__((always_inline)) void vloop_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

/// Makes glibc's malloc grow its heaps `growth` bytes at a time
/// (M_TOP_PAD), and serve blocks up to `largest` bytes from its heaps rather
/// than from mappings of their own (M_MMAP_THRESHOLD), so that freed large
/// blocks are reused instead of handed back to the kernel; nothing elsewhere.
static inline void vloop_tune_malloc(long growth, long largest) {
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(M_MMAP_THRESHOLD)
    mallopt(M_TOP_PAD, (int)growth);
    mallopt(M_MMAP_THRESHOLD, (int)largest);
#else
    (void)growth;
    (void)largest;
#endif
}

/// Hands the free memory of every malloc heap back to the kernel
/// (glibc's malloc_trim); nothing elsewhere.
static inline void vloop_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

/// A number no other call in the process returns: 0, 1, 2, ... (an atomic
/// counter; PyRuntime numbers the classes of each interpreter from it).
long vloop_next_serial_block(void);

/// The lock of PyRuntime's pool of runtime caches (a process-wide mutex).
void vloop_runtime_pool_lock(void);
void vloop_runtime_pool_unlock(void);

#endif
