/// How good generated faces are (see the engine's QualityScorer), in one BatchNorm mode.
public struct QualityMetrics: Sendable, Equatable, Codable {
    /// Share of samples within the threshold of their nearest prototype.
    public var precision: Double
    /// Prototypes with at least one good sample.
    public var modesCovered: Int
    /// Number of prototypes (16 for the smiley data set).
    public var modes: Int
    /// Total variation distance between the good samples' mode frequencies and the data set's.
    public var totalVariation: Double
    /// Mean RMSE (in [0, 1] pixel units) of the samples to their nearest prototype.
    public var meanRMSE: Double

    public init(precision: Double, modesCovered: Int, modes: Int, totalVariation: Double, meanRMSE: Double = 0) {
        self.precision = precision
        self.modesCovered = modesCovered
        self.modes = modes
        self.totalVariation = totalVariation
        self.meanRMSE = meanRMSE
    }

    /// Clean faces, the time-to-quality target: precision ≥ 0.9 with every mode covered.
    public var isClean: Bool { precision >= 0.9 && modesCovered == modes }

    /// Better-than, for `best.safetensors`: precision first, then modes, then lower TV.
    public func isBetter(than other: QualityMetrics) -> Bool {
        if precision != other.precision { return precision > other.precision }
        if modesCovered != other.modesCovered { return modesCovered > other.modesCovered }
        return totalVariation < other.totalVariation
    }
}

/// One quality measurement remembered by a run (its best, its first clean one): when, and the
/// score of what sampling drew.
public struct QualityMark: Sendable, Equatable, Codable {
    public var iteration: Int
    /// Training seconds of the run up to it (the steps before a resume included).
    public var seconds: Double
    public var score: QualityMetrics

    public init(iteration: Int, seconds: Double, score: QualityMetrics) {
        self.iteration = iteration
        self.seconds = seconds
        self.score = score
    }
}

/// A quality measurement of the generator on a fixed noise batch, with BatchNorm in training mode
/// (batch statistics) and in eval mode (running statistics, what `sample` uses).
public struct QualityReport: Sendable, Equatable {
    public var iteration: Int
    public var epoch: Int
    /// Training wall time so far (seconds), for time-to-quality.
    public var seconds: Double
    public var samples: Int
    public var train: QualityMetrics
    public var eval: QualityMetrics
    /// When a moving average of G samples (and is what `train` and `eval` score): the trained G
    /// itself, eval mode, for comparison.
    public var live: QualityMetrics?
    /// With Jacobian truncation: the eval-mode score of the faces it keeps, what sampling draws
    /// (`keep` of the candidate latents, the least steep; see the engine's JacobianTruncation).
    public var kept: QualityMetrics?
    /// The share of candidates Jacobian truncation keeps, when it is on.
    public var keep: Double?
    /// When truncation judges each candidate against its nearest candidates: how many, and the
    /// power of their median steepness (the engine's JacobianTruncation.Local).
    public var keepNeighbours: Int?
    public var keepPower: Double?
    /// When truncation ranks by density: the neighbour whose distance measures it.
    public var keepDensity: Int?
    /// When the kept faces are shared among clusters of the training images: how many were asked.
    public var keepClusters: Int?
    /// The arithmetic of the scoring passes ("f32" or "bf16").
    public var arithmetic: String
    /// Wall time this measurement took (both modes, scoring included).
    public var costSeconds: Double
    /// The run's first clean measurement up to this one (this one, an earlier one, or one from
    /// before a resume), as the engine's record holds it; nil when none, and in a replayed report.
    public var firstClean: QualityMark?

    public init(iteration: Int, epoch: Int, seconds: Double, samples: Int, train: QualityMetrics, eval: QualityMetrics,
                live: QualityMetrics? = nil, kept: QualityMetrics? = nil, keep: Double? = nil,
                keepNeighbours: Int? = nil, keepPower: Double? = nil, keepDensity: Int? = nil, keepClusters: Int? = nil,
                arithmetic: String = "f32", costSeconds: Double = 0,
                firstClean: QualityMark? = nil) {
        self.iteration = iteration
        self.epoch = epoch
        self.seconds = seconds
        self.samples = samples
        self.train = train
        self.eval = eval
        self.live = live
        self.kept = kept
        self.keep = keep
        self.keepNeighbours = keepNeighbours
        self.keepPower = keepPower
        self.keepDensity = keepDensity
        self.keepClusters = keepClusters
        self.arithmetic = arithmetic
        self.costSeconds = costSeconds
        self.firstClean = firstClean
    }

    /// The score of what sampling draws: the kept faces with Jacobian truncation, else eval mode.
    /// Time to quality, `best.safetensors`, early stopping and the dashboard follow it.
    public var sampled: QualityMetrics { kept ?? eval }
}
