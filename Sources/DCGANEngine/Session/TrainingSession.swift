import Foundation
import Synchronization
import TrainerProtocol

/// Runs a `DCGANTrainer` on a dedicated thread (never the cooperative pool: a step is seconds of
/// blocking compute) and speaks `TrainerProtocol`: events out through an AsyncStream, commands in
/// through a mutex-guarded queue applied at step boundaries, each acknowledged with `.commandApplied`.
public final class TrainingSession: TrainingController {
    public let events: AsyncStream<TrainingEvent>
    private let continuation: AsyncStream<TrainingEvent>.Continuation
    private let commands = Mutex<[TrainingCommand]>([])
    private let started = Atomic<Bool>(false)
    /// Signalled when the engine thread has ended (after `.finished`).
    private let ended = DispatchSemaphore(value: 0)
    private let source: TrainerSource
    private let options: SessionOptions

    /// Validates the configuration now, so that bad values fail before any thread starts.
    public init(source: TrainerSource, options: SessionOptions) throws {
        try source.config.validate()
        if case let .resume(file, _) = source, !file.hasTrainingState {
            throw CheckpointError(path: file.path, problem: "no training state (model weights only): it can be sampled, not resumed")
        }
        self.source = source
        self.options = options
        (events, continuation) = AsyncStream.makeStream(of: TrainingEvent.self, bufferingPolicy: .unbounded)
    }

    public func send(_ command: TrainingCommand) {
        commands.withLock { $0.append(command) }
    }

    /// Starts the engine thread (once).
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let source = source, options = options, continuation = continuation, ended = ended
        let commands = CommandInbox(session: self)
        let thread = Thread {
            let loop = EngineLoop(source: source, options: options, emit: { continuation.yield($0) }, inbox: commands)
            loop.run()
            continuation.finish()
            ended.signal()
        }
        thread.name = "dcgan-engine"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the engine thread to end (it finishes its current step first); false on timeout.
    public func waitUntilEnded(timeout seconds: Double) -> Bool {
        guard started.load(ordering: .acquiring) else { return true }
        return ended.wait(timeout: .now() + seconds) == .success
    }

    fileprivate func takeCommands() -> [TrainingCommand] {
        commands.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
    }
}

/// The engine thread's read end of the command queue.
struct CommandInbox: Sendable {
    fileprivate let session: TrainingSession
    func take() -> [TrainingCommand] { session.takeCommands() }
}
