#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// SIGINT, SIGTERM and SIGHUP while the UI runs: the handler only records the signal in an
/// atomic (async-signal-safe); the UI loop sees it, sends `.stop` and leaves. Installed
/// before ncurses starts, so ncurses keeps its hands off these signals.
enum TerminationSignals {
    /// The last signal received, 0 for none.
    static let received = Atomic<Int32>(0)
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Previous dispositions, to put back afterwards.
    struct Saved {
        fileprivate var actions: [(Int32, sigaction)]
    }

    static func install() -> Saved {
        // Touch the atomic now so its lazy initialisation never happens inside the handler.
        received.store(0, ordering: .relaxed)
        var saved = Saved(actions: [])
        for signal in handled {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                TerminationSignals.received.store(signal, ordering: .relaxed)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var previous = sigaction()
            if sigaction(signal, &action, &previous) == 0 { saved.actions.append((signal, previous)) }
        }
        return saved
    }

    static func restore(_ saved: Saved) {
        for (signal, previous) in saved.actions {
            var previous = previous
            sigaction(signal, &previous, nil)
        }
    }

    /// Takes the pending signal, if any.
    static func take() -> Int32 {
        received.exchange(0, ordering: .relaxed)
    }
}
