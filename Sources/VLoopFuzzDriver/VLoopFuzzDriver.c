// Only a header: the declaration of libFuzzer's driver (include/VLoopFuzzDriver.h).
#include "VLoopFuzzDriver.h"
