import XCTest
@testable import SystemMetrics

final class GPUProbeTests: XCTestCase {
    func testAMDThroughSysfs() throws {
        let fs = FakeFileSystem(
            files: [
                "/drm/card0/device/gpu_busy_percent": "37\n",
                "/drm/card0/device/mem_info_vram_used": "1073741824\n",
                "/drm/card0/device/mem_info_vram_total": "8589934592",
            ],
            directories: ["/drm": ["card0", "card0-DP-1", "renderD128", "version"]])
        let source = try XCTUnwrap(AMDGPUSource(fileSystem: fs, drmDirectory: "/drm"))
        let readings = try XCTUnwrap(source.read())
        XCTAssertEqual(readings, [GPUReading(name: "AMD GPU 0", utilizationPercent: 37, memoryUsedBytes: 1 << 30,
                                             memoryTotalBytes: 8 << 30)])
    }

    func testNoAMDCard() {
        let fs = FakeFileSystem(directories: ["/drm": ["card0", "card0-HDMI-A-1"]])
        XCTAssertNil(AMDGPUSource(fileSystem: fs, drmDirectory: "/drm"))
    }

    func testMissingNVMLLibraryIsNil() {
        XCTAssertNil(NVMLGPUSource(libraryName: "libdoes-not-exist-nvml.so.1"))
    }

    /// On a machine with an NVIDIA driver this reads real numbers; elsewhere it checks the
    /// probe falls through to "no GPU" or "present but unreadable" without crashing.
    func testLiveProbeDoesNotCrash() {
        let (source, fallback) = SystemSampler.probeGPU(LiveFileSystem())
        if let source {
            let readings = source.read()
            XCTAssertNotNil(readings)
            for reading in readings ?? [] {
                XCTAssertFalse(reading.name.isEmpty)
                if let used = reading.memoryUsedBytes, let total = reading.memoryTotalBytes { XCTAssertLessThanOrEqual(used, total) }
            }
        } else {
            XCTAssertNotEqual(fallback, .devices([]))
        }
    }

    func testLiveSamplerOnThisMachine() {
        let sampler = SystemSampler(interval: 0)
        sampler.sample(at: MonotonicClock.seconds())
        usleep(50_000)
        let snapshot = sampler.sample(at: MonotonicClock.seconds())
        XCTAssertNotNil(snapshot.cpuTotal)
        XCTAssertFalse(snapshot.cpuPerCore.isEmpty)
        XCTAssertNotNil(snapshot.processRSSBytes)
        XCTAssertGreaterThan(snapshot.processThreads ?? 0, 0)
        XCTAssertNotNil(snapshot.memory)
    }
}
