import XCTest
@testable import DCGANEngine

/// The previews show what `sample` draws and what the quality score scores: the sampling
/// generator in eval mode, and with truncation the faces it keeps.
final class PreviewSamplerTests: XCTestCase {
    private func trainedTrainer() throws -> DCGANTrainer {
        var config = TrainingConfig.tiny()
        config.generatorAverageDecay = 0.9
        let trainer = try DCGANTrainer(config: config)
        for _ in 0..<2 { _ = try trainer.step() }
        return trainer
    }

    func testPlainPreviewIsTheSamplingGeneratorInEvalMode() throws {
        let trainer = try trainedTrainer()
        let preview = try PreviewSampler(trainer: trainer, count: 4, truncation: nil, random: RandomGenerator(seed: 7))
        var random = RandomGenerator(seed: 7)
        let noise = try trainer.makeNoise(batch: 4, random: &random)
        let faces = try preview.faces(of: trainer)
        XCTAssertEqual(faces, try trainer.samplingGenerator.forward(noise, training: false).toArray(),
                       "the moving average with its running statistics")
        XCTAssertNotEqual(faces, try trainer.generator.forward(noise, training: false).toArray(), "not G itself")
        XCTAssertNotEqual(faces, try trainer.samplingGenerator.preservingStatistics {
            try trainer.samplingGenerator.forward(noise, training: true).toArray()
        }, "not batch statistics")
        XCTAssertEqual(try preview.faces(of: trainer), faces, "looking changes nothing")
    }

    func testTruncatedPreviewKeepsTheLeastSteepOfItsCandidatesInOrder() throws {
        let trainer = try trainedTrainer()
        let preview = try PreviewSampler(trainer: trainer, count: 4, truncation: JacobianTruncation(keep: 0.5),
                                         random: RandomGenerator(seed: 7))
        XCTAssertEqual(preview.noise.dims[0], 8, "count / keep candidates")
        let faces = try preview.faces(of: trainer)
        XCTAssertEqual(faces.count, 4 * 3 * 64 * 64)
        // Every kept face is one of the candidates' eval-mode faces, in the candidates' order.
        let size = 3 * 64 * 64
        let all = try trainer.samplingGenerator.forward(preview.noise, training: false).toArray()
        let indices = (0..<4).map { kept in
            (0..<8).first { all[($0 * size)..<(($0 + 1) * size)] == faces[(kept * size)..<((kept + 1) * size)] }
        }
        XCTAssertEqual(indices.compactMap { $0 }.count, 4, "each kept face is a candidate's")
        XCTAssertEqual(indices.compactMap { $0 }, indices.compactMap { $0 }.sorted())
        XCTAssertEqual(Set(indices.compactMap { $0 }).count, 4)
        XCTAssertEqual(try preview.faces(of: trainer), faces, "the same directions every time")
    }

    func testRedrawChangesTheFaces() throws {
        let trainer = try trainedTrainer()
        var preview = try PreviewSampler(trainer: trainer, count: 4, truncation: JacobianTruncation(keep: 0.5),
                                         random: RandomGenerator(seed: 7))
        let before = try preview.faces(of: trainer)
        preview.redraw()
        XCTAssertNotEqual(try preview.faces(of: trainer), before)
    }
}
