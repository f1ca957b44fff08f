import SystemMetrics
import TrainerProtocol

/// Everything the dashboard shows, as plain values. Engine events and keys change it
/// (`apply(_:now:)`, `handle(_:now:)`); widgets only read it. No terminal is involved, so
/// the whole key/command protocol is testable.
public struct UIState: Sendable {
    /// A box drawn over the dashboard that takes the keys while it is open.
    public enum Overlay: Sendable, Equatable {
        case help
        case quitPrompt
    }

    /// How far quitting has got.
    public enum QuitFlow: Sendable, Equatable {
        case none
        /// `saveCheckpoint` sent; `stop` follows on `checkpointSaved` or `error`.
        case savingBeforeStop
        /// `stop` sent; waiting for `finished`.
        case stopping
    }

    // MARK: Run
    public internal(set) var runInfo: RunInfo?
    /// The engine's state; nil until the run has started.
    public internal(set) var runState: RunState?
    public internal(set) var summary: RunSummary?
    public internal(set) var latestStep: StepMetrics?
    /// The last quality measurement (precision, modes, TV), shown with the samples.
    public internal(set) var latestQuality: QualityReport?
    public internal(set) var epoch = 0
    public internal(set) var iteration = 0
    /// Smoothed throughput.
    public internal(set) var imagesPerSecond: Double?
    /// Monotonic seconds when `.started` arrived / when the run ended.
    public internal(set) var startedAt: Double?
    public internal(set) var endedAt: Double?
    /// The event stream ended (engine gone).
    public internal(set) var streamEnded = false
    public internal(set) var lastError: String?

    // MARK: Charts
    public internal(set) var gLoss = SmoothedSeries()
    public internal(set) var dLoss = SmoothedSeries()
    public internal(set) var dReal = SmoothedSeries()
    public internal(set) var dFake = SmoothedSeries()
    public var logScale: Bool

    // MARK: Quality
    /// The sampled faces' precision and TV, one value a step so that the chart lines up with the
    /// loss charts: each measurement stands for the steps since the one before it.
    public internal(set) var qualityPrecision = SeriesHistory()
    public internal(set) var qualityTV = SeriesHistory()
    /// The last measurement replayed from a resumed run's history.
    public internal(set) var replayedQuality: QualityReport?
    /// The last step the quality series cover.
    var qualityThrough: Int?
    /// The run's first clean measurement (from before a resume too): the engine's, once a
    /// measurement has come; until then the first clean one replayed from the run's history.
    public internal(set) var firstClean: QualityMark?

    // MARK: Learning rates
    public internal(set) var learningRateG: Float?
    public internal(set) var learningRateD: Float?
    public internal(set) var selection: NetSelection = .generator

    // MARK: Samples
    public internal(set) var generatedSamples: ImageBatch?
    public internal(set) var generatedIteration: Int?
    public internal(set) var realSamples: ImageBatch?
    public internal(set) var previewSource: ImageBatch.Source = .generated
    /// Index of the face shown at full size, nil when not zoomed.
    public internal(set) var zoomedFace: Int?
    public let previewColumns: Int
    public let previewRows: Int

    // MARK: Commands, events, overlays
    /// Commands sent and not yet acknowledged with `commandApplied`, oldest first.
    public internal(set) var pending: [TrainingCommand] = []
    public internal(set) var lastCheckpointIteration: Int?
    public internal(set) var lastCheckpointPath: String?
    public internal(set) var log: [EventLogEntry] = []
    public internal(set) var overlay: Overlay?
    public internal(set) var quitFlow: QuitFlow = .none
    public let exitWhenFinished: Bool

    // MARK: Machine
    public var system: SystemSnapshot?

    /// Entries kept in `log`.
    static let logCapacity = 200

    public init(options: TerminalOptions = TerminalOptions()) {
        logScale = options.logScale
        previewColumns = options.previewColumns
        previewRows = options.previewRows
        exitWhenFinished = options.exitWhenFinished
    }

    // MARK: Derived

    /// The run has ended (finished event or engine gone); commands would go nowhere.
    public var runEnded: Bool { summary != nil || streamEnded }

    /// Steps taken since the last checkpoint (or since the run started/resumed).
    public var unsavedSteps: Int {
        let baseline = lastCheckpointIteration ?? runInfo?.startIteration ?? 0
        return max(0, iteration - baseline)
    }

    /// The state the user asked for last: a pending pause/resume wins over the engine's state.
    var intendedPaused: Bool {
        for command in pending.reversed() {
            if command == .pause { return true }
            if command == .resume { return false }
        }
        return runState == .paused || runState == .diverged
    }

    public func isPending(_ command: TrainingCommand) -> Bool { pending.contains(command) }

    /// Whether a learning-rate change for `net` (G or D) is waiting for the engine.
    public func learningRatePending(_ net: NetSelection) -> Bool {
        pending.contains { command in
            switch command {
            case .scaleLearningRate(let target, _), .setLearningRate(let target, _):
                return target == net || target == .both
            default:
                return false
            }
        }
    }

    /// The text of the state badge, with pending transitions ("PAUSING…").
    public func stateLabel(ellipsis: String = "…") -> String {
        if quitFlow == .savingBeforeStop { return "SAVING" + ellipsis }
        if quitFlow == .stopping || pending.contains(.stop) {
            return runEnded ? (runState ?? .stopped).rawValue : "STOPPING" + ellipsis
        }
        if runEnded { return (summary?.state ?? runState ?? .stopped).rawValue }
        guard let runState else { return "STARTING" + ellipsis }
        for command in pending.reversed() {
            if command == .pause { return "PAUSING" + ellipsis }
            if command == .resume { return "RESUMING" + ellipsis }
        }
        return runState.rawValue
    }

    /// Seconds since the run started (frozen once it ended).
    public func elapsed(now: Double) -> Double? {
        startedAt.map { (endedAt ?? now) - $0 }
    }

    /// Estimated seconds left, from smoothed throughput; nil when unknown or not running.
    public func eta() -> Double? {
        guard let info = runInfo, runState == .running, !runEnded,
              let rate = imagesPerSecond, rate > 0, info.batchSize > 0 else { return nil }
        let stepsLeft = max(0, info.totalIterations - iteration)
        return Double(stepsLeft) * Double(info.batchSize) / rate
    }

    /// Whether the dashboard has a quality chart: the run measures quality, or measured it.
    public var showsQuality: Bool { runInfo?.measuresQuality == true || !qualityPrecision.isEmpty }

    /// The batch the preview shows now.
    public var previewBatch: ImageBatch? {
        previewSource == .generated ? generatedSamples : realSamples
    }

    mutating func record(_ severity: EventLogEntry.Severity, _ text: String, now: Double) {
        log.append(EventLogEntry(time: now, severity: severity, text: text))
        if log.count > Self.logCapacity { log.removeFirst(log.count - Self.logCapacity) }
    }
}
