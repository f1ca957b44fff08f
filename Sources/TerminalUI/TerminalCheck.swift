#if canImport(Glibc)
import Glibc
#endif

/// Whether the interactive UI can run here: both ends a terminal, TERM usable, and (when
/// asked) at least the minimum size.
enum TerminalCheck {
    static let notATerminal = "not a terminal: use --headless for scripts"

    static func problem(requireSize: Bool = true) -> String? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return notATerminal }
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        if term.isEmpty || term == "dumb" {
            return "TERM is \(term.isEmpty ? "unset" : "dumb"): the terminal UI needs a real terminal; use --headless"
        }
        guard requireSize, let size = size() else { return nil }
        if size.width < DashboardLayout.minimumWidth || size.height < DashboardLayout.minimumHeight {
            return DashboardLayout.tooSmallMessage(width: size.width, height: size.height)
        }
        return nil
    }

    /// Columns and rows of the terminal on stdout, nil when the ioctl fails.
    static func size() -> (width: Int, height: Int)? {
        var window = winsize()
        let result = withUnsafeMutablePointer(to: &window) { ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0) }
        guard result == 0, window.ws_col > 0, window.ws_row > 0 else { return nil }
        return (Int(window.ws_col), Int(window.ws_row))
    }
}
