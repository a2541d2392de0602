// swift-tools-version: 6.0
import PackageDescription

// Measures a replay through the VLoop library against the same replay through
// `vloop run --no-store` (scripts/bench-library builds and runs it).
let package = Package(
    name: "LibraryReplay",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "vloop", path: "../..")],
    targets: [
        .executableTarget(
            name: "LibraryReplay",
            dependencies: [.product(name: "VLoop", package: "vloop")]
        )
    ]
)
