// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dcgan-smiles",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dcgan-smiles", targets: ["dcgan-smiles"]),
        .library(name: "DCGANEngine", targets: ["DCGANEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // oneDNN 2.x C API from Debian's libdnnl-dev, plus a header-only shim for its macros.
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
        // libpng's simplified API, for PNG grids and data set images.
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", providers: [.apt(["libpng-dev"])]),
        // Sendable events and commands: the only thing the UI and the engine share.
        .target(name: "TrainerProtocol"),
        .target(
            name: "DCGANEngine",
            dependencies: ["CDNNL", "CPNG", "TrainerProtocol"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // CPU, memory and GPU readings from /proc, /sys and NVML; no UI, no engine.
        .target(name: "SystemMetrics"),
        // ncursesw, wide-character API.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses", providers: [.apt(["libncursesw5-dev"])]),
        // The interactive trainer: widgets on an off-screen screen, drawn through ncurses last.
        .target(name: "TerminalUI", dependencies: ["TrainerProtocol", "SystemMetrics", "CNcurses"]),
        .executableTarget(
            name: "dcgan-smiles",
            dependencies: [
                "DCGANEngine", "TrainerProtocol", "TerminalUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "DCGANEngineTests", dependencies: ["DCGANEngine"]),
        .testTarget(name: "SystemMetricsTests", dependencies: ["SystemMetrics"], exclude: ["Fixtures"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "TrainerProtocol"]),
    ],
    swiftLanguageModes: [.v6]
)
