import CSupport
import TraceLanguage

/// The runtimes (`CodeRuntime`) of the code that outlives every run: the
/// preludes', the standard-library modules', and what `_vloopexec` compiled
/// (`CodeObject.isInternal`; each is compiled once per process). Making
/// them was a tenth of a small run (their constants as values, their
/// instructions fused, their call-site caches), repeated by every run of an
/// exploration; an interpreter now takes a cache from a pool when it is made
/// and gives it back when its run is torn down, so the next run on any
/// thread finds them made.
///
/// What a runtime keeps from one run to the next, and why that is safe:
///   - its instructions and constants, which no run changes (constants are
///     immutable values: str, int, float, bytes, tuples of them, code);
///   - its method caches, keyed by class serial numbers that are unique in
///     the process (`Interpreter.nextClassSerial` starts at a block of its
///     own), so an entry of an earlier run never matches a class of this one;
///   - not its module caches: they hold modules and functions of the run,
///     and are emptied when the cache goes back to the pool.
///
/// Invariant: a cache is used by one interpreter at a time (the one that took
/// it from the pool; the pool hands each out once), so its runtimes' caches
/// are written by one run only, on whichever thread that run is.
package final class RuntimeCache {
    /// The runtimes made so far, by code object (each runtime keeps its code
    /// alive, so an identifier is never reused while it is here).
    @exclusivity(unchecked) package private(set) var runtimes: [ObjectIdentifier: CodeRuntime] = [:]
    /// True while an interpreter has it (debug builds check the invariant).
    @exclusivity(unchecked) private var inUse = false

    /// The caches no interpreter has now; at most `poolLimit` are kept.
    nonisolated(unsafe) private static var pool: [RuntimeCache] = []
    /// As many caches as runs may be alive at once in a busy process
    /// (explorations on every core, each holding a run while the next starts).
    static let poolLimit = 64

    private init() {}

    /// The runtime of `code` (internal code only), made on first use.
    @inline(__always)
    package func runtime(of code: CodeObject, making make: (CodeObject) -> CodeRuntime) -> CodeRuntime {
        assert(inUse, "a runtime cache used after it went back to the pool")
        let id = ObjectIdentifier(code)
        if let r = runtimes[id] { return r }
        let r = make(code)
        runtimes[id] = r
        return r
    }

    /// A cache from the pool, or a new one when the pool is empty.
    package static func checkOut() -> RuntimeCache {
        vloop_runtime_pool_lock()
        let cache = pool.popLast()
        vloop_runtime_pool_unlock()
        let c = cache ?? RuntimeCache()
        assert(!c.inUse)
        c.inUse = true
        return c
    }

    /// Gives `cache` back, its module caches emptied (they hold the objects
    /// of the run that is over).
    package static func checkIn(_ cache: RuntimeCache) {
        assert(cache.inUse, "a runtime cache given back twice")
        for r in cache.runtimes.values {
            for i in 0..<r.code.names.count { r.moduleCaches[i] = ModuleCallCache() }
        }
        cache.inUse = false
        vloop_runtime_pool_lock()
        if pool.count < poolLimit { pool.append(cache) }
        vloop_runtime_pool_unlock()
    }
}
