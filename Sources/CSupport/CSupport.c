#include "CSupport.h"

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

void vloop_set_heap_growth(long bytes) {
#if defined(__GLIBC__) && defined(M_TOP_PAD)
    mallopt(M_TOP_PAD, (int)bytes);
#else
    (void)bytes;
#endif
}
