/// Lookahead for both networks (Zhang et al. 2019; for GANs "Lookahead-Minmax", Chavdarova et al.
/// 2021): every `interval` steps each network's parameters move to slow + `alpha` · (fast − slow),
/// where slow is where they stood at the previous synchronisation, and training goes on from there.
/// Why an option: at rates that find the faces fast, G and D circle each other and G swings (and
/// sometimes collapses); pulling both back part of the way is meant to damp the rotation. Measured
/// at `--lr 8e-4` (README, Recipe) it mostly halved the rate and left G as unsteady: no recipe uses
/// it. BatchNorm's running statistics and Adam's moments are left as they are.
public struct Lookahead: Sendable, Equatable, Codable {
    /// Steps between synchronisations (k).
    public var interval: Int
    /// How far the slow weights move towards the fast ones, in (0, 1] (1: no lookahead).
    public var alpha: Float

    public init(interval: Int, alpha: Float) {
        self.interval = interval
        self.alpha = alpha
    }

    /// True when the step that completes `completedSteps` ends with a synchronisation.
    public func synchronizes(after completedSteps: Int) -> Bool { completedSteps > 0 && completedSteps % interval == 0 }

    func validate() throws(ConfigError) {
        if interval <= 0 { throw ConfigError("--lookahead must be a positive number of steps, got \(interval)") }
        if !(alpha > 0 && alpha <= 1) { throw ConfigError("--lookahead-alpha must be in (0, 1], got \(alpha)") }
    }
}
