/// What the widgets may use: which glyphs, and whether colour shows at all.
/// (How colours reach the terminal — direct RGB, redefined palette, 256 or 8 colours — is
/// the renderer's business; widgets always ask for the colour they mean.)
public struct DisplayCapabilities: Sendable, Equatable {
    /// Braille, half blocks, box lines; false means plain ASCII only.
    public var unicode: Bool
    /// False on monochrome terminals or with --no-color: widgets shade with characters instead.
    public var color: Bool

    public init(unicode: Bool, color: Bool) {
        self.unicode = unicode
        self.color = color
    }

    public static let full = DisplayCapabilities(unicode: true, color: true)
    public static let asciiMonochrome = DisplayCapabilities(unicode: false, color: false)

    /// Ellipsis used when cutting text.
    var ellipsis: Character { unicode ? "…" : "~" }
    /// Horizontal rule glyph for panel titles.
    var rule: Character { unicode ? "─" : "-" }
}
