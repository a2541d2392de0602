// swift-tools-version: 6.1
import PackageDescription

// Micro-benchmarks of the loop's parts with ordo-one's package-benchmark
// (scripts/bench-micro runs them). A package of its own, depending on vloop by
// path, so that vloop's users never resolve package-benchmark.
let package = Package(
    name: "Micro",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "vloop", path: "../.."),
        // Only the malloc interposer (the malloc counters): not the ARC runtime interposer, its other default trait.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LoopParts",
            dependencies: [
                .product(name: "VLoop", package: "vloop"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LoopParts",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
