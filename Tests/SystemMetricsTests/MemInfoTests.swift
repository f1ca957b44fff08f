import XCTest
@testable import SystemMetrics

final class MemInfoTests: XCTestCase {
    func testTotalAndAvailable() throws {
        let info = try XCTUnwrap(MemInfo.parse(Fixture.text("meminfo.txt")))
        XCTAssertEqual(info.totalBytes, 24_684_084 * 1024)
        XCTAssertEqual(info.availableBytes, 24_117_792 * 1024)
        XCTAssertEqual(info.usedBytes, (24_684_084 - 24_117_792) * 1024)
    }

    func testWithoutMemAvailableEstimatesFromFreeBuffersCached() throws {
        let info = try XCTUnwrap(MemInfo.parse(Fixture.text("meminfo_no_available.txt")))
        XCTAssertEqual(info.availableBytes, 420_000 * 1024)
    }

    func testWithoutMemTotalFails() {
        XCTAssertNil(MemInfo.parse(Fixture.text("meminfo_no_total.txt")))
    }
}
