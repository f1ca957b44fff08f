/// G's learning rate times a factor from a given step on: a slower G once its faces have held (the
/// tuned recipe halves it after step 1400). Why: resumed at step 1400 with G at half its rate (D's
/// kept), seeds 1, 3 and 4 kept precision at about 0.9 or above, all 16 modes, through the steps
/// where the recipe without it dipped or lost a mode, and seeds 0 and 2, at the target without it,
/// stayed there (README, Recipe); lowering both rates, or D's alone, made things worse.
public struct LateGeneratorRate: Sendable, Equatable, Codable {
    /// Completed steps before the factor applies (from the step after step `start`).
    public var start: Int
    /// G's rate is its rate times this from then on.
    public var factor: Float

    public init(start: Int, factor: Float) {
        self.start = start
        self.factor = factor
    }

    func validate() throws(ConfigError) {
        if start < 0 { throw ConfigError("--lr-g-late-start must be 0 or more, got \(start)") }
        if !(factor.isFinite && factor > 0) { throw ConfigError("--lr-g-late-factor must be a positive finite number, got \(factor)") }
    }

    /// The factor on G's rate at the step after `completedSteps`.
    func factor(after completedSteps: Int) -> Float { completedSteps >= start ? factor : 1 }
}
