#if canImport(Glibc)
import Glibc
#endif
import CNcurses
import SystemMetrics
import TrainerProtocol

/// The UI thread's loop: drain engine events, take machine readings once a second, redraw
/// when something changed (at most 10 frames/s), wait for a key with a short timeout, and
/// react to termination signals. The only code that calls ncurses.
struct TrainerLoop {
    let controller: any TrainingController
    let inbox: EventInbox
    let options: TerminalOptions

    /// How long one key wait may block; bounds how late engine events and signals are seen.
    static let pollMilliseconds = 50

    func run() -> TerminalExit {
        let environment = Self.environment()
        // The locale decides whether ncurses speaks UTF-8; numbers stay "C" so a decimal
        // comma locale can't change what is printed.
        setlocale(LC_ALL, "")
        setlocale(LC_NUMERIC, "C")
        let codeset = String(cString: dcgan_locale_codeset()).uppercased()
        let utf8 = codeset == "UTF-8" || codeset == "UTF8"

        let signals = TerminationSignals.install()
        FatalSignalGuard.install()
        defer {
            FatalSignalGuard.uninstall()
            TerminationSignals.restore(signals)
        }
        guard let terminal = NcursesTerminal(options: options, utf8: utf8, environment: environment) else {
            controller.send(.stop)
            return TerminalExit(code: 2, message: "cannot start the terminal UI (TERM=\(environment["TERM"] ?? "unset")); "
                                    + "use --headless")
        }
        // Everything below returns through here, so the terminal is restored before the
        // caller prints anything.
        let exit = loop(terminal)
        terminal.restore()
        return exit
    }

    private func loop(_ terminal: NcursesTerminal) -> TerminalExit {
        let renderer = NcursesRenderer(colorMode: terminal.colorMode,
                                       defaultColorsAvailable: terminal.defaultColorsAvailable)
        let sampler = SystemSampler(interval: options.systemSampleInterval)
        var state = UIState(options: options)
        state.system = sampler.sample(at: MonotonicClock.seconds())

        let frameInterval = 1.0 / Double(options.maxFramesPerSecond)
        var lastFrame = -Double.infinity
        var dirty = true
        var repaint = false
        var shownSecond = -1

        while true {
            let now = MonotonicClock.seconds()
            var actions: [UIAction] = []

            let signal = TerminationSignals.take()
            if signal != 0 {
                controller.send(.stop)
                let name = signal == SIGINT ? "interrupted" : signal == SIGTERM ? "terminated" : "hung up"
                return TerminalExit(code: 128 + signal,
                                    message: "\(name): stop sent to the engine at step \(state.iteration)")
            }

            let drained = inbox.drain()
            for event in drained.events { actions += state.apply(event, now: now) }
            if drained.ended { actions += state.streamDidEnd(now: now) }
            if !drained.events.isEmpty || drained.ended { dirty = true }

            if let snapshot = sampler.sampleIfDue(at: now) {
                state.system = snapshot
                dirty = true
            }
            // The header's clock ticks once a second while the run is live.
            if state.startedAt != nil && !state.runEnded && Int(now) != shownSecond {
                shownSecond = Int(now)
                dirty = true
            }

            if let exit = perform(actions, repaint: &repaint) { return exit }

            if (dirty || repaint) && now - lastFrame >= frameInterval {
                let size = terminal.size
                let buffer = DashboardRenderer.render(state, now: now, width: size.width, height: size.height,
                                                      capabilities: terminal.capabilities)
                if repaint {
                    terminal.invalidate()
                    renderer.invalidate()
                }
                renderer.draw(buffer, force: repaint)
                lastFrame = now
                dirty = false
                repaint = false
            }

            // Wait for a key, but wake in time for a due frame.
            let untilFrame = dirty || repaint ? max(0, lastFrame + frameInterval - now) : Double(Self.pollMilliseconds) / 1000
            let wait = Int32(min(Double(Self.pollMilliseconds), (untilFrame * 1000).rounded(.up)))
            guard let key = terminal.readKey(timeout: wait) else { continue }
            dirty = true
            if key == .resize { continue }
            let keyActions = state.handle(key, now: MonotonicClock.seconds())
            if let exit = perform(keyActions, repaint: &repaint) { return exit }
        }
    }

    /// Sends commands and reports an exit; `repaint` is set for ctrl-L.
    private func perform(_ actions: [UIAction], repaint: inout Bool) -> TerminalExit? {
        for action in actions {
            switch action {
            case .send(let command): controller.send(command)
            case .repaint: repaint = true
            case .exit(let exit): return exit
            }
        }
        return nil
    }

    private static func environment() -> [String: String] {
        var result: [String: String] = [:]
        for name in ["TERM", "COLORTERM", "NO_COLOR"] {
            if let value = getenv(name) { result[name] = String(cString: value) }
        }
        return result
    }
}
