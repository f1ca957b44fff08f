/// A key as the state model understands it, decoded from ncurses' wide-character input.
public enum KeyPress: Sendable, Equatable {
    case character(Character)
    case tab
    case backTab
    case escape
    case enter
    case backspace
    case left, right, up, down
    /// ctrl-L: repaint the whole screen.
    case redraw
    /// The terminal changed size (ncurses' KEY_RESIZE).
    case resize
}
