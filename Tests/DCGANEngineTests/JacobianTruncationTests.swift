import XCTest
import Foundation
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

    /// A small generator (L 8, F 4, PyTorch's init from seed 3) and `count` candidate latents of the same stream.
    private func tinyGenerator(candidates count: Int) throws -> (Network, Tensor) {
        let generator = try Network.generator(try DNNLContext(), config: ModelConfig(latentSize: 8, featureMaps: 4))
        var random = RandomGenerator(seed: 3)
        generator.initialize(.pytorch, random: &random)
        let candidates = try generator.makeInput(batch: count)
        random.fillNormal(candidates.buffer)
        return (generator, candidates)
    }

    /// `sample` returns exactly the images of the least steep candidates, in the candidates' order.
    func testSampleKeepsTheImagesOfTheLeastSteepCandidates() throws {
        let (generator, candidates) = try tinyGenerator(candidates: 10)
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

    /// By hand: the squared distance to the k-th nearest other, or to the farthest when there are
    /// fewer others.
    func testSpreadIsTheDistanceToTheKthNearestOther() {
        let images: [Float] = [0, 1, 3, 10] // 1-value images
        XCTAssertEqual(JacobianTruncation.spread(images: images, count: 4, neighbour: 1), [1, 1, 4, 49])
        XCTAssertEqual(JacobianTruncation.spread(images: images, count: 4, neighbour: 2), [9, 4, 9, 81])
        XCTAssertEqual(JacobianTruncation.spread(images: images, count: 4, neighbour: 5), [100, 81, 49, 100])
        XCTAssertEqual(JacobianTruncation.spread(images: [7], count: 1, neighbour: 4), [0], "no others")
    }

    /// By hand: each cluster keeps its quota of its lowest, at most `cap` of its members, and the
    /// rest of the count goes to the lowest of the others.
    func testQuotasKeepEachClustersLowestUpToTheCap() {
        let criterion: [Float] = [5, 1, 2, 3, 4, 10, 20, 30]
        let clusters = [0, 0, 0, 0, 0, 1, 1, 1]
        XCTAssertEqual(JacobianTruncation.steadiest(criterion, count: 4), [1, 2, 3, 4], "without quotas cluster 1 loses all")
        XCTAssertEqual(JacobianTruncation.steadiest(criterion, clusters: clusters, quotas: [2, 2], cap: 1, count: 4), [1, 2, 5, 6])
        // cap 0.5: cluster 1 gives at most 1 of its 3, and the fourth is the lowest left of cluster 0.
        XCTAssertEqual(JacobianTruncation.steadiest(criterion, clusters: clusters, quotas: [2, 2], cap: 0.5, count: 4), [1, 2, 3, 5])
        XCTAssertEqual(JacobianTruncation.steadiest(criterion, clusters: clusters, quotas: [0, 4], cap: 1, count: 4), [1, 5, 6, 7],
                       "a quota larger than the cluster: all of it, then the lowest other")
        XCTAssertEqual(JacobianTruncation.clusterCap(keep: 0.5), 0.75)
        XCTAssertEqual(JacobianTruncation.clusterCap(keep: 1), 1)
    }

    /// `sample` by density keeps the images of the densest candidates; with clusters, shared as
    /// the quotas say; the candidates are drawn once either way (no finite difference).
    func testSampleByDensityAndSharedAmongClusters() throws {
        let (generator, candidates) = try tinyGenerator(candidates: 12)
        let images = try generator.forward(candidates, training: false).toArray()
        let size = 3 * 64 * 64
        func faces(_ indices: [Int]) -> [Float] { indices.flatMap { images[($0 * size)..<(($0 + 1) * size)] } }
        let spread = JacobianTruncation.spread(images: images, count: 12, neighbour: 2)
        let ranked = spread.sorted()
        XCTAssertLessThan(ranked[5], ranked[6], "the 6 densest are not a tie-break")

        var directions = RandomGenerator(seed: 9)
        let dense = try JacobianTruncation(keep: 0.5, density: 2).sample(generator, candidates: candidates, samples: 6, random: &directions)
        XCTAssertEqual(dense, faces(JacobianTruncation.steadiest(spread, count: 6)))

        // Two clusters: centred on candidates 0 and 1, sharing 1/3 and 2/3.
        let data = DataClusters(centres: Array(images[0..<(2 * size)]), size: size, shares: [1.0 / 3, 2.0 / 3])
        let shared = JacobianTruncation(keep: 0.5, density: 2, clusters: 2)
        let kept = try shared.sample(generator, candidates: candidates, samples: 6, data: data, random: &directions)
        let chosen = JacobianTruncation.steadiest(spread, clusters: data.nearest(images), quotas: [2, 4], cap: 0.75, count: 6)
        XCTAssertEqual(kept, faces(chosen))
        XCTAssertNotEqual(chosen, JacobianTruncation.steadiest(spread, count: 6), "the shares change which are kept")
        XCTAssertEqual(data.quotas(for: 6), [2, 4])
        XCTAssertEqual(Set(data.nearest(images)), [0, 1], "both clusters have candidates")
    }

    /// A checkpoint's configuration from before density and clusters reads with neither; with
    /// them it reads back as written; the summary says what is on.
    func testConfigurationWithAndWithoutTheRefinements() throws {
        let old = try JSONDecoder().decode(JacobianTruncation.self, from: Data(#"{"keep":0.5,"local":{"neighbours":16,"power":0.25}}"#.utf8))
        XCTAssertEqual(old, JacobianTruncation(keep: 0.5, local: .init(neighbours: 16, power: 0.25)))
        XCTAssertNil(old.density)
        XCTAssertNil(old.clusters)
        let new = JacobianTruncation(keep: 0.5, density: 4, clusters: 16)
        XCTAssertEqual(try JSONDecoder().decode(JacobianTruncation.self, from: try JSONEncoder().encode(new)), new)
        XCTAssertEqual(new.summary, "keeping 0.50 of the candidates by density (distance to their 4th nearest), shared among 16 clusters of the training images")
        XCTAssertEqual(JacobianTruncation(keep: 0.5, density: 1).summary, "keeping 0.50 of the candidates by density (distance to their 1st nearest)")
        XCTAssertEqual(JacobianTruncation(keep: 0.5, density: 22).summary, "keeping 0.50 of the candidates by density (distance to their 22nd nearest)")
        XCTAssertEqual(JacobianTruncation(keep: 0.5, density: 12).summary, "keeping 0.50 of the candidates by density (distance to their 12th nearest)")
        var both = old
        both.density = 4
        XCTAssertThrowsError(try both.validate(), "density and steepness's neighbours together")
        var none = new
        none.clusters = 0
        XCTAssertThrowsError(try none.validate())
        XCTAssertNoThrow(try new.validate())
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
        XCTAssertFalse(truncated.jsonLine.contains("clusters"))

        // By density, shared among the data's clusters (the trainer's, computed once): the report
        // says so, and its line reads back with it.
        let shared = JacobianTruncation(keep: 0.5, density: 4, clusters: 16)
        let report = try QualityMonitor(trainer: trainer, samples: 16, seed: 1, precision: .f32, scoresLive: false, truncation: shared)
            .measure(trainer, seconds: 0)
        XCTAssertEqual(trainer.dataClusters(count: 16), DataClusters(trainingDataOf: config, clusters: 16))
        XCTAssertEqual(report.keepDensity, 4)
        XCTAssertEqual(report.keepClusters, 16)
        XCTAssertNil(report.keepNeighbours)
        let readBack = try XCTUnwrap(QualityReport(jsonLine: Substring(report.jsonLine), modes: 16))
        XCTAssertEqual(readBack.keepDensity, 4)
        XCTAssertEqual(readBack.keepClusters, 16)
        XCTAssertEqual(readBack.kept?.modesCovered, report.kept?.modesCovered)
    }
}
