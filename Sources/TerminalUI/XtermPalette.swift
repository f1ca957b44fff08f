/// The standard xterm 256-colour palette and nearest-colour lookups into it.
///
/// Indices 16–231 are a 6×6×6 cube with levels 0, 95, 135, 175, 215, 255; 232–255 are a
/// 24-step grey ramp 8, 18, …, 238. Quantising picks whichever of the nearest cube colour
/// and the nearest grey is closer (squared RGB distance), so greys don't turn tinted and
/// saturated colours don't turn grey.
public enum XtermPalette {
    public static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// Approximate RGB of the 16 ANSI colours (xterm defaults).
    static let ansi: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
        (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
        (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// RGB of palette entry `index`.
    public static func rgb(of index: UInt8) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = Int(index)
        switch i {
        case 0..<16:
            let c = ansi[i]
            return (UInt8(c.0), UInt8(c.1), UInt8(c.2))
        case 16..<232:
            let n = i - 16
            return (UInt8(cubeLevels[n / 36]), UInt8(cubeLevels[(n / 6) % 6]), UInt8(cubeLevels[n % 6]))
        default:
            let v = UInt8(8 + 10 * (i - 232))
            return (v, v, v)
        }
    }

    /// The nearest of the 240 cube and grey entries (16–255) to an RGB colour.
    public static func nearestIndex(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        let ri = nearestLevel(Int(r)), gi = nearestLevel(Int(g)), bi = nearestLevel(Int(b))
        let cubeIndex = 16 + 36 * ri + 6 * gi + bi
        let cubeDistance = distance((Int(r), Int(g), Int(b)), (cubeLevels[ri], cubeLevels[gi], cubeLevels[bi]))

        // Nearest grey to the mean, then checked by the same distance.
        let mean = (Int(r) + Int(g) + Int(b)) / 3
        let step = min(23, max(0, (mean - 8 + 5) / 10))
        let grey = 8 + 10 * step
        let greyDistance = distance((Int(r), Int(g), Int(b)), (grey, grey, grey))

        return greyDistance < cubeDistance ? UInt8(232 + step) : UInt8(cubeIndex)
    }

    /// The nearest of the first `count` ANSI colours (8 or 16) to an RGB colour. Greys go
    /// by brightness to black / (grey) / white: by distance alone a mid grey would turn yellow.
    public static func nearestANSI(r: UInt8, g: UInt8, b: UInt8, count: Int) -> UInt8 {
        let high = max(r, g, b), low = min(r, g, b)
        if high - low < 40 {
            let level = (Int(r) + Int(g) + Int(b)) / 3
            if count >= 16 { return level < 64 ? 0 : level < 160 ? 8 : level < 224 ? 7 : 15 }
            return level < 96 ? 0 : 7
        }
        var best = 0, bestDistance = Int.max
        for i in 0..<min(16, max(1, count)) {
            let d = distance((Int(r), Int(g), Int(b)), ansi[i])
            if d < bestDistance { best = i; bestDistance = d }
        }
        return UInt8(best)
    }

    /// Index into `cubeLevels` nearest to a 0–255 channel value.
    static func nearestLevel(_ v: Int) -> Int {
        // Midpoints between levels: 47, 115, 155, 195, 235.
        if v < 48 { return 0 }
        if v < 115 { return 1 }
        return min(5, (v - 35) / 40)
    }

    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return dr * dr + dg * dg + db * db
    }
}
