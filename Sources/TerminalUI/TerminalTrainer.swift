import Foundation
import TrainerProtocol

/// Entry point of the interactive terminal trainer.
///
/// ```swift
/// if let problem = TerminalTrainer.checkTerminal() { print(problem); exit(2) }  // before starting the engine
/// let result = await TerminalTrainer.run(controller: engine, options: TerminalOptions(noColor: flag))
/// print(result.message)          // the terminal is already restored here
/// exit(result.code)
/// ```
///
/// `run` takes over the terminal (ncurses) on a dedicated UI thread, shows the dashboard
/// and sends commands to `controller` until the user quits, the run ends, or SIGINT /
/// SIGTERM / SIGHUP arrives (then it sends `.stop` and returns at once). It is the single
/// consumer of `controller.events` and cancels that iteration when it returns, so the
/// caller must not iterate the stream itself; it still owns the engine and should wait
/// for the engine's own thread/task to finish. If the terminal can't be used, `run`
/// sends `.stop` and returns code 2 without touching the screen.
///
/// Exit codes: 0 quit or finished normally; 1 the engine reported an error, diverged, or
/// ended without `.finished`; 2 the terminal can't be used; 128 + n after signal n.
public enum TerminalTrainer {
    /// Nil when stdin and stdout are a terminal of at least the minimum size; otherwise the
    /// message to print before refusing (call it before starting the engine).
    public static func checkTerminal() -> String? {
        TerminalCheck.problem()
    }

    /// Runs the dashboard until the user leaves or the run ends; see the type's documentation.
    public static func run(controller: some TrainingController, options: TerminalOptions = TerminalOptions()) async
        -> TerminalExit
    {
        if let problem = TerminalCheck.problem(requireSize: false) {
            controller.send(.stop)
            return TerminalExit(code: 2, message: problem)
        }
        let inbox = EventInbox()
        let controller: any TrainingController = controller
        let pump = Task.detached {
            for await event in controller.events { inbox.push(event) }
            inbox.end()
        }
        let exit = await withCheckedContinuation { (continuation: CheckedContinuation<TerminalExit, Never>) in
            // A thread of its own: the loop blocks in getch, which must not hold a
            // cooperative-pool thread the engine's tasks may need.
            let thread = Thread {
                continuation.resume(returning: TrainerLoop(controller: controller, inbox: inbox, options: options).run())
            }
            thread.name = "terminal-ui"
            thread.start()
        }
        pump.cancel()
        return exit
    }
}
