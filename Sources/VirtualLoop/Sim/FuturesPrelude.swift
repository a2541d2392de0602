import PyRuntime
import RunModel
import TraceLanguage

/// `concurrent.futures` as Python: CPython 3.11.7's `_base.Future` and
/// `Executor` transcribed (`Sim/Python/_base.py`), and the simulated pools of
/// TRACE_LANGUAGE.md's "Executors" (`Sim/Python/pools.py`, the same code as
/// the reference's `SimPool`), over the native primitives of
/// SimThreads.swift. Each file's header lists its changes or, for the pools,
/// the primitives; Package.swift embeds the files (`.embedInCode`), and the
/// prelude is their bodies, in the order of `FuturesPrelude.files`.
package let futuresPreludeSource = preludeSource(FuturesPrelude.files)

package enum FuturesPrelude {
    /// The prelude's files in the order they run, as SwiftPM embeds them.
    package static let files = [
        PreludeFile("_base.py", PackageResources._base_py),
        PreludeFile("pools.py", PackageResources.pools_py),
    ]

    package static let compiled = PreludeSnapshots.futures.load()

    package static let exports = [
        "Future", "Executor", "ThreadPoolExecutor", "ProcessPoolExecutor", "FIRST_COMPLETED", "FIRST_EXCEPTION",
        "ALL_COMPLETED",
    ]
}
