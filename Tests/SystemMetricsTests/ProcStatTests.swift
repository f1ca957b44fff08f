import XCTest
@testable import SystemMetrics

final class ProcStatTests: XCTestCase {
    func testParsesAggregateAndCores() throws {
        let stat = try XCTUnwrap(ProcStat.parse(Fixture.text("proc_stat_t0.txt")))
        XCTAssertEqual(stat.total.user, 100)
        XCTAssertEqual(stat.total.idle, 800)
        XCTAssertEqual(stat.total.total, 1000)
        XCTAssertEqual(stat.cores.keys.sorted(), [0, 1])
    }

    func testGuestIsNotCountedTwice() throws {
        let t0 = try XCTUnwrap(ProcStat.parse(Fixture.text("proc_stat_t0.txt")))
        let t1 = try XCTUnwrap(ProcStat.parse(Fixture.text("proc_stat_t1.txt")))
        XCTAssertEqual(t1.total.guest, 50)
        let usage = t1.usage(since: t0)
        // 200 busy of 400 jiffies; counting guest again would give 250 / 450.
        XCTAssertEqual(usage.total, 0.5, accuracy: 1e-9)
        XCTAssertEqual(usage.perCore.count, 2)
        XCTAssertEqual(usage.perCore[0], 1.0, accuracy: 1e-9)
        XCTAssertEqual(usage.perCore[1], 0.0, accuracy: 1e-9)
    }

    func testOldKernelWithFewerColumns() throws {
        let stat = try XCTUnwrap(ProcStat.parse(Fixture.text("proc_stat_old_kernel.txt")))
        XCTAssertEqual(stat.total.total, 100)
        XCTAssertEqual(stat.total.iowait, 0)
        XCTAssertEqual(stat.total.guest, 0)
        XCTAssertEqual(stat.cores.keys.sorted(), [0])
    }

    func testExtraColumnsTabsAndNoTrailingNewline() throws {
        let stat = try XCTUnwrap(ProcStat.parse(Fixture.text("proc_stat_extra_columns.txt")))
        XCTAssertEqual(stat.total.total, 1000)
        XCTAssertEqual(stat.cores[0]?.total, 1000)
    }

    func testCountersGoingBackwardsSaturate() throws {
        let t0 = try XCTUnwrap(ProcStat.parse(Fixture.text("proc_stat_t0.txt")))
        let back = try XCTUnwrap(ProcStat.parse(Fixture.text("proc_stat_backwards.txt")))
        // A value beyond 64 bits counts as zero rather than failing the whole file.
        XCTAssertEqual(back.cores[0]?.user, 0)
        let usage = back.usage(since: t0)
        XCTAssertEqual(usage.total, 0)
        for core in usage.perCore { XCTAssert((0...1).contains(core)) }
    }

    func testNoCPULineIsAFailure() {
        XCTAssertNil(ProcStat.parse(Fixture.text("proc_stat_no_cpu.txt")))
        XCTAssertNil(ProcStat.parse(""))
    }

    func testCoreAppearingLaterCountsAsIdle() throws {
        let old = try XCTUnwrap(ProcStat.parse(Fixture.text("proc_stat_old_kernel.txt")))
        let t0 = try XCTUnwrap(ProcStat.parse(Fixture.text("proc_stat_t0.txt")))
        XCTAssertEqual(t0.usage(since: old).perCore.count, 2)
    }
}
