import CSupport

/// How the process's allocator is set up for runs.
///
/// A trace of many tasks allocates hundreds of megabytes of small objects.
/// glibc's malloc grows a thread's heap by little more than each request,
/// with one `mprotect` call each time: 35,000 calls for `scripts/bench`'s
/// trace, a twentieth of its time. Growing by 64 MiB at a time makes that a
/// few dozen calls; memory reserved but never touched costs nothing.
///
/// The setting applies to heaps made after it, so programs call `tune()`
/// first thing, before any thread allocates (`vloop` does); `TraceRunner`
/// calls it too, for the heaps still to come.
public enum Allocator {
    public static func tune() {
        _ = tuned
    }

    private static let tuned: Void = vloop_set_heap_growth(64 << 20)
}
