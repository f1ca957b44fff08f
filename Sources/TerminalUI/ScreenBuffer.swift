/// An off-screen grid of cells. Widgets draw here; the ncurses renderer copies it to the
/// terminal, and tests read it back. Every write is clipped, so drawing outside is harmless.
public struct ScreenBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x, y) ? cells[y * width + x] : .blank }
        set { if contains(x, y) { cells[y * width + x] = newValue } }
    }

    public func contains(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Writes `text` from (x, y) on one line, stopping at `limit` (exclusive x) or the edge.
    /// Returns the x after the last character written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, limit: Int? = nil) -> Int {
        let end = min(limit ?? width, width)
        var column = x
        for character in text {
            if column >= end { break }
            // Only single-width glyphs go into cells; control characters would corrupt the screen.
            let safe: Character = character.isNewline || (character.asciiValue.map { $0 < 32 || $0 == 127 } ?? false)
                ? " " : character
            self[column, y] = Cell(safe, style: style)
            column += 1
        }
        return column
    }

    /// Writes `text` inside `rect`'s first row, truncated with "…" (or "~" in ASCII) when too long.
    public mutating func put(_ text: String, in rect: Rect, row: Int = 0, style: CellStyle = .plain,
                             ellipsis: Character = "…") {
        guard row < rect.height, rect.width > 0 else { return }
        put(text.truncated(to: rect.width, ellipsis: ellipsis), x: rect.x, y: rect.y + row, style: style,
            limit: rect.maxX)
    }

    /// Paints every cell of `rect` with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        for y in max(0, rect.y)..<min(height, max(0, rect.maxY)) {
            for x in max(0, rect.x)..<min(width, max(0, rect.maxX)) {
                cells[y * width + x] = cell
            }
        }
    }

    /// Sets the style of existing characters in `rect` (e.g. to reverse a bar).
    public mutating func restyle(_ rect: Rect, _ transform: (inout CellStyle) -> Void) {
        for y in max(0, rect.y)..<min(height, max(0, rect.maxY)) {
            for x in max(0, rect.x)..<min(width, max(0, rect.maxX)) {
                transform(&cells[y * width + x].style)
            }
        }
    }

    /// For terminals without UTF-8: swaps every non-ASCII character (e.g. from an event
    /// message or a file path) for a close ASCII one, or "?".
    public mutating func replaceNonASCII() {
        for index in cells.indices where !cells[index].character.isASCII {
            switch cells[index].character {
            case "…": cells[index].character = "~"
            case "×": cells[index].character = "x"
            case "÷": cells[index].character = "/"
            case "▶": cells[index].character = ">"
            case "─", "━": cells[index].character = "-"
            case "│": cells[index].character = "|"
            default: cells[index].character = "?"
            }
        }
    }

    /// The characters of row `y` as a string (for tests and debugging).
    public func text(row y: Int) -> String {
        guard y >= 0 && y < height else { return "" }
        return String(cells[(y * width)..<(y * width + width)].map(\.character))
    }

    /// All rows joined by newlines.
    public var text: String { (0..<height).map { text(row: $0) }.joined(separator: "\n") }

    /// Whether any row contains `needle`.
    public func contains(text needle: String) -> Bool {
        (0..<height).contains { text(row: $0).contains(needle) }
    }
}

extension String {
    /// At most `width` characters; longer text is cut and ends with `ellipsis`.
    func truncated(to width: Int, ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        guard count > width else { return self }
        return String(prefix(width - 1)) + String(ellipsis)
    }

    /// Padded with spaces (or cut) to exactly `width` characters, aligned left.
    func padded(to width: Int) -> String {
        count >= width ? String(prefix(width)) : self + String(repeating: " ", count: width - count)
    }

    /// Padded on the left to `width` characters (for right-aligned numbers).
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
