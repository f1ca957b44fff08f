/// How the terminal UI ended: the process exit code and a line to print once the terminal
/// has been restored (never printed while ncurses owns the screen).
public struct TerminalExit: Sendable, Equatable {
    public var code: Int32
    public var message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }
}
