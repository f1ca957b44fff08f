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

    /// The local criterion on PyTorch's images and steepness: an even median (4 neighbours, power 1)
    /// and an odd one (5, power 0.5), and the latents it keeps, which differ from the plain ones.
    func testLocalSteepnessMatchesPyTorch() throws {
        let fixtures = try Fixtures.load("truncation.safetensors")
        let images = try fixtures.floats("images"), steepness = try fixtures.floats("steepness")
        let even = JacobianTruncation.localSteepness(steepness, images: images, neighbours: 4, power: 1)
        assertClose(even, try fixtures.floats("local_k4_p1.0"), rtol: 1e-5, atol: 0, "4 neighbours, power 1")
        let odd = JacobianTruncation.localSteepness(steepness, images: images, neighbours: 5, power: 0.5)
        assertClose(odd, try fixtures.floats("local_k5_p0.5"), rtol: 1e-5, atol: 0, "5 neighbours, power 0.5")
        let kept = try fixtures.int64s("local_kept").map { Int($0) }
        XCTAssertEqual(JacobianTruncation.steadiest(even, count: 6), kept)
        XCTAssertNotEqual(kept, try fixtures.int64s("kept").map { Int($0) }, "the fixture tells the criteria apart")
    }

    /// By hand: two kinds of image, one steeper everywhere. Plain truncation keeps only the flat
    /// kind; judged against its neighbours, each kind keeps its own least steep.
    func testLocalSteepnessKeepsTheLeastSteepOfEachKind() {
        // 1-value "images": kind A near 0 (steepness 1, 2, 3), kind B near 100 (steepness 10, 20, 30).
        let images: [Float] = [0, 1, 2, 100, 101, 102]
        let steepness: [Float] = [1, 2, 3, 10, 20, 30]
        XCTAssertEqual(JacobianTruncation.steadiest(steepness, count: 2), [0, 1])
        let local = JacobianTruncation.localSteepness(steepness, images: images, neighbours: 2, power: 1)
        let expected: [Float] = [1 / 2.5, 2 / 2, 3 / 1.5, 10 / 25, 20 / 20, 30 / 15] // medians 2.5, 2, 1.5, 25, 20, 15
        XCTAssertEqual(local, expected)
        XCTAssertEqual(JacobianTruncation.steadiest(local, count: 2), [0, 3])
        XCTAssertEqual(JacobianTruncation.localSteepness(steepness, images: images, neighbours: 2, power: 0), steepness)
        let againstAllOthers: [Float] = [1 / 10, 2 / 10, 3 / 10, 10 / 3, 20 / 3, 30 / 3] // medians 10, 10, 10, 3, 3, 3
        XCTAssertEqual(JacobianTruncation.localSteepness(steepness, images: images, neighbours: 9, power: 1),
                       againstAllOthers, "more neighbours than there are: all the others")
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

        var localDirections = RandomGenerator(seed: 9)
        let local = JacobianTruncation(keep: 0.5, local: .init(neighbours: 4))
        let keptLocally = try local.sample(generator, candidates: candidates, samples: 5, random: &localDirections)
        let criterion = JacobianTruncation.localSteepness(steepness, images: images, neighbours: 4, power: 1)
        XCTAssertEqual(keptLocally, JacobianTruncation.steadiest(criterion, count: 5).flatMap { images[($0 * size)..<(($0 + 1) * size)] })
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
        XCTAssertNil(plain.kept)
        XCTAssertEqual(plain.sampled, plain.eval)
        XCTAssertEqual(truncated.eval, plain.eval)
        XCTAssertEqual(truncated.train, plain.train)
        let kept = try XCTUnwrap(truncated.kept)
        XCTAssertEqual(truncated.keep, 0.5)
        XCTAssertEqual(truncated.sampled, kept)
        XCTAssertTrue(truncated.jsonLine.contains("\"kept\":{\"precision\":"), truncated.jsonLine)
        XCTAssertTrue(truncated.jsonLine.contains("\"keep\":0.500"), truncated.jsonLine)
        XCTAssertFalse(plain.jsonLine.contains("kept"))
    }
}
