/// When a session measures quality: every N steps, never, or (by default) at the end of every epoch,
/// skipping epoch ends while one more measurement would take the measurements past a share of
/// training time (the 2%: a measurement with Jacobian truncation, or in float32 on a CPU
/// without bf16, costs more than 2% of a short epoch).
struct QualityCadence {
    /// Every this many steps (0: never); nil: at epoch ends.
    let every: Int?
    /// With epoch ends: the largest share of training time the measurements may take (nil: no limit).
    let budget: Double?
    /// The seconds the measurements so far took, and the last one's (what the next will cost, about).
    private(set) var measuredSeconds = 0.0
    private(set) var lastCost: Double?

    init(every: Int?, budget: Double?) {
        self.every = every
        self.budget = budget
    }

    /// Whether to measure after this step. The first epoch end always measures.
    func isDue(iteration: Int, epochEnded: Bool, trainingSeconds: Double) -> Bool {
        if let every { return every > 0 && iteration % every == 0 }
        guard epochEnded else { return false }
        guard let budget, let lastCost else { return true }
        return measuredSeconds + lastCost <= budget * trainingSeconds
    }

    mutating func record(cost seconds: Double) {
        measuredSeconds += seconds
        lastCost = seconds
    }
}
