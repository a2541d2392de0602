import PyRuntime
import TraceLanguage

/// `functools` as Python: CPython 3.11.7's pure-Python `update_wrapper`,
/// `wraps`, `total_ordering`, `cmp_to_key`, `reduce`, `lru_cache`, `cache`
/// and `cached_property` (`Sim/Python/functools.py`, whose header lists the
/// changes), over the native `partial` (`StdlibModules.swift`).
package enum FunctoolsPrelude {
    package static let files = [PreludeFile("functools.py", PackageResources.functools_py)]

    package static let compiled = PreludeSnapshots.functools.load()

    package static let exports = [
        "WRAPPER_ASSIGNMENTS", "WRAPPER_UPDATES", "update_wrapper", "wraps", "total_ordering", "cmp_to_key",
        "reduce", "lru_cache", "cache", "cached_property",
    ]
}
