/// How colours reach the terminal, chosen once from what ncurses reports.
public enum ColorMode: Sendable, Equatable {
    /// No colour: attributes only; widgets shade with characters.
    case monochrome
    /// 8 or 16 ANSI colours.
    case ansi(Int)
    /// The xterm 256-colour palette; RGB goes through the cube/grey quantiser.
    case indexed256
    /// ncurses direct colour (terminfo with RGB, COLORS = 2^24): colour number = 0xRRGGBB.
    case direct
    /// Truecolor by redefining palette entries (init_extended_color) frame by frame; the
    /// given entries are managed with an LRU allocator, overflow takes the nearest defined.
    case redefinablePalette(Range<Int>)

    /// - Parameters:
    ///   - colorTerm: $COLORTERM; "truecolor" or "24bit" means the terminal shows 24-bit colour.
    ///   - allowPaletteRedefinition: redefine palette entries for truecolor previews. Off unless
    ///     asked for (DCGAN_PALETTE=redefine): inside tmux or screen, and in terminals that claim
    ///     `can_change_color` without honouring it, redefined entries show as the stock palette's
    ///     unrelated colours, so the faces turn to confetti. Direct colour (a terminfo with RGB,
    ///     e.g. TERM=xterm-direct) is the dependable truecolor path.
    public static func choose(noColor: Bool, hasColors: Bool, colors: Int, canChangeColor: Bool,
                              colorTerm: String?, allowPaletteRedefinition: Bool = false) -> ColorMode {
        guard !noColor, hasColors, colors >= 8 else { return .monochrome }
        if colors >= 1 << 24 { return .direct }
        let truecolor = colorTerm.map { $0 == "truecolor" || $0 == "24bit" } ?? false
        if allowPaletteRedefinition && truecolor && canChangeColor && colors >= 256 {
            // Beyond the standard 256 there are spare entries; otherwise reuse 16–255
            // (the 16 ANSI colours the UI text uses stay as the user's theme has them).
            return .redefinablePalette(colors > 256 ? 256..<min(colors, 256 + 1024) : 16..<256)
        }
        if colors >= 256 { return .indexed256 }
        return .ansi(colors >= 16 ? 16 : 8)
    }

    public var hasColor: Bool { self != .monochrome }
}
