import Synchronization
import TrainerProtocol

/// A controller the tests drive by hand: they push events and read what the UI sent.
final class FakeTrainingController: TrainingController {
    let events: AsyncStream<TrainingEvent>
    private let continuation: AsyncStream<TrainingEvent>.Continuation
    private let sentCommands = Mutex<[TrainingCommand]>([])

    init() {
        (events, continuation) = AsyncStream.makeStream(of: TrainingEvent.self)
    }

    func send(_ command: TrainingCommand) {
        sentCommands.withLock { $0.append(command) }
    }

    var sent: [TrainingCommand] { sentCommands.withLock { $0 } }

    func emit(_ event: TrainingEvent) { continuation.yield(event) }
    func finish() { continuation.finish() }
}
