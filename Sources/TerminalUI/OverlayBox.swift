/// A bordered, cleared box with a title, for overlays drawn over the dashboard.
enum OverlayBox {
    static func draw(title: String, in box: Rect, into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        guard box.width >= 2, box.height >= 2 else { return }
        let style = CellStyle.fg(.default, [.bold])
        let (h, v, corners): (Character, Character, [Character]) = capabilities.unicode
            ? ("─", "│", ["┌", "┐", "└", "┘"]) : ("-", "|", ["+", "+", "+", "+"])
        buffer.fill(box)
        for x in box.x..<box.maxX {
            buffer[x, box.y] = Cell(h, style: style)
            buffer[x, box.maxY - 1] = Cell(h, style: style)
        }
        for y in box.y..<box.maxY {
            buffer[box.x, y] = Cell(v, style: style)
            buffer[box.maxX - 1, y] = Cell(v, style: style)
        }
        buffer[box.x, box.y] = Cell(corners[0], style: style)
        buffer[box.maxX - 1, box.y] = Cell(corners[1], style: style)
        buffer[box.x, box.maxY - 1] = Cell(corners[2], style: style)
        buffer[box.maxX - 1, box.maxY - 1] = Cell(corners[3], style: style)
        if !title.isEmpty {
            buffer.put(" \(title) ".truncated(to: box.width - 2, ellipsis: capabilities.ellipsis),
                       x: box.x + 2, y: box.y, style: style, limit: box.maxX - 1)
        }
    }
}
