/// A plotting surface of dots laid over a cell rectangle.
///
/// In Unicode mode each cell holds 2×4 dots drawn as one braille character (U+2800 plus a
/// bit per dot); in ASCII mode each cell is a single dot. Dots are indexed from the
/// top-left; each dot remembers which series (layer) set it last, so a cell can take the
/// colour of the topmost series drawn through it.
public struct DotCanvas: Sendable {
    public let columns: Int
    public let rows: Int
    public let dotsPerColumn: Int
    public let dotsPerRow: Int
    /// Per dot: 0 = empty, otherwise layer + 1.
    private var dots: [UInt8]

    public init(columns: Int, rows: Int, braille: Bool) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        dotsPerColumn = braille ? 2 : 1
        dotsPerRow = braille ? 4 : 1
        dots = Array(repeating: 0, count: self.columns * dotsPerColumn * self.rows * dotsPerRow)
    }

    public var dotWidth: Int { columns * dotsPerColumn }
    public var dotHeight: Int { rows * dotsPerRow }
    public var isBraille: Bool { dotsPerColumn == 2 }

    /// Sets dot (x, y), y counted from the top; out-of-range dots are ignored.
    public mutating func set(_ x: Int, _ y: Int, layer: Int = 0) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        dots[y * dotWidth + x] = UInt8(clamping: layer + 1)
    }

    public func isSet(_ x: Int, _ y: Int) -> Bool {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return false }
        return dots[y * dotWidth + x] != 0
    }

    /// Sets every dot on the vertical run between y0 and y1 in column x (a connected line
    /// between neighbouring samples).
    public mutating func setColumnRun(_ x: Int, from y0: Int, to y1: Int, layer: Int = 0) {
        for y in min(y0, y1)...max(y0, y1) { set(x, y, layer: layer) }
    }

    /// The braille bit of dot (dx, dy) within a cell (Unicode's dot numbering 1–8).
    static func brailleBit(dx: Int, dy: Int) -> UInt32 {
        let table: [[UInt32]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
        return table[dy][dx]
    }

    /// The glyph of cell (column, row) and the highest layer among its dots, or nil when empty.
    /// In ASCII mode the glyph is `asciiMarks[layer]` (or "*" past its end).
    public func cell(column: Int, row: Int, asciiMarks: [Character] = []) -> (character: Character, layer: Int)? {
        var bits: UInt32 = 0
        var topLayer = -1
        for dy in 0..<dotsPerRow {
            for dx in 0..<dotsPerColumn {
                let value = dots[(row * dotsPerRow + dy) * dotWidth + column * dotsPerColumn + dx]
                if value != 0 {
                    bits |= Self.brailleBit(dx: dx, dy: dy)
                    topLayer = max(topLayer, Int(value) - 1)
                }
            }
        }
        guard bits != 0 else { return nil }
        if !isBraille { return (topLayer < asciiMarks.count ? asciiMarks[topLayer] : "*", topLayer) }
        return (Character(Unicode.Scalar(0x2800 + bits)!), topLayer)
    }
}
