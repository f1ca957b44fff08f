/// A cell colour as widgets ask for it; the renderer maps it to what the terminal can show.
public enum TerminalColor: Sendable, Hashable {
    /// The terminal's own default foreground or background.
    case `default`
    /// An xterm-256 palette index (0–15 are the ANSI colours).
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    // The ANSI colours the widgets use, by their conventional xterm indices.
    public static let black = TerminalColor.indexed(0)
    public static let red = TerminalColor.indexed(1)
    public static let green = TerminalColor.indexed(2)
    public static let yellow = TerminalColor.indexed(3)
    public static let blue = TerminalColor.indexed(4)
    public static let magenta = TerminalColor.indexed(5)
    public static let cyan = TerminalColor.indexed(6)
    public static let white = TerminalColor.indexed(7)
    public static let gray = TerminalColor.indexed(8)
    public static let brightRed = TerminalColor.indexed(9)
    public static let brightGreen = TerminalColor.indexed(10)
    public static let brightYellow = TerminalColor.indexed(11)
    public static let brightBlue = TerminalColor.indexed(12)
    public static let brightMagenta = TerminalColor.indexed(13)
    public static let brightCyan = TerminalColor.indexed(14)
    public static let brightWhite = TerminalColor.indexed(15)
}
