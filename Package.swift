// swift-tools-version: 6.0
import PackageDescription

/// The interpreter's state lives in classes; Swift's run-time exclusivity
/// checks on every access cost a fifth of the loop's time, and the loop is
/// single-threaded by design (DESIGN.md), so they are off in these targets.
let fast: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "vloop",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vloop", targets: ["vloop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SQLite through the system's libsqlite3 (libsqlite3-dev; the scripts install it when missing).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(name: "TraceLanguage", swiftSettings: fast),
        .target(name: "CSupport"),
        .target(
            name: "VirtualLoop", dependencies: ["TraceLanguage", "CSupport"],
            // The Python preludes, compiled into the binary as `PackageResources.<file>_py` byte arrays.
            resources: [.embedInCode("Asyncio/Python"), .embedInCode("Sim/Python")], swiftSettings: fast
        ),
        .target(name: "Properties", dependencies: ["TraceLanguage", "VirtualLoop"]),
        .target(
            name: "RunStore",
            dependencies: [
                "VirtualLoop", "Properties", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(name: "Reports", dependencies: ["VirtualLoop", "Properties", "RunStore"]),
        .executableTarget(
            name: "vloop",
            dependencies: [
                "TraceLanguage", "VirtualLoop", "Properties", "RunStore", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TraceLanguageTests", dependencies: ["TraceLanguage"]),
        .testTarget(name: "VirtualLoopTests", dependencies: ["VirtualLoop", "TraceLanguage"]),
        .testTarget(name: "PropertiesTests", dependencies: ["Properties", "VirtualLoop", "TraceLanguage"]),
        .testTarget(name: "RunStoreTests", dependencies: ["RunStore", "Properties", "VirtualLoop", "TraceLanguage"]),
        .testTarget(
            name: "ReportsTests", dependencies: ["Reports", "RunStore", "Properties", "VirtualLoop"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "FixtureTests",
            dependencies: ["Properties", "VirtualLoop", "TraceLanguage", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
