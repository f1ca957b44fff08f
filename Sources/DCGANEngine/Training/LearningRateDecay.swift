#if canImport(Glibc)
import Glibc
#endif

/// A cosine decay of both learning rates: full rate until step `start`, then down along half a
/// cosine to `floor` × the rate over `steps` steps, and `floor` × the rate from then on.
/// Why an option: a high rate finds the faces fast but keeps G swinging, and a lower one might let
/// them settle. Measured on the tuned recipe it did not (README, Recipe), so no recipe uses it.
public struct LearningRateDecay: Sendable, Equatable, Codable {
    /// Completed steps before the decay begins.
    public var start: Int
    /// Length of the decay in steps.
    public var steps: Int
    /// The final fraction of the rate, in (0, 1].
    public var floor: Float

    public init(start: Int, steps: Int, floor: Float) {
        self.start = start
        self.steps = steps
        self.floor = floor
    }

    /// The factor on the rates of the step after `completedSteps`.
    public func factor(after completedSteps: Int) -> Float {
        let progress = min(1, max(0, Double(completedSteps - start) / Double(steps)))
        return floor + (1 - floor) * Float(0.5 * (1 + cos(Double.pi * progress)))
    }

    func validate() throws(ConfigError) {
        if start < 0 { throw ConfigError("--lr-decay-start must be 0 or more, got \(start)") }
        if steps <= 0 { throw ConfigError("--lr-decay-steps must be a positive integer, got \(steps)") }
        if !(floor > 0 && floor <= 1) { throw ConfigError("--lr-floor must be in (0, 1], got \(floor)") }
    }
}
