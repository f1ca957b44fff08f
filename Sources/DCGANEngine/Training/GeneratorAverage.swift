import Foundation

/// An exponential moving average of the generator: its weights and BatchNorm running statistics,
/// in a network of its own that samples (previews, quality scores, `sample`) while the trained
/// generator goes on training. The average irons out the step-to-step jitter of G's weights, which
/// shows in single samples as speckle and colour blending.
///
/// Bias-corrected like Adam's moments: after t updates the average weighs the update of step s by
/// (1 − d)·d^(t − s) / (1 − d^t), so the first update copies G and the initial weights never linger.
public final class GeneratorAverage {
    public let decay: Float
    /// The averaged generator (its state-dict names are the generator's).
    public let network: Network
    /// Updates so far (one per training step).
    public internal(set) var updates = 0

    init(_ context: DNNLContext, model: ModelConfig, decay: Float) throws {
        self.decay = decay
        network = try Network.generator(context, config: model)
    }

    /// Moves the average towards `generator` after one of its updates.
    func update(from generator: Network) {
        updates += 1
        let rate = (1 - decay) / (1 - powf(decay, Float(updates)))
        moveTowards(network.parameters.values, UnsafeBufferPointer(generator.parameters.values), rate: rate)
        for (index, _) in network.bufferNames {
            guard let average = network.runningStatistics(module: index),
                  let live = generator.runningStatistics(module: index) else { continue }
            moveTowards(average.mean.buffer, UnsafeBufferPointer(live.mean.buffer), rate: rate)
            moveTowards(average.variance.buffer, UnsafeBufferPointer(live.variance.buffer), rate: rate)
            network.setBatchesTracked(module: index, live.batchesTracked)
        }
    }
}
