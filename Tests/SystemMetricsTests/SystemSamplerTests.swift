import XCTest
@testable import SystemMetrics

final class SystemSamplerTests: XCTestCase {
    private func machine() -> FakeFileSystem {
        FakeFileSystem(files: [
            "/proc/stat": Fixture.text("proc_stat_t0.txt"),
            "/proc/self/stat": Fixture.text("proc_self_stat.txt"),
            "/proc/self/statm": Fixture.text("proc_self_statm.txt"),
            "/proc/meminfo": Fixture.text("meminfo.txt"),
            "/proc/self/cgroup": Fixture.text("proc_self_cgroup_v2.txt"),
            "/cg/system.slice/dcgan.service/memory.max": Fixture.text("cgroup_memory_max_4g.txt"),
            "/cg/system.slice/dcgan.service/memory.current": "1073741824\n",
            "/cg/system.slice/dcgan.service/cpu.max": Fixture.text("cgroup_cpu_max_1_5.txt"),
        ])
    }

    func testRatesNeedTwoReadings() {
        let fs = machine()
        let sampler = SystemSampler(fileSystem: fs, probeGPU: false, cgroupRoot: "/cg", clockTicksPerSecond: 100,
                                    pageSize: 4096)
        let first = sampler.sample(at: 10)
        XCTAssertNil(first.cpuTotal)
        XCTAssertNil(first.processCPU)
        XCTAssertEqual(first.processRSSBytes, 447 * 4096)
        XCTAssertEqual(first.processThreads, 18)
        XCTAssertEqual(first.memory?.totalBytes, 24_684_084 * 1024)
        XCTAssertEqual(first.cgroup, CgroupLimits(memoryLimitBytes: 4_294_967_296, memoryCurrentBytes: 1 << 30,
                                                  cpuLimit: 1.5))
        XCTAssertEqual(first.gpu, .none)

        fs.files["/proc/stat"] = Fixture.text("proc_stat_t1.txt")
        // 2000 → 2200 ticks at 100/s over 2 s = 1 core.
        fs.files["/proc/self/stat"] = Fixture.text("proc_self_stat.txt").replacingOccurrences(of: " 1500 500 ", with: " 1600 600 ")
        let second = sampler.sample(at: 12)
        XCTAssertEqual(second.cpuTotal ?? -1, 0.5, accuracy: 1e-9)
        XCTAssertEqual(second.cpuPerCore, [1, 0])
        XCTAssertEqual(second.processCPU ?? -1, 1.0, accuracy: 1e-9)
    }

    func testSamplesOnlyWhenIntervalHasPassed() {
        let sampler = SystemSampler(fileSystem: machine(), probeGPU: false, cgroupRoot: "/cg", interval: 1)
        XCTAssertNotNil(sampler.sampleIfDue(at: 100))
        XCTAssertNil(sampler.sampleIfDue(at: 100.5))
        XCTAssertNotNil(sampler.sampleIfDue(at: 101.01))
    }

    func testFailingMetricIsSwitchedOffNotRetried() {
        let fs = machine()
        let sampler = SystemSampler(fileSystem: fs, probeGPU: false, cgroupRoot: "/cg")
        sampler.sample(at: 0)
        fs.files["/proc/meminfo"] = "garbage"
        fs.files["/proc/self/statm"] = nil
        let failed = sampler.sample(at: 1)
        XCTAssertNil(failed.memory)
        XCTAssertNil(failed.processRSSBytes)
        XCTAssertFalse(sampler.enabled.memory)
        XCTAssertFalse(sampler.enabled.process)
        XCTAssertTrue(sampler.enabled.cpu)

        let memoryReads = fs.readCount("/proc/meminfo")
        let statReads = fs.readCount("/proc/self/stat")
        fs.files["/proc/meminfo"] = Fixture.text("meminfo.txt")  // even if it heals, it stays off
        for t in 2...5 { sampler.sample(at: Double(t)) }
        XCTAssertEqual(fs.readCount("/proc/meminfo"), memoryReads)
        XCTAssertEqual(fs.readCount("/proc/self/stat"), statReads)
        XCTAssertEqual(fs.readCount("/proc/stat"), 6)
        XCTAssertNil(sampler.latest.memory)
    }

    func testMissingCgroupFilesMeanNoCgroup() {
        let fs = FakeFileSystem(files: ["/proc/stat": Fixture.text("proc_stat_t0.txt")])
        let sampler = SystemSampler(fileSystem: fs, probeGPU: false, cgroupRoot: "/cg")
        let snapshot = sampler.sample(at: 0)
        XCTAssertNil(snapshot.cgroup)
        XCTAssertNil(snapshot.memory)
        XCTAssertFalse(sampler.enabled.memory)
    }

    func testUnlimitedCgroupHasNoLimits() {
        let fs = FakeFileSystem(files: [
            "/cg/memory.max": "max\n", "/cg/memory.current": "123", "/cg/cpu.max": "max 100000",
        ])
        let snapshot = SystemSampler(fileSystem: fs, probeGPU: false, cgroupRoot: "/cg").sample(at: 0)
        XCTAssertEqual(snapshot.cgroup, CgroupLimits(memoryLimitBytes: nil, memoryCurrentBytes: 123, cpuLimit: nil))
        XCTAssertEqual(snapshot.cgroup?.hasAnyLimit, false)
    }

    func testFailingGPUIsSwitchedOff() {
        let gpu = FakeGPUSource()
        let sampler = SystemSampler(fileSystem: machine(), gpuSource: gpu, cgroupRoot: "/cg")
        guard case .devices(let devices) = sampler.sample(at: 0).gpu else { return XCTFail("expected a GPU") }
        XCTAssertEqual(devices.first?.utilizationPercent, 42)
        gpu.failing = true
        guard case .unreadable = sampler.sample(at: 1).gpu else { return XCTFail("expected switched off") }
        sampler.sample(at: 2)
        sampler.sample(at: 3)
        XCTAssertEqual(gpu.calls, 2)
        XCTAssertFalse(sampler.enabled.gpu)
    }
}
