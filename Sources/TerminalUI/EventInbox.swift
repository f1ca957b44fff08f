import Synchronization
import TrainerProtocol

/// Hands engine events from the task that iterates the AsyncStream to the UI thread.
/// The UI thread drains it between key reads, so it never blocks on the engine.
final class EventInbox: Sendable {
    private struct Contents {
        var events: [TrainingEvent] = []
        var ended = false
    }

    private let contents = Mutex(Contents())

    init() {}

    func push(_ event: TrainingEvent) {
        contents.withLock { $0.events.append(event) }
    }

    /// The stream has finished; no more events will come.
    func end() {
        contents.withLock { $0.ended = true }
    }

    /// Everything queued so far, oldest first, and whether the stream has ended.
    func drain() -> (events: [TrainingEvent], ended: Bool) {
        contents.withLock { contents in
            let events = contents.events
            contents.events.removeAll(keepingCapacity: true)
            return (events, contents.ended)
        }
    }
}
