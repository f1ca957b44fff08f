import DCGANEngine
import Foundation
import TerminalUI
import TrainerProtocol

/// `train` on a terminal: the ncurses trainer in front of a training session.
enum InteractiveTrainer {
    static func run(session: TrainingSession) async -> Int32 {
        // Refuse before any work: not a terminal (suggest --headless), or too small.
        if let problem = TerminalTrainer.checkTerminal() {
            printError("dcgan-smiles: \(problem)")
            return 2
        }
        session.start()
        let exit = await TerminalTrainer.run(controller: session, options: TerminalOptions())
        // The UI has sent .stop; the engine ends after its current step. Its writes are atomic, so
        // not waiting forever is safe.
        _ = session.waitUntilEnded(timeout: 10)
        if !exit.message.isEmpty { printError(exit.message) }
        return exit.code
    }
}
