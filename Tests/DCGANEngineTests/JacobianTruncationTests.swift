import XCTest
import TrainerProtocol
@testable import DCGANEngine

/// Jacobian truncation: the steepness against PyTorch (truncation.safetensors), which latents it
/// keeps, and the quality measurement that scores what it keeps.
final class JacobianTruncationTests: XCTestCase {
    func testSteepnessAndKeptLatentsMatchPyTorch() throws {
        let (context, fixtures, generator) = try Fixtures.generator("truncation.safetensors", prefix: "generator.")
        let z = try Tensor.filled(context, dims: [12, 8, 1, 1], try fixtures.floats("z"))
        let (images, steepness) = try JacobianTruncation.steepness(of: generator, at: z, directions: try fixtures.floats("u"),
                                                                   training: false)
        assertClose(images, try fixtures.floats("images"), "eval-mode images")
        // A difference of two passes 0.05 apart in z: float32 rounding of the images shows at 1e-3.
        assertClose(steepness, try fixtures.floats("steepness"), rtol: 2e-3, atol: 0, "steepness")
        XCTAssertEqual(JacobianTruncation.steadiest(steepness, count: 6), try fixtures.int64s("kept").map { Int($0) })
    }

    func testCandidatesAndTheLeastSteepInTheirOrder() {
        XCTAssertEqual(JacobianTruncation(keep: 0.7).candidates(for: 256), 366)
        XCTAssertEqual(JacobianTruncation(keep: 0.5).candidates(for: 64), 128)
        XCTAssertEqual(JacobianTruncation(keep: 1).candidates(for: 64), 64)
        XCTAssertEqual(JacobianTruncation.steadiest([2, 1, 1, 0], count: 2), [1, 3], "ties go to the earlier")
        XCTAssertEqual(JacobianTruncation.steadiest([5, 4, 3, 2, 1], count: 3), [2, 3, 4])
    }

    /// `sample` returns exactly the images of the least steep candidates, in the candidates' order.
    func testSampleKeepsTheImagesOfTheLeastSteepCandidates() throws {
        let context = try DNNLContext()
        let generator = try Network.generator(context, config: ModelConfig(latentSize: 8, featureMaps: 4))
        var random = RandomGenerator(seed: 3)
        generator.initialize(.pytorch, random: &random)
        let candidates = try generator.makeInput(batch: 10)
        random.fillNormal(candidates.buffer)
        var directions = RandomGenerator(seed: 9), again = directions
        let kept = try JacobianTruncation(keep: 0.5).sample(generator, candidates: candidates, samples: 5, random: &directions)
        let (images, steepness) = try JacobianTruncation.steepness(of: generator, at: candidates, training: false, random: &again)
        let size = 3 * 64 * 64
        let expected = JacobianTruncation.steadiest(steepness, count: 5).flatMap { images[($0 * size)..<(($0 + 1) * size)] }
        XCTAssertEqual(kept, expected)
        XCTAssertEqual(Set(steepness).count, 10, "distinct steepness: the choice is not a tie-break")
    }

    /// With truncation a measurement adds the kept faces' score, which is then the sampled one;
    /// the plain scores are those of a measurement without it.
    func testQualityMeasurementScoresTheKeptFaces() throws {
        var config = TrainingConfig.tiny()
        config.generatorAverageDecay = 0.9
        let trainer = try DCGANTrainer(config: config)
        for _ in 0..<2 { _ = try trainer.step() }
        let plain = try QualityMonitor(trainer: trainer, samples: 16, seed: 1, precision: .f32, scoresLive: false)
            .measure(trainer, seconds: 0)
        let truncated = try QualityMonitor(trainer: trainer, samples: 16, seed: 1, precision: .f32, scoresLive: false,
                                           truncation: JacobianTruncation(keep: 0.5)).measure(trainer, seconds: 0)
        XCTAssertNil(plain.report.kept)
        XCTAssertEqual(plain.report.sampled, plain.report.eval)
        XCTAssertEqual(truncated.report.eval, plain.report.eval)
        XCTAssertEqual(truncated.report.train, plain.report.train)
        let kept = try XCTUnwrap(truncated.report.kept)
        XCTAssertEqual(truncated.report.keep, 0.5)
        XCTAssertEqual(truncated.report.sampled, kept)
        XCTAssertEqual(truncated.sampled.meanRMSE, kept.meanRMSE)
        XCTAssertTrue(truncated.report.jsonLine.contains("\"kept\":{\"precision\":"), truncated.report.jsonLine)
        XCTAssertTrue(truncated.report.jsonLine.contains("\"keep\":0.500"), truncated.report.jsonLine)
        XCTAssertFalse(plain.report.jsonLine.contains("kept"))
    }
}
