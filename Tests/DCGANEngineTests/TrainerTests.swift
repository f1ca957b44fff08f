import XCTest
@testable import DCGANEngine

final class TrainerTests: XCTestCase {
    private func losses(_ config: TrainingConfig, steps: Int) throws -> [StepResult] {
        let trainer = try DCGANTrainer(config: config)
        return try (0..<steps).map { _ in try trainer.step() }
    }

    func testSameSeedGivesTheSameLossesStepForStep() throws {
        let a = try losses(TrainingConfig.tiny(), steps: 5)
        let b = try losses(TrainingConfig.tiny(), steps: 5)
        XCTAssertEqual(a.map(\.dLoss.bitPattern), b.map(\.dLoss.bitPattern))
        XCTAssertEqual(a.map(\.gLoss.bitPattern), b.map(\.gLoss.bitPattern))
        let c = try losses(TrainingConfig.tiny(seed: 6), steps: 5)
        XCTAssertNotEqual(a.map(\.gLoss), c.map(\.gLoss))
    }

    func testEpochsAndPartialBatches() throws {
        let trainer = try DCGANTrainer(config: TrainingConfig.tiny())
        XCTAssertEqual(trainer.config.iterationsPerEpoch, 3)
        XCTAssertEqual(trainer.epoch, 1)
        for _ in 0..<3 {
            let result = try trainer.step()
            XCTAssertTrue(result.dLoss.isFinite && result.gLoss.isFinite)
            XCTAssertTrue((0...1).contains(result.dX) && (0...1).contains(result.dGZ))
        }
        XCTAssertEqual(trainer.epoch, 2)
        XCTAssertEqual(trainer.iteration, 3)
    }

    func testInitialisations() throws {
        let context = try DNNLContext()
        let config = ModelConfig(latentSize: 16, featureMaps: 8)
        let generator = try Network.generator(context, config: config)
        var random = RandomGenerator(seed: 1)
        generator.initialize(.pytorch, random: &random)
        // ConvTranspose2d(16 → 64): PyTorch's fan_in is size(1)·k·k = 64·16, bound 1/32.
        let first = generator.parameters.values(of: 0)
        XCTAssertLessThanOrEqual(first.map { abs($0) }.max()!, 1 / 32)
        XCTAssertGreaterThan(first.map { abs($0) }.max()!, 0.9 / 32)
        let bnWeight = generator.parameters.values(of: generator.parameters.index(of: "net.1.weight")!)
        XCTAssertTrue(bnWeight.allSatisfy { $0 == 1 })

        generator.initialize(.dcgan, random: &random)
        let weights = Array(generator.parameters.values(of: 0))
        let mean = weights.reduce(0, +) / Float(weights.count)
        let std = (weights.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(weights.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 0.002)
        XCTAssertEqual(std, 0.02, accuracy: 0.002)
        let gamma = Array(generator.parameters.values(of: generator.parameters.index(of: "net.1.weight")!))
        XCTAssertEqual(gamma.reduce(0, +) / Float(gamma.count), 1, accuracy: 0.01)
        XCTAssertTrue(generator.parameters.values(of: generator.parameters.index(of: "net.1.bias")!).allSatisfy { $0 == 0 })
    }

    func testInvalidConfigurationsAreRefusedBeforeWork() {
        var config = TrainingConfig()
        config.batchSize = 0
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("--batch-size")) }
        config = TrainingConfig()
        config.learningRateG = -1
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("--lr-g")) }
        config = TrainingConfig()
        config.learningRateD = .nan
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("--lr-d")) }
        XCTAssertNoThrow(try TrainingConfig().validate())
    }
}
