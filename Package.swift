// swift-tools-version: 6.0
import Foundation
import PackageDescription

// The layers, each target using only those above it (README, "Layout"):
// TraceLanguage, RunModel, PyRuntime, VirtualLoop, Properties, RunStore,
// Reports, VLoop (the library), vloop (the command line). No target sets
// unsafe flags, so that other packages can depend on vloop by version.
let package = Package(
    name: "vloop",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vloop", targets: ["vloop"]),
        .library(name: "VLoop", targets: ["VLoop"]),
        .library(name: "VLoopTesting", targets: ["VLoopTesting"]),
        .library(name: "VLoopPropertyBased", targets: ["VLoopPropertyBased"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SQLite through the system's libsqlite3 (libsqlite3-dev; the scripts install it when missing).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Generated and shrunk inputs (latencies, counts): VLoopPropertyBased's generators, and its tests.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    ],
    targets: [
        .target(name: "TraceLanguage"),
        .target(name: "RunModel"),
        // A shim for what Swift cannot spell: a prefetch, glibc's mallopt and malloc_trim, thread-local variables.
        // Not a layer.
        .target(name: "CSupport"),
        .target(name: "PyRuntime", dependencies: ["TraceLanguage", "RunModel", "CSupport"]),
        .target(
            name: "VirtualLoop", dependencies: ["TraceLanguage", "RunModel", "PyRuntime", "CSupport"],
            // The Python preludes, compiled into the binary as `PackageResources.<file>_py` byte arrays,
            // and their compiled snapshots (`PackageResources.<module>_vlc`, PreludeSnapshots.swift).
            resources: [
                .embedInCode("Asyncio/Python"), .embedInCode("Sim/Python"), .embedInCode("Stdlib/Python"),
                .embedInCode("Snapshots"),
            ]
        ),
        .target(name: "Properties", dependencies: ["TraceLanguage", "RunModel", "PyRuntime", "VirtualLoop"]),
        .target(
            name: "RunStore",
            dependencies: [
                "RunModel", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(name: "Reports", dependencies: ["RunModel", "RunStore"]),
        .target(
            name: "VLoop",
            dependencies: [
                "TraceLanguage", "RunModel", "PyRuntime", "VirtualLoop", "Properties", "RunStore", "Reports",
            ],
            // The CPython reference (a link to reference/vloop_reference.py), built in for `vloop verify`.
            resources: [.embedInCode("Reference")]
        ),
        // Swift Testing helpers over VLoop; the toolchain's Testing module, linked by test targets only.
        .target(name: "VLoopTesting", dependencies: ["VLoop"]),
        // Generators of timings for x-sheep/swift-property-based's propertyCheck, shrinking to boundaries.
        .target(
            name: "VLoopPropertyBased",
            dependencies: ["VLoop", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .executableTarget(
            name: "vloop",
            dependencies: [
                "TraceLanguage", "RunModel", "PyRuntime", "VirtualLoop", "Properties", "RunStore", "Reports", "VLoop",
                "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TraceLanguageTests", dependencies: ["TraceLanguage"]),
        .testTarget(name: "VirtualLoopTests", dependencies: ["VirtualLoop", "PyRuntime", "RunModel", "TraceLanguage"]),
        .testTarget(
            name: "PropertiesTests",
            dependencies: ["Properties", "VirtualLoop", "PyRuntime", "RunModel", "TraceLanguage"]
        ),
        .testTarget(
            name: "RunStoreTests",
            dependencies: ["RunStore", "RunModel", "VLoop", "Properties", "VirtualLoop", "TraceLanguage"]),
        .testTarget(
            name: "ReportsTests", dependencies: ["Reports", "RunStore", "RunModel"],
            exclude: ["Golden"]
        ),
        .testTarget(name: "VLoopTests", dependencies: ["VLoop", "RunStore", "RunModel", "Properties"]),
        .testTarget(name: "VLoopTestingTests", dependencies: ["VLoopTesting"]),
        .testTarget(
            name: "PropertyBasedTests",
            dependencies: ["VLoop", "VLoopTesting", "VLoopPropertyBased"]
        ),
        .testTarget(
            name: "FixtureTests",
            dependencies: [
                "Properties", "VirtualLoop", "PyRuntime", "RunModel", "TraceLanguage", "VLoop",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)

// The libFuzzer target (scripts/fuzz; docs/LIMITS.md, "Fuzzing and sanitizers"):
// declared only when VLOOP_FUZZ is set, since it calls libFuzzer's driver and
// links only with `-sanitize=fuzzer`. VLoopFuzzDriver declares that driver.
if ProcessInfo.processInfo.environment["VLOOP_FUZZ"] != nil {
    package.targets += [
        .target(name: "VLoopFuzzDriver"),
        .executableTarget(
            name: "VLoopFuzz",
            dependencies: ["TraceLanguage", "RunModel", "PyRuntime", "VirtualLoop", "VLoopFuzzDriver"]),
    ]
    package.products.append(.executable(name: "vloop-fuzz", targets: ["VLoopFuzz"]))
}
