#if canImport(Glibc)
import Glibc
#endif
import CNcurses

/// Copies an off-screen buffer to ncurses: werase (not clear), one wide character per cell
/// with its colour pair, then wnoutrefresh + a single doupdate, and only when the buffer
/// differs from the last one drawn. Colour pairs come from an LRU cache
/// (init_extended_pair + setcchar's extended pair argument — never COLOR_PAIR(n)), palette
/// entries from the `ColorMapper`. Only the UI thread calls it.
final class NcursesRenderer {
    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    private var mapper: ColorMapper
    private var pairs: SlotAllocator<PairKey>
    private let colorMode: ColorMode
    private var lastDrawn: ScreenBuffer?

    init(colorMode: ColorMode, defaultColorsAvailable: Bool) {
        self.colorMode = colorMode
        mapper = ColorMapper(mode: colorMode, defaultColorsAvailable: defaultColorsAvailable)
        // Pair 0 is the terminal's default pair; extended pairs go up to COLOR_PAIRS - 1.
        let pairCount = colorMode.hasColor ? Int(max(1, min(dcgan_color_pairs(), 65_536))) : 1
        pairs = SlotAllocator(slots: Array(1..<max(2, pairCount)))
    }

    /// Draws `buffer` if it differs from the last frame (or `force`). Returns whether it drew.
    @discardableResult
    func draw(_ buffer: ScreenBuffer, force: Bool = false) -> Bool {
        if !force, let lastDrawn, lastDrawn == buffer { return false }
        let window = dcgan_stdscr()
        let cellPairs = colorMode.hasColor ? planColors(buffer) : Array(repeating: 0, count: buffer.cells.count)

        werase(window)
        var cchar = cchar_t()
        var wide: [wchar_t] = [0, 0]
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let index = y * buffer.width + x
                let cell = buffer.cells[index]
                wide[0] = wchar_t(bitPattern: cell.character.unicodeScalars.first?.value ?? 32)
                var pair = cellPairs[index]
                setcchar(&cchar, wide, attributes(cell.style.attributes), 0, &pair)
                // The bottom-right cell reports ERR (the cursor can't advance) but is drawn.
                mvwadd_wch(window, Int32(y), Int32(x), &cchar)
            }
        }
        wnoutrefresh(window)
        doupdate()
        lastDrawn = buffer
        return true
    }

    /// Defines the palette entries and colour pairs this frame needs; returns each cell's pair.
    private func planColors(_ buffer: ScreenBuffer) -> [Int32] {
        var colorUse: [TerminalColor: Int] = [:]
        for cell in buffer.cells {
            colorUse[cell.style.foreground, default: 0] += 1
            colorUse[cell.style.background, default: 0] += 1
        }
        for entry in mapper.prepare(colorUse) {
            // ncurses colour components are 0...1000.
            init_extended_color(Int32(entry.number), Int32(entry.color.r) * 1000 / 255,
                                Int32(entry.color.g) * 1000 / 255, Int32(entry.color.b) * 1000 / 255)
        }
        var keys: [PairKey] = []
        keys.reserveCapacity(buffer.cells.count)
        var pairUse: [PairKey: Int] = [:]
        for cell in buffer.cells {
            let key = PairKey(foreground: mapper.number(for: cell.style.foreground, foreground: true),
                              background: mapper.number(for: cell.style.background, foreground: false))
            keys.append(key)
            if key != Self.defaultPair { pairUse[key, default: 0] += 1 }
        }
        let plan = pairs.plan(pairUse)
        for definition in plan.definitions {
            init_extended_pair(Int32(definition.slot), definition.key.foreground, definition.key.background)
        }
        // Pairs that didn't fit (tiny COLOR_PAIRS) fall back to the default pair.
        return keys.map { Int32(plan.slots[$0] ?? 0) }
    }

    private static let defaultPair = PairKey(foreground: -1, background: -1)

    private func attributes(_ attributes: CellAttributes) -> attr_t {
        var result = dcgan_a_normal()
        if attributes.contains(.bold) { result |= dcgan_a_bold() }
        if attributes.contains(.dim) { result |= dcgan_a_dim() }
        if attributes.contains(.reverse) { result |= dcgan_a_reverse() }
        if attributes.contains(.underline) { result |= dcgan_a_underline() }
        return result
    }

    /// Forget the last frame so the next `draw` happens even if unchanged.
    func invalidate() { lastDrawn = nil }
}
