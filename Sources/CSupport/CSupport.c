// CSupport's functions are static inline, in include/CSupport.h; this file
// gives the target a source, as SwiftPM requires, and defines its
// thread-local variables.
#include "CSupport.h"

_Thread_local long vloop_release_depth_value = 0;
_Thread_local void *vloop_release_queue_value = 0;
