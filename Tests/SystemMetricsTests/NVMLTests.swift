import Foundation
import XCTest
@testable import SystemMetrics

/// Loads a fake libnvidia-ml (compiled from Fixtures/fake_nvml.c.txt with the system C
/// compiler) through the real dlopen/dlsym code. Skipped when no compiler is found.
final class NVMLTests: XCTestCase {
    private static func buildFakeLibrary() throws -> String {
        let compiler = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let compiler else { throw XCTSkip("no C compiler to build the fake NVML library") }
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("fake-nvml-\(getpid())-\(UUID().uuidString).so").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: compiler)
        // .txt: a .c file would make SwiftPM treat this Swift test target as mixed-language.
        process.arguments = ["-shared", "-fPIC", "-x", "c", "-o", output,
                             Fixture.directory.appendingPathComponent("fake_nvml.c.txt").path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("could not compile the fake NVML library") }
        return output
    }

    func testReadsUtilisationMemoryAndNames() throws {
        let path = try Self.buildFakeLibrary()
        defer { try? FileManager.default.removeItem(atPath: path) }
        unsetenv("FAKE_NVML_FAIL")
        let source = try XCTUnwrap(NVMLGPUSource(libraryName: path))
        XCTAssertEqual(source.read(), [
            GPUReading(name: "Fake H200 A", utilizationPercent: 41, memoryUsedBytes: 1 << 30, memoryTotalBytes: 141 << 30),
            GPUReading(name: "Fake H200 B", utilizationPercent: 42, memoryUsedBytes: 2 << 30, memoryTotalBytes: 141 << 30),
        ])

        // A driver that starts failing is switched off by the sampler.
        let sampler = SystemSampler(fileSystem: FakeFileSystem(), gpuSource: source)
        guard case .devices = sampler.sample(at: 0).gpu else { return XCTFail("expected devices") }
        setenv("FAKE_NVML_FAIL", "1", 1)
        defer { unsetenv("FAKE_NVML_FAIL") }
        XCTAssertNil(source.read())
        guard case .unreadable = sampler.sample(at: 1).gpu else { return XCTFail("expected switched off") }
        XCTAssertFalse(sampler.enabled.gpu)
    }
}
