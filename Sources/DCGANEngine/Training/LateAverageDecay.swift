/// A longer moving average of G once the faces are found: the average's decay changes to `decay`
/// after step `start`, continuing the average it has (its bias correction counting the run's steps).
/// Why an option: early on a short average follows G as it learns; later a long one might stand
/// still through the few hundred steps in which G loses modes. Measured, it held through such a
/// loss and then lagged behind the recovery (README, Recipe), so no recipe uses it. Sampling only.
public struct LateAverageDecay: Sendable, Equatable, Codable {
    /// Completed steps before the late decay applies (the average's update after step `start + 1`).
    public var start: Int
    /// The decay from then on, in (0, 1).
    public var decay: Float

    public init(start: Int, decay: Float) {
        self.start = start
        self.decay = decay
    }

    func validate() throws(ConfigError) {
        if start < 0 { throw ConfigError("--ema-late-start must be 0 or more, got \(start)") }
        if !(decay > 0 && decay < 1) { throw ConfigError("--ema-late must be a decay in (0, 1), got \(decay)") }
    }
}
