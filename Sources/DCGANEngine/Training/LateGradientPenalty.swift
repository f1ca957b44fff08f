/// Another R1 weight from a given step on: a stronger pull on D once G has found the faces.
/// Why: raising γ on a G that has found its faces kept runs from losing them (README, Recipe);
/// raising it from the start makes them rise sooner and fall as before. Its interval is R1's.
/// A run may have two such stages (`--r1-late`, then `--r1-later`), each from its own step.
public struct LateGradientPenalty: Sendable, Equatable, Codable {
    /// Completed steps before the late weight applies (from the step after step `start`).
    public var start: Int
    /// γ from then on.
    public var weight: Float

    public init(start: Int, weight: Float) {
        self.start = start
        self.weight = weight
    }

    /// `option`: the flag that sets the weight (its start's flag is `option`-start).
    func validate(option: String = "--r1-late") throws(ConfigError) {
        if start < 0 { throw ConfigError("\(option)-start must be 0 or more, got \(start)") }
        if !(weight.isFinite && weight > 0) { throw ConfigError("\(option) must be a positive finite number, got \(weight)") }
    }
}

extension [LateGradientPenalty] {
    /// γ of the step after `completedSteps` over these stages (in the order they apply): the last
    /// one begun, else `base`.
    func weight(after completedSteps: Int, base: Float) -> Float {
        last { completedSteps >= $0.start }?.weight ?? base
    }
}
