/// Named training recipes: the seed's (exactly as the PyTorch Lightning demo trains) and this
/// program's default, which changes only what the README's "Recipe" section measured to help.
public enum Recipe: String, CaseIterable, Sendable {
    /// The seed article's recipe; behaves as PyTorch does (checked against its fixtures).
    case seed
    /// The seed plus the changes the README's "Recipe" section measured to help (see `config`).
    case tuned

    public var config: TrainingConfig {
        var config = TrainingConfig.seedRecipe
        switch self {
        case .seed:
            break
        case .tuned:
            // Measured (README, Recipe): twice the seed's learning rates learn the faces about twice
            // as fast, and sampling from a moving average of G removes the speckle of single steps.
            config.learningRateG = 4e-4
            config.learningRateD = 4e-4
            config.generatorAverageDecay = 0.995
        }
        return config
    }
}
