#if canImport(Glibc)
import Glibc
#endif
import CNcurses

/// The ncurses session: starts curses on the controlling terminal, reads keys with a
/// timeout, reports the size and restores the terminal. Only the UI thread touches it.
final class NcursesTerminal {
    private var screen: OpaquePointer?
    private(set) var capabilities: DisplayCapabilities
    private(set) var colorMode: ColorMode
    private(set) var defaultColorsAvailable = false

    /// Nil when ncurses can't start on this terminal (e.g. unknown TERM).
    /// Expects the locale to be set already (`setlocale` before `newterm` decides whether
    /// ncurses speaks UTF-8).
    init?(options: TerminalOptions, utf8: Bool, environment: [String: String]) {
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r") else { return nil }
        // newterm instead of initscr: initscr exits the process when the terminal is unknown.
        guard let screen = newterm(nil, output, input) else { return nil }
        self.screen = screen
        set_term(screen)
        cbreak()
        noecho()
        nonl()
        keypad(dcgan_stdscr(), true)
        leaveok(dcgan_stdscr(), true)
        curs_set(0)
        // Esc must close overlays at once, not after ncurses' 1 s escape-sequence wait.
        set_escdelay(25)

        let wantsColor = !options.noColor && (environment["NO_COLOR"] ?? "").isEmpty
        if wantsColor && has_colors() {
            start_color()
            defaultColorsAvailable = use_default_colors() == OK
        }
        colorMode = ColorMode.choose(noColor: !wantsColor, hasColors: has_colors(), colors: Int(dcgan_colors()),
                                     canChangeColor: can_change_color(), colorTerm: environment["COLORTERM"],
                                     allowPaletteRedefinition: environment["DCGAN_PALETTE"] == "redefine")
        capabilities = DisplayCapabilities(unicode: utf8 && !options.asciiOnly, color: colorMode.hasColor)
    }

    deinit { restore() }

    /// Leaves curses mode; safe to call more than once.
    func restore() {
        guard let screen else { return }
        endwin()
        delscreen(screen)
        self.screen = nil
    }

    /// Columns and rows now (ncurses updates them on KEY_RESIZE).
    var size: (width: Int, height: Int) {
        var rows: Int32 = 0, columns: Int32 = 0
        dcgan_getmaxyx(dcgan_stdscr(), &rows, &columns)
        return (max(0, Int(columns)), max(0, Int(rows)))
    }

    /// Waits up to `milliseconds` for a key; nil on timeout or an unknown key.
    func readKey(timeout milliseconds: Int32) -> KeyPress? {
        wtimeout(dcgan_stdscr(), max(0, milliseconds))
        var code: wint_t = 0
        let result = wget_wch(dcgan_stdscr(), &code)
        if result == dcgan_key_code_yes() {
            switch Int32(code) {
            case dcgan_key_resize(): return .resize
            case dcgan_key_left(): return .left
            case dcgan_key_right(): return .right
            case dcgan_key_up(): return .up
            case dcgan_key_down(): return .down
            case dcgan_key_btab(): return .backTab
            case dcgan_key_backspace(): return .backspace
            case dcgan_key_enter(): return .enter
            default: return nil
            }
        }
        guard result == OK else { return nil }
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 12: return .redraw  // ctrl-L
        case 27: return .escape
        case 8, 127: return .backspace
        default:
            guard code >= 32, let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// The next frame repaints every cell (ctrl-L: the screen may hold foreign output).
    func invalidate() {
        clearok(dcgan_curscr(), true)
    }
}
