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

    public init() {}

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
    }
}

public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
