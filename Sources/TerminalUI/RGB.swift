/// An 8-bit-per-channel colour, used where colours are computed (image pixels, palettes).
public struct RGB: Sendable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// Perceived brightness 0...1 (Rec. 601 weights).
    var luminance: Double { (0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)) / 255 }

    static func average(_ a: RGB, _ b: RGB) -> RGB {
        RGB(r: UInt8((Int(a.r) + Int(b.r)) / 2), g: UInt8((Int(a.g) + Int(b.g)) / 2),
            b: UInt8((Int(a.b) + Int(b.b)) / 2))
    }

    func distanceSquared(to other: RGB) -> Int {
        let dr = Int(r) - Int(other.r), dg = Int(g) - Int(other.g), db = Int(b) - Int(other.b)
        return dr * dr + dg * dg + db * db
    }

    /// 0xRRGGBB, ncurses' colour number in direct-colour mode.
    var packed: Int32 { Int32(r) << 16 | Int32(g) << 8 | Int32(b) }
}
