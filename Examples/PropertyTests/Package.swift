// swift-tools-version: 6.0
import PackageDescription

// An example of a package whose tests are property tests written with vloop's
// library, VLoop (README, "Property tests in Swift"). It depends on vloop by
// path, the repository it sits in, so that scripts/test-example builds it
// against the working tree (`name: "vloop"` because a path dependency is
// otherwise known by its folder's name, which a checkout may name otherwise).
// A package of your own names vloop by version instead:
//     .package(url: "https://github.com/<owner>/vloop", from: "0.1.0"),
let package = Package(
    name: "PropertyTests",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "vloop", path: "../..")
    ],
    targets: [
        .testTarget(
            name: "PropertyTestsTests",
            dependencies: [.product(name: "VLoop", package: "vloop")]
        )
    ]
)
