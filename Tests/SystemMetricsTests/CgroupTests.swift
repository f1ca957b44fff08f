import XCTest
@testable import SystemMetrics

final class CgroupTests: XCTestCase {
    func testMemoryMax() {
        XCTAssertEqual(CgroupParser.parseValue(Fixture.text("cgroup_memory_max_unlimited.txt")), .unlimited)
        XCTAssertEqual(CgroupParser.parseValue(Fixture.text("cgroup_memory_max_4g.txt")), .bytes(4_294_967_296))
        XCTAssertNil(CgroupParser.parseValue(""))
        XCTAssertNil(CgroupParser.parseValue("lots\n"))
    }

    func testCPUMax() {
        XCTAssertEqual(CgroupParser.parseCPUMax(Fixture.text("cgroup_cpu_max_unlimited.txt")), .unlimited)
        XCTAssertEqual(CgroupParser.parseCPUMax(Fixture.text("cgroup_cpu_max_1_5.txt")), .cpus(1.5))
        XCTAssertEqual(CgroupParser.parseCPUMax(Fixture.text("cgroup_cpu_max_no_period.txt")), .cpus(0.5))
        XCTAssertNil(CgroupParser.parseCPUMax("100000 0"))
        XCTAssertNil(CgroupParser.parseCPUMax(""))
    }

    func testUnifiedPath() {
        XCTAssertEqual(CgroupParser.unifiedPath(Fixture.text("proc_self_cgroup_v2.txt")), "/system.slice/dcgan.service")
        XCTAssertNil(CgroupParser.unifiedPath(Fixture.text("proc_self_cgroup_v1.txt")))
    }
}
