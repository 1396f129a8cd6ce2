// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Touchstone",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TouchstoneIngest", targets: ["TouchstoneIngest"]),
        .library(name: "TouchstoneDiscovery", targets: ["TouchstoneDiscovery"]),
        .library(name: "TouchstoneReport", targets: ["TouchstoneReport"]),
        .executable(name: "touchstone", targets: ["touchstone"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .target(
            name: "TouchstoneIngest",
            dependencies: ["CLibCSV", "CZlib"]
        ),
        .target(
            name: "TouchstoneDiscovery",
            dependencies: ["TouchstoneIngest"]
        ),
        .target(
            name: "TouchstoneReport",
            dependencies: ["TouchstoneIngest", "TouchstoneDiscovery"]
        ),
        .executableTarget(
            name: "touchstone",
            dependencies: [
                "TouchstoneIngest", "TouchstoneDiscovery", "TouchstoneReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TouchstoneIngestTests",
            dependencies: ["TouchstoneIngest"]
        ),
        .testTarget(
            name: "TouchstoneDiscoveryTests",
            dependencies: ["TouchstoneDiscovery", "TouchstoneIngest", "TouchstoneReport"]
        ),
        .testTarget(
            name: "TouchstoneCLITests",
            dependencies: ["TouchstoneIngest"],
            exclude: ["Golden"]
        ),
    ]
)
