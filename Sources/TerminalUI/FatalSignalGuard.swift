#if canImport(Glibc)
import Glibc
#endif

/// Restores the terminal if the process crashes while ncurses owns it (a trap in Swift
/// code raises SIGILL/SIGTRAP; also SIGSEGV, SIGBUS, SIGFPE, SIGABRT). The handler puts the
/// saved tty modes back and writes a reset sequence — both async-signal-safe — then
/// re-raises the signal to the previous handler (e.g. Swift's backtracer).
enum FatalSignalGuard {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]

    // Handler state. nonisolated(unsafe) is safe here: `install` writes it on the UI thread
    // before any handler exists and `uninstall` only after they are removed; the handler
    // only reads it.
    // Plain allocations rather than Swift arrays, so the handler touches no reference counts.
    nonisolated(unsafe) private static let savedModes: UnsafeMutablePointer<termios> = {
        let pointer = UnsafeMutablePointer<termios>.allocate(capacity: 1)
        pointer.initialize(to: termios())
        return pointer
    }()
    nonisolated(unsafe) private static let previous: UnsafeMutablePointer<sigaction> = {
        let pointer = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
        pointer.initialize(repeating: sigaction(), count: 65)
        return pointer
    }()
    /// Attributes off, cursor on, leave the alternate screen.
    private static let reset: [UInt8] = Array("\u{1b}[0m\u{1b}[?25h\u{1b}[?1049l\r\n".utf8)

    /// Call before ncurses changes the tty.
    static func install() {
        guard tcgetattr(STDOUT_FILENO, savedModes) == 0 else { return }
        _ = reset.count  // initialise the lazy statics outside the handler
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in FatalSignalGuard.restoreTerminal(signal) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)  // 0x80000000 doesn't fit Int32 as a value
            sigaction(signal, &action, previous + Int(signal))
        }
    }

    /// Call after ncurses has restored the tty itself.
    static func uninstall() {
        for signal in signals { sigaction(signal, previous + Int(signal), nil) }
    }

    private static func restoreTerminal(_ signal: Int32) {
        tcsetattr(STDOUT_FILENO, TCSANOW, savedModes)
        reset.withUnsafeBufferPointer { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        sigaction(signal, previous + Int(signal), nil)
        raise(signal)
    }
}
