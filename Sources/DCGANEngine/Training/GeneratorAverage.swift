import Foundation

/// An exponential moving average of the generator: its weights and BatchNorm running statistics,
/// in a network of its own that samples (previews, quality scores, `sample`) while the trained
/// generator goes on training. The average irons out the step-to-step jitter of G's weights, which
/// shows in single samples as speckle and colour blending.
///
/// Bias-corrected like Adam's moments: after t updates the average weighs the update of step s by
/// (1 − d)·d^(t − s) / (1 − d^t), so the first update copies G and the initial weights never linger.
public final class GeneratorAverage {
    /// Samples of fixed noise whose batch statistics replace the running ones (`.recomputed`).
    public static let recomputeSamples = 512

    public let decay: Float
    /// Another decay after a given step, if any.
    public let late: LateAverageDecay?
    /// The averaged generator (its state-dict names are the generator's).
    public let network: Network
    /// Updates so far (one per training step).
    public internal(set) var updates = 0
    /// Where the BatchNorm running statistics come from.
    public let statistics: AverageStatistics
    /// The seed of the noise that recomputes them: the same noise every time, its own stream.
    let recomputeSeed: UInt64
    /// `updates` when the statistics were last recomputed.
    private var recomputedAt: Int?

    init(_ context: DNNLContext, model: ModelConfig, decay: Float, late: LateAverageDecay? = nil,
         statistics: AverageStatistics = .averaged, seed: UInt64 = 0) throws {
        self.decay = decay
        self.late = late
        self.statistics = statistics
        recomputeSeed = seed ^ 0x4156_4742_4E53_5441 // "AVGBNSTA"
        network = try Network.generator(context, config: model)
    }

    /// The decay of update number `update` (1: the first, after step 1).
    public func decay(ofUpdate update: Int) -> Float {
        guard let late, update > late.start else { return decay }
        return late.decay
    }

    /// Moves the average towards `generator` after one of its updates.
    func update(from generator: Network) {
        updates += 1
        let decay = decay(ofUpdate: updates)
        let rate = (1 - decay) / (1 - powf(decay, Float(updates)))
        moveTowards(network.parameters.values, UnsafeBufferPointer(generator.parameters.values), rate: rate)
        guard statistics == .averaged else { return }
        for (index, _) in network.bufferNames {
            guard let average = network.runningStatistics(module: index),
                  let live = generator.runningStatistics(module: index) else { continue }
            moveTowards(average.mean.buffer, UnsafeBufferPointer(live.mean.buffer), rate: rate)
            moveTowards(average.variance.buffer, UnsafeBufferPointer(live.variance.buffer), rate: rate)
            network.setBatchesTracked(module: index, live.batchesTracked)
        }
    }

    /// Brings recomputed BatchNorm statistics up to date with the averaged weights (once per
    /// update, before the average samples in eval mode or is saved); nothing when they are averaged.
    public func settleStatistics() throws {
        guard statistics == .recomputed, recomputedAt != updates else { return }
        var random = RandomGenerator(seed: recomputeSeed)
        try network.recomputeRunningStatistics(samples: Self.recomputeSamples, random: &random)
        recomputedAt = updates
    }
}

/// Where the moving average's BatchNorm running statistics come from.
public enum AverageStatistics: String, Sendable, Codable, CaseIterable {
    /// A moving average of G's running statistics, at the weights' decay.
    case averaged
    /// The average's own batch statistics over 512 samples of fixed noise, recomputed for its
    /// current weights (averaged statistics lag behind and were computed with other weights).
    case recomputed
}
