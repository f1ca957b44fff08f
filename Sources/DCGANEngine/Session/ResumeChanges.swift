/// What a resumed run may change of its checkpoint's configuration: its length, and the
/// learning-rate schedule of the steps still to come. Everything else defines the run and stays,
/// so that without changes a resumed run continues bit for bit.
public struct ResumeChanges: Sendable, Equatable {
    public var epochs: Int?
    public var iterations: Int?
    /// A new decay of both learning rates (`.some(nil)`: none); nil keeps the checkpoint's. Its
    /// `start` counts steps from the run's beginning, so a decay starting at or after the
    /// checkpoint's step changes nothing before it (one starting earlier sets the rates to where
    /// that decay would have brought them).
    public var learningRateDecay: LearningRateDecay??

    public init(epochs: Int? = nil, iterations: Int? = nil, learningRateDecay: LearningRateDecay?? = nil) {
        self.epochs = epochs
        self.iterations = iterations
        self.learningRateDecay = learningRateDecay
    }

    public func apply(to config: inout TrainingConfig) {
        if let epochs { config.epochs = epochs }
        if let iterations { config.iterations = iterations }
        if let learningRateDecay { config.learningRateDecay = learningRateDecay }
    }
}
