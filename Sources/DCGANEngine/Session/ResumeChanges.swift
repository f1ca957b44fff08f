/// What a resumed run may change of its checkpoint's configuration: its length, the schedule
/// of the steps still to come (the learning-rate decay, G's late rate and the R1 penalty, the knobs one turns
/// once a run has found its faces), and how it samples (Jacobian truncation, which training never
/// reads). Everything else defines the run and stays, so that without changes a resumed run
/// continues bit for bit. For each schedule value, nil keeps the
/// checkpoint's and `.some(nil)` removes it.
public struct ResumeChanges: Sendable, Equatable {
    public var epochs: Int?
    public var iterations: Int?
    /// New base learning rates (before any decay's factor), replacing the checkpoint's current ones.
    public var learningRateG: Float?
    public var learningRateD: Float?
    /// A new decay of both learning rates. Its `start` counts steps from the run's beginning, so a
    /// decay starting at or after the checkpoint's step changes nothing before it (one starting
    /// earlier sets the rates to where that decay would have brought them).
    public var learningRateDecay: LearningRateDecay??
    /// G's learning rate times a factor from a step on (its `start` counts from the run's beginning,
    /// as the decay's does).
    public var generatorRateLate: LateGeneratorRate??
    /// R1's γ and its interval (lazy R1 counts its penalised steps from the run's step 0).
    public var gradientPenalty: Float??
    public var gradientPenaltyInterval: Int??
    public var gradientPenaltyLate: LateGradientPenalty??
    public var gradientPenaltyLater: LateGradientPenalty??
    public var samplingTruncation: JacobianTruncation??
    /// The moving average of G that samples: a new decay continues the checkpoint's average (its
    /// bias correction counting the run's steps); an average the checkpoint lacks starts as a copy
    /// of G at the checkpoint's step. Training never reads it, so G's steps stay as they were.
    public var generatorAverageDecay: Float??
    public var averageStatistics: AverageStatistics??
    public var generatorAverageLate: LateAverageDecay??

    public init(epochs: Int? = nil, iterations: Int? = nil, learningRateG: Float? = nil, learningRateD: Float? = nil,
                learningRateDecay: LearningRateDecay?? = nil, generatorRateLate: LateGeneratorRate?? = nil,
                gradientPenalty: Float?? = nil, gradientPenaltyInterval: Int?? = nil,
                gradientPenaltyLate: LateGradientPenalty?? = nil, gradientPenaltyLater: LateGradientPenalty?? = nil,
                samplingTruncation: JacobianTruncation?? = nil, generatorAverageDecay: Float?? = nil,
                averageStatistics: AverageStatistics?? = nil, generatorAverageLate: LateAverageDecay?? = nil) {
        self.epochs = epochs
        self.iterations = iterations
        self.learningRateG = learningRateG
        self.learningRateD = learningRateD
        self.learningRateDecay = learningRateDecay
        self.generatorRateLate = generatorRateLate
        self.gradientPenalty = gradientPenalty
        self.gradientPenaltyInterval = gradientPenaltyInterval
        self.gradientPenaltyLate = gradientPenaltyLate
        self.gradientPenaltyLater = gradientPenaltyLater
        self.samplingTruncation = samplingTruncation
        self.generatorAverageDecay = generatorAverageDecay
        self.averageStatistics = averageStatistics
        self.generatorAverageLate = generatorAverageLate
    }

    public func apply(to config: inout TrainingConfig) {
        if let epochs { config.epochs = epochs }
        if let iterations { config.iterations = iterations }
        if let learningRateG { config.learningRateG = learningRateG }
        if let learningRateD { config.learningRateD = learningRateD }
        if let learningRateDecay { config.learningRateDecay = learningRateDecay }
        if let generatorRateLate { config.generatorRateLate = generatorRateLate }
        if let gradientPenalty {
            config.gradientPenalty = gradientPenalty
            if gradientPenalty == nil { // no R1: no interval, no late weights
                config.gradientPenaltyInterval = nil
                config.gradientPenaltyLate = nil
                config.gradientPenaltyLater = nil
            }
        }
        if let gradientPenaltyInterval { config.gradientPenaltyInterval = gradientPenaltyInterval }
        if let gradientPenaltyLate {
            config.gradientPenaltyLate = gradientPenaltyLate
            if gradientPenaltyLate == nil { config.gradientPenaltyLater = nil } // no first late weight: no second
        }
        if let gradientPenaltyLater { config.gradientPenaltyLater = gradientPenaltyLater }
        if let samplingTruncation { config.samplingTruncation = samplingTruncation }
        if let generatorAverageDecay { config.generatorAverageDecay = generatorAverageDecay }
        if let averageStatistics { config.averageStatistics = averageStatistics }
        if let generatorAverageLate { config.generatorAverageLate = generatorAverageLate }
        if config.generatorAverageDecay == nil { // no average: neither statistics nor a late decay
            config.averageStatistics = nil
            config.generatorAverageLate = nil
        }
    }
}
