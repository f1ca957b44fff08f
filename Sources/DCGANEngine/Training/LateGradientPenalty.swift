/// Another R1 weight from a given step on: a stronger pull on D once G has found the faces.
/// Why: raising γ on a G that has found its faces kept runs from losing them (README, Recipe);
/// raising it from the start makes them rise sooner and fall as before. Its interval is R1's.
public struct LateGradientPenalty: Sendable, Equatable, Codable {
    /// Completed steps before the late weight applies (from the step after step `start`).
    public var start: Int
    /// γ from then on.
    public var weight: Float

    public init(start: Int, weight: Float) {
        self.start = start
        self.weight = weight
    }

    func validate() throws(ConfigError) {
        if start < 0 { throw ConfigError("--r1-late-start must be 0 or more, got \(start)") }
        if !(weight.isFinite && weight > 0) { throw ConfigError("--r1-late must be a positive finite number, got \(weight)") }
    }
}
