// swift-tools-version: 6.0
import PackageDescription

// A package whose tests are property tests written with vloop's library, VLoop.
let package = Package(
    name: "PropertyTests",
    platforms: [.macOS(.v13)],
    dependencies: [
        // In vloop's repository this example names vloop by path, so that
        // scripts/test-example builds it against the working tree (`name:`
        // because a path dependency is otherwise known by its folder's name).
        // The README shows this file with the line a package of your own has:
        //     .package(url: "https://github.com/<owner>/vloop", from: "0.1.0")
        .package(name: "vloop", path: "../..")
    ],
    targets: [
        .testTarget(
            name: "PropertyTestsTests",
            dependencies: [.product(name: "VLoop", package: "vloop")]
        )
    ]
)
