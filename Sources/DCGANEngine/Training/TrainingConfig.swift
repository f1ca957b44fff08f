/// Everything that defines a training run (the seed's recipe by default).
public struct TrainingConfig: Sendable, Equatable, Codable {
    public var model = ModelConfig()
    public var batchSize = 64
    public var epochs = 300
    /// Stop after this many steps (overrides `epochs` when smaller).
    public var iterations: Int?
    public var learningRateG: Float = 2e-4
    public var learningRateD: Float = 2e-4
    public var beta1: Float = 0.5
    public var beta2: Float = 0.999
    /// Label smoothing of the seed: real images are labelled 0.9.
    public var realLabel: Float = 0.9
    public var seed: UInt64 = 0
    public var weightInit: WeightInit = .pytorch
    public var datasetSize = SmileyDataset.defaultCount
    /// Decay of an exponential moving average of G's weights and BatchNorm statistics, the
    /// generator that samples, previews and is scored (nil: the seed's, sample the trained G).
    /// Sampling only: training itself never reads it. (Optional so older checkpoints decode.)
    public var generatorAverageDecay: Float?
    /// Where the moving average's BatchNorm statistics come from (nil: averaged like its weights).
    public var averageStatistics: AverageStatistics?
    /// Another decay of the moving average after a given step (nil: `generatorAverageDecay` throughout).
    public var generatorAverageLate: LateAverageDecay?
    /// Instance noise: Gaussian noise of this standard deviation (in the [-1, 1] pixel units) on
    /// every image D sees, real and fake, fading linearly to 0 at step `instanceNoiseSteps` (0: no
    /// fading, the same noise all run).
    public var instanceNoise: Float?
    public var instanceNoiseSteps: Int?
    /// Where D's loss starts (nil: probabilities, the seed's Sigmoid then BCELoss).
    public var bceFrom: BCEInput?
    /// A decay of both learning rates over the run (nil: constant rates, the seed's).
    public var learningRateDecay: LearningRateDecay?
    /// G's learning rate times a factor from a given step on (nil: G's rate throughout).
    public var generatorRateLate: LateGeneratorRate?
    /// Lookahead on both networks' parameters (nil: none, the seed's).
    public var lookahead: Lookahead?
    /// Top-k training: G learns from the fakes D rates most real only (nil: all, the seed's).
    public var topK: TopK?
    /// The R1 gradient penalty's weight γ on D's loss (nil: none, the seed's; `GradientPenalty`).
    public var gradientPenalty: Float?
    /// Lazy R1: the penalty, times this, at every this-many-th step only (nil: every step).
    public var gradientPenaltyInterval: Int?
    /// Another R1 weight from a given step on (nil: `gradientPenalty` throughout).
    public var gradientPenaltyLate: LateGradientPenalty?
    /// A second late R1 weight from a later step on (nil: `gradientPenaltyLate` to the end).
    public var gradientPenaltyLater: LateGradientPenalty?
    /// How the sampling generator's faces are drawn: Jacobian truncation keeps the least steep
    /// share of more candidate latents (nil: plain draws, the seed's). Sampling only, like the
    /// moving average: scored, previewed and `sample`d faces, never training.
    public var samplingTruncation: JacobianTruncation?

    public init() {}

    /// The seed's recipe (as the PyTorch Lightning demo trains).
    public static var seedRecipe: TrainingConfig { TrainingConfig() }

    /// The standard deviation of the instance noise at the step after `completedSteps`.
    public func instanceNoiseDeviation(after completedSteps: Int) -> Float {
        guard let noise = instanceNoise, noise > 0, let steps = instanceNoiseSteps, steps >= 0 else { return 0 }
        if steps == 0 { return noise }
        return noise * max(0, 1 - Float(completedSteps) / Float(steps))
    }

    /// The factor on both learning rates at the step after `completedSteps` (1 without a decay).
    public func learningRateFactor(after completedSteps: Int) -> Float {
        learningRateDecay?.factor(after: completedSteps) ?? 1
    }

    /// The factor on G's learning rate alone at the step after `completedSteps`, on top of
    /// `learningRateFactor` (1 without a late factor).
    public func generatorRateFactor(after completedSteps: Int) -> Float {
        generatorRateLate?.factor(after: completedSteps) ?? 1
    }

    /// R1's late weights in the order they apply (none, one or two).
    public var gradientPenaltyStages: [LateGradientPenalty] {
        [gradientPenaltyLate, gradientPenaltyLater].compactMap { $0 }
    }

    /// R1's γ at the step after `completedSteps` (nil: no R1).
    public func gradientPenaltyWeight(after completedSteps: Int) -> Float? {
        gradientPenalty.map { gradientPenaltyStages.weight(after: completedSteps, base: $0) }
    }

    public var iterationsPerEpoch: Int { (datasetSize + batchSize - 1) / batchSize }

    public var totalIterations: Int {
        let byEpochs = epochs * iterationsPerEpoch
        return iterations.map { min($0, byEpochs) } ?? byEpochs
    }

    /// Checks every value before any work; the message names the offending option.
    public func validate() throws(ConfigError) {
        func positive(_ value: Int, _ option: String) throws(ConfigError) {
            if value <= 0 { throw ConfigError("\(option) must be a positive integer, got \(value)") }
        }
        func rate(_ value: Float, _ option: String) throws(ConfigError) {
            if !value.isFinite || value <= 0 { throw ConfigError("\(option) must be a positive finite number, got \(value)") }
        }
        try positive(batchSize, "--batch-size")
        try positive(epochs, "--epochs")
        if let iterations { try positive(iterations, "--iterations") }
        try positive(model.latentSize, "--latent-size")
        try positive(model.featureMaps, "--feature-maps")
        try positive(datasetSize, "--dataset-size")
        try rate(learningRateG, "--lr-g")
        try rate(learningRateD, "--lr-d")
        for (beta, option) in [(beta1, "--beta1"), (beta2, "--beta2")] where !(beta >= 0 && beta < 1) {
            throw ConfigError("\(option) must be in [0, 1), got \(beta)")
        }
        if !realLabel.isFinite || realLabel <= 0 || realLabel > 1 {
            throw ConfigError("--real-label must be in (0, 1], got \(realLabel)")
        }
        if let decay = generatorAverageDecay, !(decay > 0 && decay < 1) {
            throw ConfigError("--ema must be a decay in (0, 1), got \(decay)")
        }
        if averageStatistics == .recomputed, generatorAverageDecay == nil {
            throw ConfigError("--ema-statistics recomputed needs a moving average of G (--ema)")
        }
        if let late = generatorAverageLate {
            if generatorAverageDecay == nil { throw ConfigError("--ema-late needs a moving average of G (--ema)") }
            try late.validate()
        }
        if let noise = instanceNoise, !(noise.isFinite && noise >= 0) {
            throw ConfigError("--instance-noise must be 0 or a positive finite number, got \(noise)")
        }
        if let steps = instanceNoiseSteps, steps < 0 {
            throw ConfigError("--instance-noise-steps must be 0 (no fading) or a positive integer, got \(steps)")
        }
        if let gamma = gradientPenalty, !(gamma.isFinite && gamma > 0) {
            throw ConfigError("--r1 must be 0 (none) or a positive finite number, got \(gamma)")
        }
        if let interval = gradientPenaltyInterval {
            try positive(interval, "--r1-every")
            if gradientPenalty == nil { throw ConfigError("--r1-every needs the R1 penalty (--r1)") }
        }
        if let late = gradientPenaltyLate {
            if gradientPenalty == nil { throw ConfigError("--r1-late needs the R1 penalty (--r1)") }
            try late.validate()
        }
        if let later = gradientPenaltyLater {
            guard let late = gradientPenaltyLate else { throw ConfigError("--r1-later needs a first late R1 weight (--r1-late)") }
            try later.validate(option: "--r1-later")
            if later.start <= late.start {
                throw ConfigError("--r1-later-start (\(later.start)) must come after --r1-late-start (\(late.start)): "
                                  + "move it with --r1-later-start, or drop that stage with --r1-later 0")
            }
        }
        try learningRateDecay?.validate()
        try generatorRateLate?.validate()
        try lookahead?.validate()
        try topK?.validate()
        try samplingTruncation?.validate()
    }
}

/// What D's binary cross-entropy is computed from.
public enum BCEInput: String, Sendable, Codable, CaseIterable {
    /// D ends in a Sigmoid and the loss is `BCELoss` on its probabilities (the seed's).
    case probabilities
    /// D returns logits and the loss is `BCEWithLogitsLoss`: the same loss without the clamp
    /// that starves G's gradient once D is sure (D(G(z)) < 1e-12).
    case logits
}

public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
