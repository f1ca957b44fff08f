import Foundation
import XCTest
@testable import DCGANEngine

/// The recipe options beyond the seed: the moving average of G, instance noise, the learning-rate
/// decay, and the presets.
final class RecipeTests: XCTestCase {
    func testSeedRecipeIsTheSeedsAndTunedChangesOnlyItsOptions() {
        XCTAssertEqual(Recipe.seed.config, TrainingConfig())
        var tuned = Recipe.tuned.config
        XCTAssertEqual(tuned.generatorAverageDecay, 0.995)
        XCTAssertEqual([tuned.learningRateG, tuned.learningRateD], [4e-4, 4e-4])
        XCTAssertEqual(tuned.bceFrom, .logits)
        XCTAssertEqual(tuned.gradientPenalty, 3)
        XCTAssertEqual(tuned.gradientPenaltyInterval, 4)
        XCTAssertEqual(tuned.gradientPenaltyLate, LateGradientPenalty(start: 1000, weight: 10))
        XCTAssertEqual(tuned.gradientPenaltyLater, LateGradientPenalty(start: 1500, weight: 30))
        XCTAssertEqual(tuned.generatorRateLate, LateGeneratorRate(start: 1400, factor: 0.5))
        XCTAssertEqual(tuned.batchSize, 128)
        XCTAssertEqual(tuned.samplingTruncation, JacobianTruncation(keep: 0.5, density: 4, clusters: 16))
        tuned.batchSize = 64
        tuned.samplingTruncation = nil
        tuned.generatorAverageDecay = nil
        tuned.bceFrom = nil
        tuned.gradientPenalty = nil
        tuned.gradientPenaltyInterval = nil
        tuned.gradientPenaltyLate = nil
        tuned.generatorRateLate = nil
        tuned.gradientPenaltyLater = nil
        tuned.learningRateG = 2e-4
        tuned.learningRateD = 2e-4
        XCTAssertEqual(tuned, TrainingConfig(), "the tuned recipe changes only the options it names")
    }

    func testDescriptionsNameTheRecipeAndWhatDiffersFromTheSeed() {
        XCTAssertEqual(Recipe.describe(TrainingConfig()), "seed")
        XCTAssertEqual(Recipe.describe(Recipe.tuned.config), "tuned: batch 128, lr 0.0004, G's lr ×0.5 after step 1400, R1 penalty γ 3.0, 10.0 after step 1000, 30.0 after step 1500 (lazy: ×4 every 4 steps), "
                       + "BCE from D's logits, moving average of G (decay 0.995) samples, "
                       + "Jacobian truncation keeping 0.50 of the candidates by density (distance to their 4th nearest), shared among 16 clusters of the training images")
        var custom = Recipe.tuned.config
        custom.seed = 9
        custom.iterations = 10
        XCTAssertEqual(Recipe.matching(custom), .tuned, "run length and seed do not change the recipe")
        custom.learningRateD = 2e-4
        custom.learningRateDecay = LearningRateDecay(start: 700, steps: 800, floor: 0.1)
        XCTAssertNil(Recipe.matching(custom))
        XCTAssertEqual(Recipe.describe(custom), "custom: batch 128, lr G 0.0004, D 0.0002, lr decay after step 700 over 800 steps to 0.1×, G's lr ×0.5 after step 1400, "
                       + "R1 penalty γ 3.0, 10.0 after step 1000, 30.0 after step 1500 (lazy: ×4 every 4 steps), BCE from D's logits, moving average of G (decay 0.995) samples, "
                       + "Jacobian truncation keeping 0.50 of the candidates by density (distance to their 4th nearest), shared among 16 clusters of the training images")
        var penalised = Recipe.tuned.config
        penalised.gradientPenaltyInterval = nil
        XCTAssertNil(Recipe.matching(penalised), "R1 at every step is not the tuned recipe")
        penalised.beta1 = 0
        penalised.beta2 = 0.99
        XCTAssertNil(Recipe.matching(penalised))
        XCTAssertEqual(Recipe.describe(penalised), "custom: batch 128, lr 0.0004, G's lr ×0.5 after step 1400, R1 penalty γ 3.0, 10.0 after step 1000, 30.0 after step 1500, BCE from D's logits, "
                       + "moving average of G (decay 0.995) samples, Adam β (0.0, 0.99), "
                       + "Jacobian truncation keeping 0.50 of the candidates by density (distance to their 4th nearest), shared among 16 clusters of the training images")
        var sampled = Recipe.seed.config
        sampled.batchSize = 128
        sampled.samplingTruncation = JacobianTruncation(keep: 0.5)
        XCTAssertNil(Recipe.matching(sampled))
        XCTAssertEqual(Recipe.describe(sampled), "custom: batch 128, Jacobian truncation keeping 0.50 of the candidates")
        penalised.gradientPenaltyInterval = 4
        XCTAssertNil(Recipe.matching(penalised))
        XCTAssertTrue(Recipe.describe(penalised).contains("R1 penalty γ 3.0, 10.0 after step 1000, 30.0 after step 1500 (lazy: ×4 every 4 steps)"), Recipe.describe(penalised))
        penalised.gradientPenalty = nil
        XCTAssertThrowsError(try penalised.validate(), "--r1-every without R1") {
            XCTAssertEqual(($0 as? ConfigError)?.description, "--r1-every needs the R1 penalty (--r1)")
        }
        penalised.gradientPenalty = 1
        penalised.gradientPenaltyInterval = 0
        XCTAssertThrowsError(try penalised.validate(), "--r1-every 0")
    }

    /// The average after t updates is Σ_s (1 − d)·d^(t−s)·G_s / (1 − d^t) over G's states after each
    /// update, for weights and BatchNorm running statistics alike.
    func testAverageIsTheBiasCorrectedMovingAverageOfEveryStep() throws {
        let decay: Float = 0.8
        var config = TrainingConfig.tiny()
        config.generatorAverageDecay = decay
        let trainer = try DCGANTrainer(config: config)
        let average = try XCTUnwrap(trainer.generatorAverage)
        var weights: [[Float]] = [], means: [[Float]] = []
        let bnModule = try XCTUnwrap(trainer.generator.bufferNames.first?.index)
        for step in 1...4 {
            _ = try trainer.step()
            weights.append(Array(trainer.generator.parameters.values))
            means.append(trainer.generator.runningStatistics(module: bnModule)!.mean.toArray())
            if step == 1 {
                XCTAssertEqual(Array(average.network.parameters.values), weights[0], "the first update copies G")
            }
        }
        func expected(_ history: [[Float]]) -> [Float] {
            let t = history.count
            let norm = 1 - pow(Double(decay), Double(t))
            return (0..<history[0].count).map { i in
                Float((0..<t).reduce(0.0) { $0 + (1 - Double(decay)) * pow(Double(decay), Double(t - 1 - $1)) * Double(history[$1][i]) } / norm)
            }
        }
        let got = Array(average.network.parameters.values), want = expected(weights)
        XCTAssertEqual(average.updates, 4)
        XCTAssertNotEqual(got, weights.last!, "the average lags G")
        for (a, b) in zip(got, want) { XCTAssertEqual(a, b, accuracy: 1e-5 + 1e-4 * abs(b)) }
        for (a, b) in zip(average.network.runningStatistics(module: bnModule)!.mean.toArray(), expected(means)) {
            XCTAssertEqual(a, b, accuracy: 1e-5 + 1e-4 * abs(b))
        }
    }

    /// A late decay changes the average's decay after its step and nothing else: the run is, bit for
    /// bit, the run without it checkpointed at that step and resumed with the new decay (the README's
    /// measurements of it were made that way), and G trains as without it.
    func testALateDecayIsTheRunResumedWithTheNewDecay() throws {
        var plain = TrainingConfig.tiny(seed: 13)
        plain.generatorAverageDecay = 0.9
        var late = plain
        late.generatorAverageLate = LateAverageDecay(start: 2, decay: 0.5)
        XCTAssertEqual(Recipe.describe(late), "custom: batch 8, moving average of G (decay 0.9, 0.5 after step 2) samples")
        let (straight, resumed) = try DCGANTrainer.scheduledAndResumed(late, plain, switchAt: 2, steps: 4,
                                                                       changes: ResumeChanges(generatorAverageDecay: .some(0.5)))
        let average = try XCTUnwrap(straight.generatorAverage)
        XCTAssertEqual((1...4).map(average.decay(ofUpdate:)), [0.9, 0.9, 0.5, 0.5])
        XCTAssertEqual(Array(average.network.parameters.values), Array(resumed.generatorAverage!.network.parameters.values))
        let unchanged = try DCGANTrainer(config: plain)
        for _ in 0..<4 { _ = try unchanged.step() }
        XCTAssertNotEqual(Array(average.network.parameters.values), Array(unchanged.generatorAverage!.network.parameters.values))
        XCTAssertEqual(Array(straight.generator.parameters.values), Array(unchanged.generator.parameters.values), "G trains as without it")
    }

    /// A late R1 weight is, bit for bit, the run without it resumed at its step with that γ (lazy
    /// R1's count going on), and changes nothing before its step.
    func testALatePenaltyIsTheRunResumedWithTheNewWeight() throws {
        var plain = TrainingConfig.tiny(seed: 13)
        plain.gradientPenalty = 1
        plain.gradientPenaltyInterval = 2
        var late = plain
        late.gradientPenaltyLate = LateGradientPenalty(start: 3, weight: 5)
        XCTAssertEqual(Recipe.describe(late), "custom: batch 8, R1 penalty γ 1.0, 5.0 after step 3 (lazy: ×2 every 2 steps)")
        XCTAssertNil(Recipe.matching(late))
        try assertStageIsTheResumedRun(late, plain, switchAt: 3, steps: 6, changes: ResumeChanges(gradientPenalty: .some(5)))
    }

    /// A second late R1 weight is, bit for bit, the run with the first alone resumed at its step
    /// with the second as the late weight, and changes nothing before its step.
    func testASecondLatePenaltyIsTheRunResumedWithItsWeight() throws {
        var first = TrainingConfig.tiny(seed: 14)
        first.gradientPenalty = 1
        first.gradientPenaltyInterval = 2
        first.gradientPenaltyLate = LateGradientPenalty(start: 2, weight: 5)
        var both = first
        both.gradientPenaltyLater = LateGradientPenalty(start: 4, weight: 20)
        XCTAssertEqual(Recipe.describe(both), "custom: batch 8, R1 penalty γ 1.0, 5.0 after step 2, 20.0 after step 4 (lazy: ×2 every 2 steps)")
        XCTAssertEqual((0..<6).map { both.gradientPenaltyWeight(after: $0) }, [1, 1, 5, 5, 20, 20])
        try assertStageIsTheResumedRun(both, first, switchAt: 4, steps: 7,
                                       changes: ResumeChanges(gradientPenaltyLate: .some(LateGradientPenalty(start: 4, weight: 20))))
    }

    /// G's late rate factor is, bit for bit, the run without it resumed at its step with G's rate
    /// times the factor (the README's measurements of it were made that way); D's rate stays.
    func testALateGeneratorRateIsTheRunResumedWithGsRate() throws {
        var plain = TrainingConfig.tiny(seed: 15)
        plain.learningRateG = 4e-4
        plain.learningRateD = 4e-4
        var late = plain
        late.generatorRateLate = LateGeneratorRate(start: 3, factor: 0.5)
        XCTAssertEqual(Recipe.describe(late), "custom: batch 8, lr 0.0004, G's lr ×0.5 after step 3")
        XCTAssertEqual((0..<5).map { late.generatorRateFactor(after: $0) }, [1, 1, 1, 0.5, 0.5])
        try assertStageIsTheResumedRun(late, plain, switchAt: 3, steps: 6, changes: ResumeChanges(learningRateG: 2e-4))
        let trainer = try DCGANTrainer(config: late)
        for _ in 0..<3 { _ = try trainer.step() }
        XCTAssertEqual(trainer.optimizerG.effectiveLearningRate, 4e-4, "step 3 (after 2 completed) is at G's rate")
        _ = try trainer.step()
        XCTAssertEqual(trainer.optimizerG.effectiveLearningRate, 2e-4, "step 4 (after 3 completed) is at half")
        XCTAssertEqual(trainer.optimizerD.effectiveLearningRate, 4e-4)
        var changed = plain
        ResumeChanges(generatorRateLate: .some(LateGeneratorRate(start: 1400, factor: 0.5))).apply(to: &changed)
        XCTAssertEqual(changed.generatorRateLate, LateGeneratorRate(start: 1400, factor: 0.5))
        ResumeChanges(generatorRateLate: .some(nil)).apply(to: &changed)
        XCTAssertNil(changed.generatorRateLate)
    }

    /// `scheduled` trains bit for bit as `original` resumed at `switchAt` with `changes` (lazy R1's
    /// last value included), as `original` before `switchAt`, and otherwise after it.
    private func assertStageIsTheResumedRun(_ scheduled: TrainingConfig, _ original: TrainingConfig, switchAt: Int, steps: Int,
                                            changes: ResumeChanges, file: StaticString = #filePath, line: UInt = #line) throws {
        let (straight, resumed) = try DCGANTrainer.scheduledAndResumed(scheduled, original, switchAt: switchAt, steps: steps, changes: changes)
        XCTAssertEqual(Array(straight.discriminator.parameters.values), Array(resumed.discriminator.parameters.values), file: file, line: line)
        XCTAssertEqual(Array(straight.generator.parameters.values), Array(resumed.generator.parameters.values), file: file, line: line)
        XCTAssertEqual(straight.gradientPenalty?.lastValue, resumed.gradientPenalty?.lastValue, file: file, line: line)
        let (before, unchanged) = (try DCGANTrainer(config: scheduled), try DCGANTrainer(config: original))
        for _ in 0..<switchAt { _ = try before.step(); _ = try unchanged.step() }
        XCTAssertEqual(Array(before.discriminator.parameters.values), Array(unchanged.discriminator.parameters.values),
                       "the stage changed steps before its own", file: file, line: line)
        for _ in switchAt..<steps { _ = try unchanged.step() }
        XCTAssertNotEqual(Array(straight.discriminator.parameters.values), Array(unchanged.discriminator.parameters.values),
                          "the stage changed nothing", file: file, line: line)
    }

    /// Resuming without the first late weight drops the second with it; without R1, both go.
    func testResumeDropsTheLaterWeightWithTheLateOne() {
        var config = Recipe.tuned.config
        config.gradientPenaltyLater = LateGradientPenalty(start: 1500, weight: 30)
        var withoutLate = config
        ResumeChanges(gradientPenaltyLate: .some(nil)).apply(to: &withoutLate)
        XCTAssertNil(withoutLate.gradientPenaltyLater)
        XCTAssertEqual(withoutLate.gradientPenalty, 3)
        var withoutR1 = config
        ResumeChanges(gradientPenalty: .some(nil)).apply(to: &withoutR1)
        XCTAssertNil(withoutR1.gradientPenaltyLate)
        XCTAssertNil(withoutR1.gradientPenaltyLater)
        var changed = config
        ResumeChanges(gradientPenaltyLater: .some(LateGradientPenalty(start: 1200, weight: 20))).apply(to: &changed)
        XCTAssertEqual(changed.gradientPenaltyStages, [LateGradientPenalty(start: 1000, weight: 10), LateGradientPenalty(start: 1200, weight: 20)])
    }

    /// The average samples; training never reads it: with and without it, G and D are bit-identical.
    func testAverageSamplesButNeverChangesTraining() throws {
        var withAverage = TrainingConfig.tiny()
        withAverage.generatorAverageDecay = 0.9
        let a = try DCGANTrainer(config: withAverage), b = try DCGANTrainer(config: TrainingConfig.tiny())
        for _ in 0..<3 {
            let (x, y) = (try a.step(), try b.step())
            XCTAssertEqual(x.gLoss.bitPattern, y.gLoss.bitPattern)
        }
        XCTAssertEqual(Array(a.generator.parameters.values), Array(b.generator.parameters.values))
        XCTAssertEqual(Array(a.discriminator.parameters.values), Array(b.discriminator.parameters.values))
        XCTAssertTrue(a.samplingGenerator === a.generatorAverage!.network)
        XCTAssertTrue(b.samplingGenerator === b.generator)
        var random = RandomGenerator(seed: 1)
        let noise = try a.makeNoise(batch: 4, random: &random)
        XCTAssertEqual(try a.generate(noise: noise, training: false), try a.generatorAverage!.network.forward(noise, training: false).toArray())
        XCTAssertNotEqual(try a.generate(noise: noise, training: false), try a.generator.forward(noise, training: false).toArray())
    }

    func testInstanceNoiseFadesLinearlyAndChangesWhatDSees() throws {
        var config = TrainingConfig.tiny()
        config.instanceNoise = 0.2
        config.instanceNoiseSteps = 4
        XCTAssertEqual(config.instanceNoiseDeviation(after: 0), 0.2, accuracy: 1e-7)
        XCTAssertEqual(config.instanceNoiseDeviation(after: 1), 0.15, accuracy: 1e-7)
        XCTAssertEqual(config.instanceNoiseDeviation(after: 4), 0)
        XCTAssertEqual(config.instanceNoiseDeviation(after: 9), 0)
        XCTAssertEqual(TrainingConfig.tiny().instanceNoiseDeviation(after: 0), 0)
        var constant = config
        constant.instanceNoiseSteps = 0
        XCTAssertEqual([0, 4, 100_000].map { constant.instanceNoiseDeviation(after: $0) }, [0.2, 0.2, 0.2], "0 steps: no fading")
        XCTAssertEqual(Recipe.describe(constant), "custom: batch 8, instance noise 0.2")

        let noisy = try DCGANTrainer(config: config), again = try DCGANTrainer(config: config)
        let plain = try DCGANTrainer(config: TrainingConfig.tiny())
        let first = try noisy.step(), repeated = try again.step(), seed = try plain.step()
        XCTAssertEqual(first.dLoss.bitPattern, repeated.dLoss.bitPattern, "instance noise is drawn from the run's seed")
        XCTAssertNotEqual(first.dX, seed.dX, "D saw the noisy real batch")
        XCTAssertNotEqual(first.dGZ, seed.dGZ, "D saw the noisy fake batch")
        XCTAssertTrue(first.dLoss.isFinite && first.gLoss.isFinite)
    }

    func testLearningRateDecayFollowsHalfACosineToItsFloor() {
        let decay = LearningRateDecay(start: 10, steps: 20, floor: 0.1)
        XCTAssertEqual(decay.factor(after: 0), 1)
        XCTAssertEqual(decay.factor(after: 10), 1)
        XCTAssertEqual(decay.factor(after: 20), 0.55, accuracy: 1e-6, "half way: the mean of 1 and the floor")
        XCTAssertEqual(decay.factor(after: 15), 0.1 + 0.9 * Float(0.5 * (1 + cos(Double.pi / 4))), accuracy: 1e-6)
        XCTAssertEqual(decay.factor(after: 30), 0.1, accuracy: 1e-7)
        XCTAssertEqual(decay.factor(after: 1000), 0.1, accuracy: 1e-7)
        XCTAssertGreaterThan(decay.factor(after: 14), decay.factor(after: 15))
        XCTAssertEqual(TrainingConfig().learningRateFactor(after: 5000), 1, "the seed's rates are constant")
    }

    /// A decay is the same as setting both optimizers' rates by hand before each step.
    func testDecayedStepsAreStepsAtTheScheduledRates() throws {
        var config = TrainingConfig.tiny()
        config.learningRateDecay = LearningRateDecay(start: 1, steps: 2, floor: 0.5)
        let scheduled = try DCGANTrainer(config: config), byHand = try DCGANTrainer(config: TrainingConfig.tiny())
        for factor: Float in [1, 1, 0.75, 0.5, 0.5] {
            byHand.optimizerG.learningRate = config.learningRateG * factor
            byHand.optimizerD.learningRate = config.learningRateD * factor
            let (a, b) = (try scheduled.step(), try byHand.step())
            XCTAssertEqual(a.gLoss.bitPattern, b.gLoss.bitPattern)
            XCTAssertEqual(scheduled.optimizerG.effectiveLearningRate, config.learningRateG * factor)
            XCTAssertEqual(scheduled.optimizerG.learningRate, config.learningRateG, "the base rate stays")
        }
        XCTAssertTrue(Array(scheduled.generator.parameters.values) == Array(byHand.generator.parameters.values))
        XCTAssertTrue(Array(scheduled.discriminator.parameters.values) == Array(byHand.discriminator.parameters.values))
        let constant = try DCGANTrainer(config: TrainingConfig.tiny())
        for _ in 0..<5 { _ = try constant.step() }
        XCTAssertFalse(Array(scheduled.generator.parameters.values) == Array(constant.generator.parameters.values))
    }

    /// Resume with an average, instance noise and a decay continues exactly (the average, its
    /// update count and the noise stream are in the checkpoint; the decay follows the step count).
    func testResumeKeepsTheAverageAndTheNoiseStream() throws {
        let directory = NSTemporaryDirectory() + "dcgan-recipe-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = TrainingConfig.tiny()
        config.generatorAverageDecay = 0.9
        config.instanceNoise = 0.1
        config.instanceNoiseSteps = 10
        config.learningRateDecay = LearningRateDecay(start: 2, steps: 3, floor: 0.5) // resumes mid-decay
        let straight = try DCGANTrainer(config: config)
        let expected = try (0..<6).map { _ in try straight.step() }
        let path = directory + "/mid.safetensors"
        let (first, file) = try DCGANTrainer.checkpointed(config, after: 3, to: path)
        XCTAssertTrue(file.hasGeneratorAverage)
        XCTAssertEqual(file.config, config)
        let resumed = try DCGANTrainer(resuming: file)
        XCTAssertEqual(resumed.generatorAverage?.updates, 3)
        let continued = try (0..<3).map { _ in try resumed.step() }
        XCTAssertEqual(continued.map(\.dLoss.bitPattern), expected.suffix(3).map(\.dLoss.bitPattern))
        XCTAssertEqual(Array(resumed.generatorAverage!.network.parameters.values),
                       Array(straight.generatorAverage!.network.parameters.values))

        // Sampling reads the average by default, the trained G on request.
        let sampler = try Network.generator(try DNNLContext(), config: config.model)
        try file.loadGenerator(sampler, average: true)
        XCTAssertEqual(Array(sampler.parameters.values), Array(first.generatorAverage!.network.parameters.values))
        try file.loadGenerator(sampler, average: false)
        XCTAssertEqual(Array(sampler.parameters.values), Array(first.generator.parameters.values))

        // A file whose configuration keeps an average but lacks its tensors is refused in one line.
        let tensors = try SafeTensors(contentsOf: path)
        var writer = SafeTensorsWriter()
        try writer.add(from: tensors) { !$0.hasPrefix("generator_ema.") }
        writer.metadata = tensors.metadata
        let broken = directory + "/broken.safetensors"
        try writer.serialized().write(to: URL(fileURLWithPath: broken))
        XCTAssertThrowsError(try CheckpointFile(path: broken)) { error in
            XCTAssertTrue("\(error)".contains("generator_ema"), "\(error)")
        }
    }

    /// Resuming with a new decay (starting at the checkpoint's step) is the run that had it all
    /// along, bit for bit, and the checkpoints it writes carry it; `.some(nil)` takes a decay away.
    func testResumeWithANewDecayIsTheRunThatHadItAllAlong() throws {
        let directory = NSTemporaryDirectory() + "dcgan-recipe-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let decay = LearningRateDecay(start: 2, steps: 2, floor: 0.25)
        var withDecay = TrainingConfig.tiny()
        withDecay.learningRateDecay = decay
        let straight = try DCGANTrainer(config: withDecay)
        let expected = try (0..<5).map { _ in try straight.step() }
        let (_, file) = try DCGANTrainer.checkpointed(TrainingConfig.tiny(), after: 2, to: directory + "/plain.safetensors")
        XCTAssertNil(file.config?.learningRateDecay)

        let resumed = try DCGANTrainer(resuming: file, changes: ResumeChanges(learningRateDecay: .some(decay)))
        XCTAssertEqual(resumed.config.learningRateDecay, decay)
        let continued = try (0..<3).map { _ in try resumed.step() }
        XCTAssertEqual(continued.map(\.gLoss.bitPattern), expected.suffix(3).map(\.gLoss.bitPattern))
        XCTAssertEqual(resumed.optimizerG.effectiveLearningRate, withDecay.learningRateG * 0.25)
        XCTAssertTrue(Array(resumed.generator.parameters.values) == Array(straight.generator.parameters.values))
        let path = directory + "/decayed.safetensors"
        try Checkpoint.save(resumed, to: path)
        XCTAssertEqual(try CheckpointFile(path: path).config?.learningRateDecay, decay)

        // Taken away again: the base rates from the next step on.
        let undecayed = try DCGANTrainer(resuming: try CheckpointFile(path: path), changes: ResumeChanges(learningRateDecay: .some(nil)))
        _ = try undecayed.step()
        XCTAssertEqual(undecayed.optimizerG.effectiveLearningRate, withDecay.learningRateG)
        XCTAssertThrowsError(try DCGANTrainer(resuming: file, changes: ResumeChanges(
            learningRateDecay: .some(LearningRateDecay(start: 0, steps: 0, floor: 0.1))))) {
            XCTAssertTrue("\($0)".contains("--lr-decay-steps"), "\($0)")
        }
    }

    func testBadRecipeValuesAreRefused() {
        for change in [{ (c: inout TrainingConfig) in c.generatorAverageDecay = 1 },
                       { (c: inout TrainingConfig) in c.generatorAverageDecay = 0 },
                       { (c: inout TrainingConfig) in c.generatorAverageLate = LateAverageDecay(start: 10, decay: 0.999) },
                       { (c: inout TrainingConfig) in c.gradientPenaltyLate = LateGradientPenalty(start: 10, weight: 10) },
                       { (c: inout TrainingConfig) in c.gradientPenalty = 1; c.gradientPenaltyLate = LateGradientPenalty(start: 10, weight: 0) },
                       { (c: inout TrainingConfig) in c.gradientPenalty = 1; c.gradientPenaltyLate = LateGradientPenalty(start: -1, weight: 10) },
                       { (c: inout TrainingConfig) in c.gradientPenalty = 1; c.gradientPenaltyLater = LateGradientPenalty(start: 10, weight: 10) },
                       { (c: inout TrainingConfig) in
                           c.gradientPenalty = 1; c.gradientPenaltyLate = LateGradientPenalty(start: 10, weight: 10)
                           c.gradientPenaltyLater = LateGradientPenalty(start: 10, weight: 30) },
                       { (c: inout TrainingConfig) in
                           c.gradientPenalty = 1; c.gradientPenaltyLate = LateGradientPenalty(start: 10, weight: 10)
                           c.gradientPenaltyLater = LateGradientPenalty(start: 20, weight: .nan) },
                       { (c: inout TrainingConfig) in c.generatorAverageDecay = 0.9; c.generatorAverageLate = LateAverageDecay(start: 10, decay: 1) },
                       { (c: inout TrainingConfig) in c.generatorAverageDecay = 0.9; c.generatorAverageLate = LateAverageDecay(start: -1, decay: 0.99) },
                       { (c: inout TrainingConfig) in c.generatorRateLate = LateGeneratorRate(start: 10, factor: 0) },
                       { (c: inout TrainingConfig) in c.generatorRateLate = LateGeneratorRate(start: 10, factor: .nan) },
                       { (c: inout TrainingConfig) in c.generatorRateLate = LateGeneratorRate(start: -1, factor: 0.5) },
                       { (c: inout TrainingConfig) in c.instanceNoise = -0.1 },
                       { (c: inout TrainingConfig) in c.instanceNoiseSteps = -1 },
                       { (c: inout TrainingConfig) in c.realLabel = 1.5 },
                       { (c: inout TrainingConfig) in c.learningRateDecay = LearningRateDecay(start: -1, steps: 10, floor: 0.1) },
                       { (c: inout TrainingConfig) in c.learningRateDecay = LearningRateDecay(start: 0, steps: 0, floor: 0.1) },
                       { (c: inout TrainingConfig) in c.learningRateDecay = LearningRateDecay(start: 0, steps: 10, floor: 0) },
                       { (c: inout TrainingConfig) in c.learningRateDecay = LearningRateDecay(start: 0, steps: 10, floor: 1.5) }] {
            var config = TrainingConfig()
            change(&config)
            XCTAssertThrowsError(try config.validate())
        }
    }

    /// bench --time-to-quality's loop: a measurement every `every` steps, seconds that grow, and
    /// the trained G's score next to the average's.
    func testTimeToQualityMeasuresAtItsCadence() throws {
        var options = TimeToQualityOptions()
        options.config = TrainingConfig.tiny()
        options.config.generatorAverageDecay = 0.9
        options.steps = 6
        options.every = 2
        options.samples = 8
        var seen = 0
        let run = try TimeToQuality.run(options) { _ in seen += 1 }
        XCTAssertEqual(run.reports.map(\.iteration), [2, 4, 6])
        XCTAssertEqual(seen, 3)
        XCTAssertTrue(zip(run.reports, run.reports.dropFirst()).allSatisfy { $0.seconds < $1.seconds })
        XCTAssertNotNil(run.reports[0].live)
        XCTAssertNil(run.reached, "a 6-step run at width 4 draws no clean faces")
        XCTAssertEqual(run.standing(at: 5)?.iteration, 4)
    }
}
