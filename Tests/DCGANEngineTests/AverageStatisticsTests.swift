import Foundation
import XCTest
@testable import DCGANEngine

/// BatchNorm running statistics recomputed for the current weights (`--ema-statistics recomputed`),
/// against PyTorch's `torch.optim.swa_utils.update_bn` and in the moving average of G.
final class AverageStatisticsTests: XCTestCase {
    /// recomputed_statistics.safetensors: latent 8, width 8; batches of 4, 4 and 2 latents.
    func testRecomputedStatisticsMatchPyTorchsUpdateBN() throws {
        let (context, fixtures, generator) = try Fixtures.generator("recomputed_statistics.safetensors", prefix: "init.")
        let batches = try (0..<3).map { index in
            let values = try fixtures.floats("batch.\(index)")
            return try Tensor.filled(context, dims: [values.count / 8, 8, 1, 1], values)
        }
        try generator.recomputeRunningStatistics(over: batches)
        for (index, _) in generator.bufferNames {
            let stats = try XCTUnwrap(generator.runningStatistics(module: index))
            assertClose(stats.mean.toArray(), try fixtures.floats("recomputed.net.\(index).running_mean"), "running_mean \(index)")
            assertClose(stats.variance.toArray(), try fixtures.floats("recomputed.net.\(index).running_var"), "running_var \(index)")
            XCTAssertEqual(stats.batchesTracked, try fixtures.int64s("recomputed.net.\(index).num_batches_tracked")[0])
        }
        let z = try Tensor.filled(context, dims: [4, 8, 1, 1], try fixtures.floats("z"))
        assertClose(try generator.forward(z, training: false).toArray(), try fixtures.floats("out_eval"), "eval-mode output")

        // Afterwards a training-mode pass moves the statistics by the usual momentum again.
        let module = try XCTUnwrap(generator.bufferNames.first?.index)
        let before = generator.runningStatistics(module: module)!.mean.toArray()
        let batchMeanTimesMomentum = try generator.preservingStatistics { () -> [Float] in
            try generator.recomputeRunningStatistics(over: [z])
            return generator.runningStatistics(module: module)!.mean.toArray().map { 0.1 * $0 }
        }
        _ = try generator.forward(z, training: true)
        let after = generator.runningStatistics(module: module)!.mean.toArray()
        for (a, (b, m)) in zip(after, zip(before, batchMeanTimesMomentum)) { XCTAssertEqual(a, 0.9 * b + m, accuracy: 1e-5) }
    }

    private func config(_ statistics: AverageStatistics?) -> TrainingConfig {
        var config = TrainingConfig.tiny()
        config.generatorAverageDecay = 0.9
        config.averageStatistics = statistics
        return config
    }

    /// The average's weights are averaged either way; its statistics are its own batch statistics on
    /// fixed noise, recomputed when it samples in eval mode, and training never notices.
    func testTheAverageRecomputesItsStatisticsWhenItSamples() throws {
        let recomputing = try DCGANTrainer(config: config(.recomputed)), averaging = try DCGANTrainer(config: config(nil))
        let average = try XCTUnwrap(recomputing.generatorAverage)
        XCTAssertEqual(average.statistics, .recomputed)
        let module = try XCTUnwrap(average.network.bufferNames.first?.index)
        let initial = average.network.runningStatistics(module: module)!.mean.toArray()
        for _ in 0..<3 {
            let (a, b) = (try recomputing.step(), try averaging.step())
            XCTAssertEqual(a.gLoss.bitPattern, b.gLoss.bitPattern, "the average's statistics never change training")
        }
        XCTAssertEqual(Array(average.network.parameters.values), Array(averaging.generatorAverage!.network.parameters.values))
        XCTAssertEqual(average.network.runningStatistics(module: module)!.mean.toArray(), initial,
                       "updates average the weights only")

        var random = RandomGenerator(seed: 3)
        let noise = try recomputing.makeNoise(batch: 4, random: &random)
        let sampled = try recomputing.generate(noise: noise, training: false)
        let recomputed = average.network.runningStatistics(module: module)!
        XCTAssertEqual(recomputed.batchesTracked, Int64(GeneratorAverage.recomputeSamples / 256))
        XCTAssertNotEqual(recomputed.mean.toArray(), initial)

        // The same as recomputing a copy of the averaged weights by hand on the same noise.
        let copy = try Network.generator(try DNNLContext(), config: recomputing.config.model)
        copy.copyState(from: average.network)
        var recomputeRandom = RandomGenerator(seed: average.recomputeSeed)
        try copy.recomputeRunningStatistics(samples: GeneratorAverage.recomputeSamples, random: &recomputeRandom)
        XCTAssertEqual(copy.runningStatistics(module: module)!.variance.toArray(), recomputed.variance.toArray())
        XCTAssertEqual(try copy.forward(noise, training: false).toArray(), sampled)
        XCTAssertNotEqual(sampled, try averaging.generate(noise: noise, training: false),
                          "averaged statistics sample differently")

        // Once per update: sampling again changes nothing; after the next step it recomputes.
        XCTAssertEqual(try recomputing.generate(noise: noise, training: false), sampled)
        _ = try recomputing.step()
        XCTAssertNotEqual(try recomputing.generate(noise: noise, training: false), sampled)
    }

    /// A checkpoint holds the statistics recomputed for the weights it holds; resume continues exactly.
    func testCheckpointsHoldRecomputedStatisticsAndResumeExactly() throws {
        let directory = NSTemporaryDirectory() + "dcgan-average-statistics-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = config(.recomputed)
        let straight = try DCGANTrainer(config: config)
        let expected = try (0..<5).map { _ in try straight.step() }
        let (first, file) = try DCGANTrainer.checkpointed(config, after: 2, to: directory + "/mid.safetensors")
        XCTAssertEqual(file.config?.averageStatistics, .recomputed)
        let saved = try Network.generator(try DNNLContext(), config: config.model)
        try file.loadGenerator(saved, average: true)
        var random = RandomGenerator(seed: 8)
        let noise = try first.makeNoise(batch: 4, random: &random)
        XCTAssertEqual(try saved.forward(noise, training: false).toArray(), try first.generate(noise: noise, training: false),
                       "the file's statistics are the ones recomputed for its weights")

        let resumed = try DCGANTrainer(resuming: file)
        XCTAssertEqual(resumed.generatorAverage?.statistics, .recomputed)
        let continued = try (0..<3).map { _ in try resumed.step() }
        XCTAssertEqual(continued.map(\.gLoss.bitPattern), expected.suffix(3).map(\.gLoss.bitPattern))
        XCTAssertEqual(try resumed.generate(noise: noise, training: false), try straight.generate(noise: noise, training: false))
    }

    func testRecomputedStatisticsNeedAnAverageAndAreDescribed() {
        var config = TrainingConfig.tiny()
        config.averageStatistics = .recomputed
        XCTAssertThrowsError(try config.validate()) { error in
            XCTAssertEqual("\(error)", "--ema-statistics recomputed needs a moving average of G (--ema)")
        }
        config.generatorAverageDecay = 0.999
        XCTAssertNoThrow(try config.validate())
        XCTAssertEqual(Recipe.describe(config), "custom: batch 8, moving average of G (decay 0.999) with recomputed BatchNorm statistics samples")
        config.averageStatistics = .averaged
        XCTAssertEqual(Recipe.describe(config), "custom: batch 8, moving average of G (decay 0.999) samples")
    }
}
