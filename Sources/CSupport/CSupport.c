// Most of CSupport's functions are static inline, in include/CSupport.h;
// this file defines its thread-local variables, its counter and its lock.
#include "CSupport.h"
#include <pthread.h>

_Thread_local long vloop_release_depth_value = 0;
_Thread_local void *vloop_release_queue_value = 0;

static long vloop_serial_blocks = 0;

long vloop_next_serial_block(void) {
    return __atomic_fetch_add(&vloop_serial_blocks, 1, __ATOMIC_RELAXED);
}

static pthread_mutex_t vloop_runtime_pool_mutex = PTHREAD_MUTEX_INITIALIZER;

void vloop_runtime_pool_lock(void) { pthread_mutex_lock(&vloop_runtime_pool_mutex); }

void vloop_runtime_pool_unlock(void) { pthread_mutex_unlock(&vloop_runtime_pool_mutex); }
