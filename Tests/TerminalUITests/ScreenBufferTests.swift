import XCTest
@testable import TerminalUI

final class ScreenBufferTests: XCTestCase {
    func testPutClipsAtEdgesAndLimit() {
        var buffer = ScreenBuffer(width: 5, height: 2)
        let end = buffer.put("hello world", x: 1, y: 0)
        XCTAssertEqual(end, 5)
        XCTAssertEqual(buffer.text(row: 0), " hell")
        buffer.put("abc", x: -1, y: 1, limit: 2)
        XCTAssertEqual(buffer.text(row: 1), "bc   ")
        buffer.put("zzz", x: 0, y: 7)  // off screen: ignored
        XCTAssertEqual(buffer.text, " hell\nbc   ")
    }

    func testControlCharactersBecomeSpaces() {
        var buffer = ScreenBuffer(width: 4, height: 1)
        buffer.put("a\tb\n", x: 0, y: 0)
        XCTAssertEqual(buffer.text(row: 0), "a b ")
    }

    func testTruncatedPutEndsWithEllipsis() {
        var buffer = ScreenBuffer(width: 10, height: 1)
        buffer.put("checkpoint saved", in: Rect(x: 0, y: 0, width: 6, height: 1))
        XCTAssertEqual(buffer.text(row: 0), "check…    ")
    }

    func testZeroAndNegativeSizesAreSafe() {
        var buffer = ScreenBuffer(width: -3, height: 0)
        buffer.put("x", x: 0, y: 0)
        buffer.fill(Rect(x: -5, y: -5, width: 100, height: 100))
        XCTAssertEqual(buffer.cells.count, 0)
        XCTAssertEqual(Rect(x: 0, y: 0, width: -4, height: -1).width, 0)
    }

    func testRectTakers() {
        var rect = Rect(x: 0, y: 0, width: 10, height: 10)
        XCTAssertEqual(rect.takeTop(3), Rect(x: 0, y: 0, width: 10, height: 3))
        XCTAssertEqual(rect.takeBottom(20), Rect(x: 0, y: 3, width: 10, height: 7))
        XCTAssertEqual(rect.height, 0)
        XCTAssertEqual(Rect(x: 0, y: 0, width: 10, height: 4).centered(width: 4, height: 2),
                       Rect(x: 3, y: 1, width: 4, height: 2))
    }
}
