import DCGANEngine
import Foundation
import TrainerProtocol

/// `train` on a terminal: the ncurses trainer in front of a training session.
enum InteractiveTrainer {
    static func run(session: TrainingSession) async -> Int32 {
        printError("dcgan-smiles: the interactive trainer is not built yet; use --headless")
        return 2
    }
}
