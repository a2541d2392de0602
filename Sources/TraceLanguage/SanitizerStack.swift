#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much more native stack a frame takes in this process than in a plain
/// build of the same configuration: 4 when AddressSanitizer or
/// ThreadSanitizer is in the process (their redzones and bookkeeping make
/// frames up to three times larger: WorkerStackTests measures a debug ASan
/// build at 1.5 times a plain one), 1 otherwise. Every thread vloop makes for
/// deep work (LargeStack, a replay's thread, a simulated worker) reserves
/// its size times this, so that a sanitized build (scripts/test-sanitizers,
/// scripts/fuzz) reaches the same recursion limits as a plain one. The stack
/// is address space, reserved and not touched.
///
/// Found at run time (the sanitizers' runtimes define `__asan_init` and
/// `__tsan_init`): `-sanitize=` given only to the Swift compiler, as
/// scripts/fuzz does, leaves no trace a C `#if` could see.
package let sanitizerStackFactor: Int = {
    #if canImport(Glibc)
    let everything = UnsafeMutableRawPointer(bitPattern: 0)  // RTLD_DEFAULT
    #else
    let everything = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT on Darwin
    #endif
    let sanitized = dlsym(everything, "__asan_init") != nil || dlsym(everything, "__tsan_init") != nil
    return sanitized ? 4 : 1
}()
