/// How a training session runs beyond the recipe: previews, its run directory, when it ends.
public struct SessionOptions: Sendable, Equatable {
    /// Faces in the fixed-noise preview batch (also the per-epoch grid in the run directory).
    public var previewCount = 16
    /// Send a preview every this many steps (0: only on request).
    public var previewEvery = 25
    /// Holds checkpoints, `metrics.jsonl` and `samples/epoch-NNNN.png`.
    public var runDirectory = "runs"
    /// Write `last.safetensors` every this many steps too (0: only at the end of each epoch).
    public var saveEvery = 0
    /// Manual `step-<n>.safetensors` files kept in the run directory (oldest removed first; 0: all).
    public var keep = 10
    /// Write the run directory's files (metrics, per-epoch checkpoints and grids).
    public var writeRunFiles = true
    /// After the last step, keep serving commands (save, samples) until `.stop` (the TUI);
    /// otherwise end at once (headless).
    public var waitForStopAfterFinishing = false
    /// Measure quality every this many steps (nil: at the end of every epoch, within `qualityBudget`; 0: never).
    public var qualityEvery: Int?
    /// At epoch ends: skip a measurement that would take the measurements past this share of
    /// training time (nil: every epoch).
    public var qualityBudget: Double? = 0.02
    /// Fixed-noise samples scored per measurement.
    public var qualitySamples = 256
    /// The arithmetic of the measurement's forward passes.
    public var qualityArithmetic = QualityArithmetic.auto
    /// Also score the trained G (eval mode) when a moving average samples: one more pass.
    public var qualityScoresLive = false
    /// What `best.safetensors` is chosen by.
    public var bestBy = BestCheckpointRule.quality
    /// Stop when the quality score has not improved for this many epochs (nil: never).
    public var earlyStopPatience: Int?
    /// oneDNN threads; nil leaves OpenMP's default (all cores).
    public var threads: Int?

    public init() {}
}

/// How `best.safetensors` is chosen.
public enum BestCheckpointRule: String, Sendable, CaseIterable {
    /// The quality score (eval mode): precision, then modes covered, then TV distance.
    case quality
    /// The seed's rule: the lowest mean g_loss of an epoch.
    case generatorLoss = "g-loss"
}

/// Where a session's trainer comes from.
public enum TrainerSource: Sendable {
    case fresh(TrainingConfig)
    /// Continue a checkpoint, with what a resumed run may change.
    case resume(CheckpointFile, ResumeChanges)

    /// The configuration the run will have.
    public var config: TrainingConfig {
        switch self {
        case let .fresh(config):
            return config
        case let .resume(file, changes):
            var config = file.config ?? TrainingConfig()
            changes.apply(to: &config)
            return config
        }
    }
}
