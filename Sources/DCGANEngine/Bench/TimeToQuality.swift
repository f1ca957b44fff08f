import TrainerProtocol

/// What `bench --time-to-quality` runs: the recipe from one seed for up to `steps` steps, scored
/// every `every` steps, until the faces are clean (eval-mode precision ≥ 0.9, all 16 modes; of
/// the faces Jacobian truncation keeps, when the recipe samples with it).
public struct TimeToQualityOptions: Sendable {
    public var config = TrainingConfig()
    public var steps = 1500
    public var every = 100
    /// Fixed samples a measurement scores. Not training's 256: the four glasses-and-hat faces are
    /// 1.5% of the data each, so even a sampler that drew the data exactly would miss one of them
    /// in about 8% of draws of 256 and in under one in a million of 1024 (README, "What 256 samples
    /// can say"); scoring is not counted in the seconds, so the benchmark can afford it.
    public var samples = 1024
    /// The arithmetic of the scoring passes.
    public var arithmetic = QualityArithmetic.auto
    /// oneDNN (OpenMP) threads; nil: the runtime's default (all cores).
    public var threads: Int?
    /// Keep training to `steps` after reaching the target (to see whether it stays), or stop there.
    public var runToEnd = true

    public init() {}
}

/// One seed's run: every measurement, and when (if ever) the target was first met.
public struct TimeToQualityRun: Sendable {
    public var seed: UInt64
    public var reports: [QualityReport]
    /// Training steps/seconds (scoring excluded) at the first clean measurement.
    public var reached: (iteration: Int, seconds: Double)?
    /// Measurements after the first clean one that were not clean (it did not stay).
    public var lapses: Int
    /// The last measurement at or before `budget` steps.
    public func standing(at budget: Int) -> QualityReport? { reports.last { $0.iteration <= budget } }
}

public enum TimeToQuality {
    /// Trains and scores one run; `progress` sees every measurement as it is made.
    public static func run(_ options: TimeToQualityOptions, progress: (QualityReport) -> Void = { _ in }) throws -> TimeToQualityRun {
        if let threads = options.threads { DNNLContext.setThreads(threads) }
        var config = options.config
        config.iterations = options.steps
        config.epochs = max(config.epochs, options.steps / config.iterationsPerEpoch + 1)
        let trainer = try DCGANTrainer(config: config)
        let monitor = try QualityMonitor(trainer: trainer, samples: options.samples, seed: config.seed,
                                         precision: options.arithmetic.resolved(), scoresLive: true, // its table shows the trained G
                                         truncation: config.samplingTruncation)
        var run = TimeToQualityRun(seed: config.seed, reports: [], reached: nil, lapses: 0)
        while !trainer.isFinished {
            _ = try trainer.step()
            let seconds = trainer.trainingSeconds
            guard trainer.iteration % options.every == 0 || trainer.isFinished else { continue }
            let report = try monitor.measure(trainer, seconds: seconds)
            run.reports.append(report)
            progress(report)
            if report.sampled.isClean {
                if run.reached == nil { run.reached = (report.iteration, seconds) }
                if !options.runToEnd { break }
            } else if run.reached != nil {
                run.lapses += 1
            }
        }
        return run
    }
}
