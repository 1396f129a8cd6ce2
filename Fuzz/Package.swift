// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets for Touchstone, kept out of the root package so that the root `swift build`
/// and `swift test` never compile with `-sanitize=fuzzer`. Built and run by `Fuzz/run.sh`:
///
///     swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
///
/// Each target's `@main` hands its harness function to `LLVMFuzzerRunDriver`; the functions are also replayed by `swift test` (Tests/FuzzReplayTests).
let package = Package(
    name: "TouchstoneFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Touchstone", path: "../"),
    ],
    targets: [
        .executableTarget(
            name: "FuzzIngest",
            dependencies: [.product(name: "TouchstoneIngest", package: "Touchstone")]
        ),
        .executableTarget(
            name: "FuzzJourneyMap",
            dependencies: [
                .product(name: "TouchstoneIngest", package: "Touchstone"),
                .product(name: "TouchstoneConformance", package: "Touchstone"),
            ]
        ),
    ]
)
