import XCTest
@testable import TerminalUI

final class XtermPaletteTests: XCTestCase {
    func testPureCubeColoursMapExactly() {
        for index in 16...231 {
            let c = XtermPalette.rgb(of: UInt8(index))
            XCTAssertEqual(XtermPalette.nearestIndex(r: c.r, g: c.g, b: c.b), UInt8(index), "cube \(index)")
        }
        XCTAssertEqual(XtermPalette.nearestIndex(r: 255, g: 0, b: 0), 196)
        XCTAssertEqual(XtermPalette.nearestIndex(r: 255, g: 255, b: 0), 226)
    }

    func testGreysGoToTheGreyRamp() {
        XCTAssertEqual(XtermPalette.nearestIndex(r: 128, g: 128, b: 128), 244)  // 8 + 10·12
        XCTAssertEqual(XtermPalette.nearestIndex(r: 8, g: 8, b: 8), 232)
        XCTAssertEqual(XtermPalette.nearestIndex(r: 238, g: 238, b: 238), 255)
        for v in stride(from: 8, through: 238, by: 10) where !XtermPalette.cubeLevels.contains(v) {
            let index = XtermPalette.nearestIndex(r: UInt8(v), g: UInt8(v), b: UInt8(v))
            XCTAssert((232...255).contains(index), "grey \(v) went to \(index)")
        }
    }

    func testNearestWins() {
        // (100, 100, 100): cube (95,95,95) is 75 away², ramp 98 is 12 away² → ramp.
        XCTAssertEqual(XtermPalette.nearestIndex(r: 100, g: 100, b: 100), 241)
        // (96, 96, 96): cube 95 is 3 away², ramp 98 is 12 → cube index 59.
        XCTAssertEqual(XtermPalette.nearestIndex(r: 96, g: 96, b: 96), 59)
        // A tinted grey stays in the cube when that is nearer.
        XCTAssertEqual(XtermPalette.nearestIndex(r: 215, g: 135, b: 135), 174)
        // Brute force agrees on a sample of colours.
        for r in stride(from: 0, through: 255, by: 37) {
            for g in stride(from: 0, through: 255, by: 41) {
                for b in stride(from: 0, through: 255, by: 43) {
                    let chosen = XtermPalette.nearestIndex(r: UInt8(r), g: UInt8(g), b: UInt8(b))
                    let best = (16...255).map { i -> Int in
                        let c = XtermPalette.rgb(of: UInt8(i))
                        return XtermPalette.distance((r, g, b), (Int(c.r), Int(c.g), Int(c.b)))
                    }.min()!
                    let c = XtermPalette.rgb(of: chosen)
                    XCTAssertEqual(XtermPalette.distance((r, g, b), (Int(c.r), Int(c.g), Int(c.b))), best)
                }
            }
        }
    }

    func testANSINearest() {
        XCTAssertEqual(XtermPalette.nearestANSI(r: 250, g: 10, b: 10, count: 8), 1)
        XCTAssertEqual(XtermPalette.nearestANSI(r: 250, g: 10, b: 10, count: 16), 9)
    }
}

final class ANSIGreyTests: XCTestCase {
    func testGreysStayGrey() {
        XCTAssertEqual(XtermPalette.nearestANSI(r: 127, g: 127, b: 127, count: 8), 7)
        XCTAssertEqual(XtermPalette.nearestANSI(r: 20, g: 20, b: 20, count: 8), 0)
        XCTAssertEqual(XtermPalette.nearestANSI(r: 127, g: 127, b: 127, count: 16), 8)
        let mapper = ColorMapper(mode: .ansi(8), defaultColorsAvailable: true)
        XCTAssertEqual(mapper.number(for: .gray, foreground: true), 7)
        XCTAssertEqual(mapper.number(for: .brightCyan, foreground: true), 6)
    }
}
