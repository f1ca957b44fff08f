/// A piece of styled text; widgets build lines from spans and write them in one go.
struct TextSpan: Sendable, Equatable {
    var text: String
    var style: CellStyle

    init(_ text: String, _ style: CellStyle = .plain) {
        self.text = text
        self.style = style
    }
}

extension ScreenBuffer {
    /// Writes spans left to right from (x, y), clipped at `limit`. Returns the x after the end.
    @discardableResult
    mutating func put(_ spans: [TextSpan], x: Int, y: Int, limit: Int) -> Int {
        var column = x
        for span in spans where column < limit {
            column = put(span.text, x: column, y: y, style: span.style, limit: limit)
        }
        return column
    }
}
