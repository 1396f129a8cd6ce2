// swift-tools-version:6.1
import PackageDescription

/// Benchmarks and benchmark tooling for Touchstone, kept out of the root package so that
/// `swift build` at the root never resolves the benchmark harness.
///
/// `touchstone-loggen` writes deterministic, seeded customer-journey CSV logs (see
/// `SampleLogs/README.md`); benchmark targets that use `Benchmark` are added separately.
let package = Package(
    name: "TouchstoneBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "Touchstone", path: "../"),
    ],
    targets: [
        .executableTarget(
            name: "touchstone-loggen",
            path: "Sources/touchstone-loggen"
        ),
        .executableTarget(
            name: "IngestBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TouchstoneIngest", package: "Touchstone"),
                .product(name: "TouchstoneDiscovery", package: "Touchstone"),
                .product(name: "TouchstoneConformance", package: "Touchstone"),
                .product(name: "TouchstoneReport", package: "Touchstone"),
            ],
            path: "Benchmarks/IngestBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
