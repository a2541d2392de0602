// The target's functions are static inline, in include/CPrefetch.h.
#include "CPrefetch.h"
