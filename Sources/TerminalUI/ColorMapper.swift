/// Turns the colours a frame asks for into terminal colour numbers for `mode`.
///
/// Per frame: `prepare(_:)` with every colour the buffer uses (so a redefinable palette can
/// plan its entries), then `number(for:)` per cell. Pure apart from returning the palette
/// entries to define, so it is tested without a terminal.
struct ColorMapper {
    let mode: ColorMode
    /// Whether -1 means "terminal default" (use_default_colors succeeded).
    let defaultColorsAvailable: Bool
    private var palette: SlotAllocator<RGB>?
    private var frameMap: [RGB: Int32] = [:]
    /// The colours the current palette was planned for.
    private var lastColorSet: Set<RGB>?

    init(mode: ColorMode, defaultColorsAvailable: Bool) {
        self.mode = mode
        self.defaultColorsAvailable = defaultColorsAvailable
        if case .redefinablePalette(let entries) = mode { palette = SlotAllocator(slots: Array(entries)) }
    }

    /// Plans palette entries for a frame; returns entries to define with init_extended_color.
    ///
    /// While the frame's colours fit in the entries, each keeps an exact entry (entries of
    /// colours still on screen are never redefined). When there are more (a preview of
    /// noisy faces has thousands), the entries are set to a median-cut palette of the frame
    /// and every colour takes its representative. Nothing is redone while the frame's set of
    /// colours stays the same, so steady frames cost only lookups.
    mutating func prepare(_ colors: [TerminalColor: Int]) -> [(number: Int, color: RGB)] {
        guard var palette else { return [] }
        var requests: [RGB: Int] = [:]
        for (color, count) in colors {
            if let rgb = paletteRGB(color) { requests[rgb, default: 0] += count }
        }
        let colorSet = Set(requests.keys)
        if colorSet == lastColorSet { return [] }
        lastColorSet = colorSet

        if requests.count <= palette.slotNumbers.count {
            let plan = palette.plan(requests)
            self.palette = palette
            frameMap = plan.slots.mapValues(Int32.init)
            return plan.definitions.map { (number: $0.slot, color: $0.key) }
        }
        let reduced = MedianCut.reduce(requests, to: palette.slotNumbers.count)
        // Entries now hold representatives, not the colours the exact allocator knows about.
        palette = SlotAllocator(slots: palette.slotNumbers)
        self.palette = palette
        var definitions: [(number: Int, color: RGB)] = []
        for (i, color) in reduced.palette.enumerated() {
            definitions.append((palette.slotNumbers[i], color))
        }
        frameMap = reduced.index.mapValues { Int32(palette.slotNumbers[$0]) }
        return definitions
    }

    /// The colour number for a cell's foreground or background.
    func number(for color: TerminalColor, foreground: Bool) -> Int32 {
        switch color {
        case .default:
            return defaultColorsAvailable ? -1 : (foreground ? 7 : 0)
        case .indexed(let index):
            switch mode {
            case .monochrome: return -1
            case .ansi(let count):
                if Int(index) < count { return Int32(index) }
                // Bright variants fall back to their normal colour; grey (8) to white.
                if index == 8 { return 7 }
                if index < 16 { return Int32(index - 8) }
                let c = XtermPalette.rgb(of: index)
                return Int32(XtermPalette.nearestANSI(r: c.r, g: c.g, b: c.b, count: count))
            case .indexed256:
                return Int32(index)
            case .direct:
                // In direct colour only 0–7 keep their ANSI meaning.
                if index < 8 { return Int32(index) }
                let c = XtermPalette.rgb(of: index)
                return directNumber(RGB(r: c.r, g: c.g, b: c.b))
            case .redefinablePalette:
                if index < 16 { return Int32(index) }
                if let rgb = paletteRGB(color), let number = frameMap[rgb] { return number }
                return Int32(index)
            }
        case .rgb(let r, let g, let b):
            switch mode {
            case .monochrome: return -1
            case .ansi(let count): return Int32(XtermPalette.nearestANSI(r: r, g: g, b: b, count: count))
            case .indexed256: return Int32(XtermPalette.nearestIndex(r: r, g: g, b: b))
            case .direct: return directNumber(RGB(r: r, g: g, b: b))
            case .redefinablePalette:
                return frameMap[RGB(r: r, g: g, b: b)] ?? Int32(XtermPalette.nearestIndex(r: r, g: g, b: b))
            }
        }
    }

    /// Colours the redefinable palette must hold: RGB ones, and palette indices ≥ 16 when
    /// those entries are being redefined (their standard meaning is gone).
    private func paletteRGB(_ color: TerminalColor) -> RGB? {
        guard case .redefinablePalette(let entries) = mode else { return nil }
        switch color {
        case .rgb(let r, let g, let b):
            return RGB(r: r, g: g, b: b)
        case .indexed(let index) where index >= 16 && entries.contains(Int(index)):
            let c = XtermPalette.rgb(of: index)
            return RGB(r: c.r, g: c.g, b: c.b)
        default:
            return nil
        }
    }

    /// Direct colour numbers below 8 mean ANSI colours, so near-black moves to 8 (#000008).
    private func directNumber(_ rgb: RGB) -> Int32 { max(8, rgb.packed) }
}
