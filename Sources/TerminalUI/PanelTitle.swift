/// The top line of a panel: a horizontal rule with the title and live values set into it,
/// e.g. "─ Loss ─ G 1.23 ─ D 0.56 ──────". Panels have no side borders, to save columns.
enum PanelTitle {
    static func draw(_ parts: [TextSpan], in rect: Rect, into buffer: inout ScreenBuffer,
                     capabilities: DisplayCapabilities) {
        guard rect.height > 0, rect.width > 0 else { return }
        let ruleStyle = CellStyle.fg(.gray, capabilities.color ? [] : [.dim])
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1),
                    with: Cell(capabilities.rule, style: ruleStyle))
        var x = rect.x + 1
        for (index, part) in parts.enumerated() where x < rect.maxX - 1 {
            if index > 0 { x = buffer.put(String(capabilities.rule), x: x, y: rect.y, style: ruleStyle, limit: rect.maxX) }
            x = buffer.put(" " + part.text + " ", x: x, y: rect.y, style: part.style, limit: rect.maxX)
        }
    }
}
