// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "vloop",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vloop", targets: ["vloop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "TraceLanguage"),
        .target(name: "VirtualLoop", dependencies: ["TraceLanguage"]),
        .target(name: "Properties", dependencies: ["TraceLanguage", "VirtualLoop"]),
        .executableTarget(
            name: "vloop",
            dependencies: [
                "TraceLanguage", "VirtualLoop", "Properties",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TraceLanguageTests", dependencies: ["TraceLanguage"]),
        .testTarget(name: "VirtualLoopTests", dependencies: ["VirtualLoop", "TraceLanguage"]),
        .testTarget(name: "PropertiesTests", dependencies: ["Properties", "VirtualLoop", "TraceLanguage"]),
        .testTarget(name: "FixtureTests", dependencies: ["Properties", "VirtualLoop", "TraceLanguage"]),
    ],
    swiftLanguageModes: [.v5]
)
