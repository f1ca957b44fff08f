import XCTest
@testable import SystemMetrics

final class ProcessStatTests: XCTestCase {
    func testCommandNameWithSpacesAndParentheses() throws {
        let stat = try XCTUnwrap(ProcessStat.parse(Fixture.text("proc_self_stat.txt")))
        XCTAssertEqual(stat.cpuTicks, 2000)
        XCTAssertEqual(stat.threads, 18)
    }

    func testTruncatedStatFails() {
        XCTAssertNil(ProcessStat.parse(Fixture.text("proc_self_stat_truncated.txt")))
        XCTAssertNil(ProcessStat.parse("no parenthesis here"))
    }

    func testStatmResidentPages() {
        XCTAssertEqual(ProcessStatm.residentPages(Fixture.text("proc_self_statm.txt")), 447)
        XCTAssertNil(ProcessStatm.residentPages("765"))
    }
}
