#ifndef VLOOP_FUZZ_DRIVER_H
#define VLOOP_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver (compiler-rt's FuzzerDriver.cpp), linked by
// `-sanitize=fuzzer`. The fuzz target's `main` calls it: SwiftPM names an
// executable's entry point itself, so libFuzzer's own `main` is never used.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
