import TrainerProtocol

/// What the state model asks the UI loop to do after an event or a key.
public enum UIAction: Sendable, Equatable {
    /// Send a command to the engine (it shows as pending until acknowledged).
    case send(TrainingCommand)
    /// Repaint every cell, not just what changed (ctrl-L).
    case repaint
    /// Leave the UI: restore the terminal and return this.
    case exit(TerminalExit)
}
