import CSupport

/// How the process's allocator is set up for runs.
///
/// A trace of many tasks allocates hundreds of megabytes of small objects.
/// glibc's malloc grows a thread's heap by little more than each request,
/// with one `mprotect` call each time: 35,000 calls for `scripts/bench`'s
/// trace. Growing by 64 MiB at a time makes that a few dozen calls (memory
/// reserved but never touched costs nothing). And blocks of up to 32 MiB
/// (a growing list's buffer) come from the heap rather than from mappings
/// of their own, so that a freed one is reused rather than returned to the
/// kernel, whose fresh pages each cost a fault (52,266 -> 49,830 faults).
///
/// The settings apply to heaps made after them, so programs call `tune()`
/// first thing, before any thread allocates (`vloop` does); `TraceRunner`
/// calls it too, for the heaps still to come.
enum Allocator {
    static func tune() {
        _ = tuned
    }

    private static let tuned: Void = vloop_tune_malloc(64 << 20, 32 << 20)
}
