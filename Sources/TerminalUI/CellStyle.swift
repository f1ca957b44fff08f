/// Colours and attributes shared by a run of text.
public struct CellStyle: Sendable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: CellAttributes

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default,
                attributes: CellAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = CellStyle()
    public static func fg(_ color: TerminalColor, _ attributes: CellAttributes = []) -> CellStyle {
        CellStyle(foreground: color, attributes: attributes)
    }
}
