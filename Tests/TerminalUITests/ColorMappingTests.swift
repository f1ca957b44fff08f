import XCTest
@testable import TerminalUI

final class ColorMappingTests: XCTestCase {
    func testModeChoice() {
        XCTAssertEqual(ColorMode.choose(noColor: true, hasColors: true, colors: 256, canChangeColor: true,
                                        colorTerm: "truecolor"), .monochrome)
        XCTAssertEqual(ColorMode.choose(noColor: false, hasColors: false, colors: 0, canChangeColor: false,
                                        colorTerm: nil), .monochrome)
        XCTAssertEqual(ColorMode.choose(noColor: false, hasColors: true, colors: 1 << 24, canChangeColor: false,
                                        colorTerm: nil), .direct)
        XCTAssertEqual(ColorMode.choose(noColor: false, hasColors: true, colors: 256, canChangeColor: true,
                                        colorTerm: "24bit"), .indexed256, "palette redefinition only when asked")
        XCTAssertEqual(ColorMode.choose(noColor: false, hasColors: true, colors: 256, canChangeColor: true,
                                        colorTerm: "24bit", allowPaletteRedefinition: true), .redefinablePalette(16..<256))
        XCTAssertEqual(ColorMode.choose(noColor: false, hasColors: true, colors: 256, canChangeColor: true,
                                        colorTerm: nil), .indexed256)
        XCTAssertEqual(ColorMode.choose(noColor: false, hasColors: true, colors: 8, canChangeColor: false,
                                        colorTerm: "truecolor"), .ansi(8))
    }

    func testIndexedAndDirectMapping() {
        let indexed = ColorMapper(mode: .indexed256, defaultColorsAvailable: true)
        XCTAssertEqual(indexed.number(for: .default, foreground: true), -1)
        XCTAssertEqual(indexed.number(for: .rgb(255, 0, 0), foreground: true), 196)
        XCTAssertEqual(indexed.number(for: .indexed(42), foreground: true), 42)

        let direct = ColorMapper(mode: .direct, defaultColorsAvailable: false)
        XCTAssertEqual(direct.number(for: .rgb(0x12, 0x34, 0x56), foreground: true), 0x123456)
        XCTAssertEqual(direct.number(for: .rgb(0, 0, 1), foreground: true), 8, "below 8 means ANSI in direct mode")
        XCTAssertEqual(direct.number(for: .indexed(2), foreground: true), 2)
        XCTAssertEqual(direct.number(for: .default, foreground: false), 0)

        let ansi = ColorMapper(mode: .ansi(8), defaultColorsAvailable: true)
        XCTAssertEqual(ansi.number(for: .brightRed, foreground: true), 1)
    }

    func testRedefinablePaletteExactWhileColoursFitThenMedianCut() {
        var mapper = ColorMapper(mode: .redefinablePalette(16..<18), defaultColorsAvailable: true)
        let red = TerminalColor.rgb(250, 0, 0), blue = TerminalColor.rgb(0, 0, 250)
        let defined = mapper.prepare([red: 5, blue: 3, .green: 1])
        XCTAssertEqual(Set(defined.map(\.number)), [16, 17])
        XCTAssertEqual(Set(defined.map(\.color)), [RGB(r: 250, g: 0, b: 0), RGB(r: 0, g: 0, b: 250)])
        let redNumber = mapper.number(for: red, foreground: true)
        XCTAssertEqual(mapper.number(for: .green, foreground: true), 2, "ANSI colours are never redefined")
        XCTAssertTrue(mapper.prepare([red: 5, blue: 3]).isEmpty, "same colours: nothing to redefine")
        XCTAssertEqual(mapper.number(for: red, foreground: true), redNumber)

        // More colours than entries: both entries get representatives, every colour maps to one.
        let darkRed = TerminalColor.rgb(200, 0, 0)
        let reduced = mapper.prepare([red: 5, blue: 3, darkRed: 1])
        XCTAssertEqual(reduced.count, 2)
        for color in [red, blue, darkRed] {
            XCTAssertTrue([16, 17].contains(mapper.number(for: color, foreground: true)))
        }
        XCTAssertTrue(mapper.prepare([red: 5, blue: 3, darkRed: 1]).isEmpty)
    }

    func testMedianCutFindsClusters() {
        var colors: [RGB: Int] = [:]
        for i in 0..<20 {
            colors[RGB(r: UInt8(240 + i % 10), g: UInt8(200 + i), b: 0)] = 3
            colors[RGB(r: 0, g: UInt8(i), b: UInt8(230 + i))] = 2
        }
        let (palette, index) = MedianCut.reduce(colors, to: 2)
        XCTAssertEqual(palette.count, 2)
        XCTAssertEqual(index.count, 40)
        let yellowish = palette[index[RGB(r: 240, g: 200, b: 0)]!]
        let bluish = palette[index[RGB(r: 0, g: 0, b: 230)]!]
        XCTAssertGreaterThan(yellowish.r, 200)
        XCTAssertGreaterThan(bluish.b, 200)
        XCTAssertEqual(MedianCut.reduce(colors, to: 100).palette.count, 40, "never more boxes than colours")
    }

    func testSlotAllocatorEvictsLeastRecentlyUsedOutsideTheFrame() {
        var slots = SlotAllocator<String>(slots: [1, 2, 3])
        var plan = slots.plan(["a": 1, "b": 1, "c": 1])
        XCTAssertEqual(plan.definitions.count, 3)
        _ = slots.plan(["a": 1])  // b and c not used this frame; a is most recent
        _ = slots.plan(["c": 1])
        plan = slots.plan(["d": 1, "a": 1])
        // b is the least recently used slot not in this frame.
        XCTAssertEqual(plan.definitions.map(\.key), ["d"])
        XCTAssertNil(plan.definitions.first { $0.key == "a" })
        XCTAssertEqual(slots.key(of: plan.slots["d"]!), "d")
        XCTAssertNotEqual(plan.slots["d"], plan.slots["a"])

        plan = slots.plan(["x": 1, "y": 1, "z": 1, "w": 1])
        XCTAssertEqual(plan.overflow.count, 1, "four keys, three slots")
    }
}
