// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Touchstone",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TouchstoneIngest", targets: ["TouchstoneIngest"]),
        .library(name: "TouchstoneTraces", targets: ["TouchstoneTraces"]),
        .library(name: "TouchstoneDiscovery", targets: ["TouchstoneDiscovery"]),
        .library(name: "TouchstoneConformance", targets: ["TouchstoneConformance"]),
        .library(name: "TouchstoneReport", targets: ["TouchstoneReport"]),
        .library(name: "TouchstoneSummary", targets: ["TouchstoneSummary"]),
        .executable(name: "touchstone", targets: ["touchstone"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // glibc's <malloc.h>, for the allocator options the command line sets.
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "TouchstoneIngest",
            dependencies: ["CLibCSV", "CZlib"]
        ),
        .target(
            name: "TouchstoneTraces",
            dependencies: ["TouchstoneIngest"]
        ),
        .target(
            name: "TouchstoneDiscovery",
            dependencies: ["TouchstoneIngest", "TouchstoneTraces"]
        ),
        .target(
            name: "TouchstoneConformance",
            dependencies: ["TouchstoneIngest", "TouchstoneTraces", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "TouchstoneReport",
            dependencies: ["TouchstoneIngest", "TouchstoneTraces", "TouchstoneDiscovery", "TouchstoneConformance"]
        ),
        // Mergeable summaries of customer-disjoint pieces: the file container over the
        // discovery and conformance aggregates (docs/summary-format.md).
        .target(
            name: "TouchstoneSummary",
            dependencies: ["CZlib", "TouchstoneIngest", "TouchstoneTraces", "TouchstoneDiscovery", "TouchstoneConformance"]
        ),
        .executableTarget(
            name: "touchstone",
            dependencies: [
                "CMalloc",
                "TouchstoneIngest", "TouchstoneTraces", "TouchstoneDiscovery", "TouchstoneConformance", "TouchstoneReport", "TouchstoneSummary",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TouchstoneIngestTests",
            dependencies: ["TouchstoneIngest"]
        ),
        .testTarget(
            name: "TouchstoneDiscoveryTests",
            dependencies: ["TouchstoneDiscovery", "TouchstoneTraces", "TouchstoneIngest", "TouchstoneReport"]
        ),
        .testTarget(
            name: "TouchstoneConformanceTests",
            dependencies: ["TouchstoneConformance", "TouchstoneTraces", "TouchstoneIngest", "TouchstoneReport"]
        ),
        // Replays Tests/Fixtures/fuzz/ through the libFuzzer harness functions, which are
        // symlinked from Fuzz/Sources so that both run the very same code.
        .testTarget(
            name: "FuzzReplayTests",
            dependencies: ["TouchstoneIngest", "TouchstoneConformance"]
        ),
        .testTarget(
            name: "TouchstoneCLITests",
            dependencies: ["TouchstoneIngest"],
            exclude: ["Golden", "record-golden.sh"]
        ),
    ]
)
