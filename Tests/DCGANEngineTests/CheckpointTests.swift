import Foundation
import TrainerProtocol
import XCTest
@testable import DCGANEngine

final class CheckpointTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "dcgan-checkpoint-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// 2×N steps straight equal N steps + save + resume + N steps, bit for bit, across epoch
    /// boundaries; also with lazy R1 resumed between its steps (their d_loss carries its last value).
    func testResumeContinuesExactly() throws {
        let steps = 4
        var lazyR1 = TrainingConfig.tiny(seed: 13)
        lazyR1.gradientPenalty = 1
        lazyR1.gradientPenaltyInterval = 3
        for config in [TrainingConfig.tiny(seed: 13), lazyR1] {
            let straight = try DCGANTrainer(config: config)
            let expected = try (0..<(2 * steps)).map { _ in try straight.step() }

            let first = try DCGANTrainer(config: config)
            for _ in 0..<steps { _ = try first.step() }
            let path = "\(directory!)/mid.safetensors"
            try Checkpoint.save(first, to: path)
            let resumed = try DCGANTrainer(resuming: try CheckpointFile(path: path))
            XCTAssertEqual(resumed.iteration, steps)
            // The training time so far travels too, so that time to quality counts from step 0.
            XCTAssertGreaterThan(first.trainingSeconds, 0)
            XCTAssertEqual(resumed.trainingSeconds, first.trainingSeconds)
            let continued = try (0..<steps).map { _ in try resumed.step() }
            XCTAssertGreaterThan(resumed.trainingSeconds, first.trainingSeconds)

            let label = Recipe.describe(config)
            XCTAssertEqual(continued.map(\.dLoss.bitPattern), expected.suffix(steps).map(\.dLoss.bitPattern), label)
            XCTAssertEqual(continued.map(\.gLoss.bitPattern), expected.suffix(steps).map(\.gLoss.bitPattern), label)
            XCTAssertEqual(Array(resumed.generator.parameters.values), Array(straight.generator.parameters.values), label)
            XCTAssertEqual(Array(resumed.optimizerD.exponentialAverageSquared), Array(straight.optimizerD.exponentialAverageSquared), label)
        }
    }

    /// The quality record (best and first clean measurement) travels with the checkpoint, so that a
    /// resumed run goes on from it; files without one leave it empty.
    func testTheQualityRecordTravelsWithTheCheckpoint() throws {
        let trainer = try DCGANTrainer(config: TrainingConfig.tiny(seed: 13))
        _ = try trainer.step()
        let path = "\(directory!)/recorded.safetensors"
        try Checkpoint.save(trainer, to: path)
        XCTAssertNil(try CheckpointFile(path: path).qualityRecord)
        XCTAssertNil(try DCGANTrainer(resuming: CheckpointFile(path: path)).qualityRecord)

        let clean = QualityMetrics(precision: 0.9375, modesCovered: 16, modes: 16, totalVariation: 0.125, meanRMSE: 0.03)
        let blurred = QualityMetrics(precision: 0.5, modesCovered: 12, modes: 16, totalVariation: 0.25, meanRMSE: 0.06)
        let record = QualityRecord(basis: "256 samples, f32, trained G", best: QualityMark(iteration: 1, seconds: 0.25, score: clean),
                                   firstClean: QualityMark(iteration: 1, seconds: 0.25, score: clean))
        trainer.qualityRecord = record
        try Checkpoint.save(trainer, to: path)
        XCTAssertEqual(try CheckpointFile(path: path).qualityRecord, record)
        XCTAssertEqual(try DCGANTrainer(resuming: CheckpointFile(path: path)).qualityRecord, record)
        trainer.qualityRecord = QualityRecord(basis: "8 samples, bf16, moving average", best: QualityMark(iteration: 1, seconds: 1, score: blurred))
        try Checkpoint.save(trainer, to: path)
        XCTAssertEqual(try CheckpointFile(path: path).qualityRecord?.firstClean, nil)
        XCTAssertEqual(try CheckpointFile(path: path).qualityRecord?.best?.score, blurred)
        // A broken G's NaN mean RMSE does not fail the save, and reads back as NaN.
        trainer.qualityRecord?.best?.score.meanRMSE = .nan
        try Checkpoint.save(trainer, to: path)
        XCTAssertEqual(try CheckpointFile(path: path).qualityRecord?.best?.score.meanRMSE.isNaN, true)
    }

    /// R1 changed on resume takes effect from the next penalised step of the run's own count:
    /// lazy R1 (γ 1, every 4 steps, penalised at steps 0 and 4) resumed after step 1 with γ 2 or
    /// none trains steps 1–3 as the uninterrupted run does (only d_loss's reported R1 differs: at
    /// γ 2 twice the last value, without R1 none), and step 4 differently; R1 added to a run
    /// without it penalises at once.
    func testResumeWithAnotherPenaltyChangesTheStepsLeft() throws {
        var lazy = TrainingConfig.tiny(seed: 13)
        lazy.gradientPenalty = 1
        lazy.gradientPenaltyInterval = 4
        let straight = try DCGANTrainer(config: lazy)
        let expected = try (0..<5).map { _ in try straight.step() }
        let (first, file) = try DCGANTrainer.checkpointed(lazy, after: 1, to: "\(directory!)/lazy.safetensors")
        let penalty = try XCTUnwrap(first.gradientPenalty?.lastValue)
        XCTAssertGreaterThan(penalty, 0)
        for (weight, reported) in [(Float(2), 2 * penalty), (nil, 0)] {
            let resumed = try DCGANTrainer(resuming: file, changes: ResumeChanges(gradientPenalty: .some(weight)))
            XCTAssertEqual(resumed.config.gradientPenaltyInterval, weight == nil ? nil : 4)
            let continued = try (1..<5).map { _ in try resumed.step() }
            let label = "γ \(weight.map { "\($0)" } ?? "none")"
            XCTAssertEqual(continued.prefix(3).map(\.gLoss.bitPattern), expected[1..<4].map(\.gLoss.bitPattern), label)
            for (step, original) in zip(continued.prefix(3), expected[1..<4]) {
                XCTAssertEqual(step.dLoss, original.dLoss - penalty + reported, accuracy: 1e-5, label)
            }
            XCTAssertNotEqual(continued[3].gLoss.bitPattern, expected[4].gLoss.bitPattern, "\(label): step 4 is penalised differently")
        }

        let plain = TrainingConfig.tiny(seed: 13)
        let (_, plainFile) = try DCGANTrainer.checkpointed(plain, after: 2, to: "\(directory!)/plain.safetensors")
        let unchanged = try DCGANTrainer(resuming: plainFile)
        let penalised = try DCGANTrainer(resuming: plainFile, changes: ResumeChanges(gradientPenalty: .some(1)))
        let (a, b) = (try unchanged.step(), try penalised.step())
        XCTAssertNotEqual(a.dLoss.bitPattern, b.dLoss.bitPattern)
        XCTAssertGreaterThan(penalised.gradientPenalty?.lastValue ?? 0, 0)
        XCTAssertThrowsError(try DCGANTrainer(resuming: plainFile, changes: ResumeChanges(gradientPenaltyInterval: .some(4)))) {
            XCTAssertTrue("\($0)".contains("--r1"), "\($0)")
        }
    }

    /// The moving average samples and never trains, so a resumed run may change it: a new decay
    /// continues the checkpoint's average (bias correction counting the run's steps), an added one
    /// starts from G at the checkpoint's step, and G's own steps stay bit for bit the same.
    func testResumeMayChangeTheMovingAverage() throws {
        var averaged = TrainingConfig.tiny(seed: 13)
        averaged.generatorAverageDecay = 0.9
        let (_, file) = try DCGANTrainer.checkpointed(averaged, after: 2, to: "\(directory!)/averaged.safetensors")
        let unchanged = try DCGANTrainer(resuming: file)
        let faster = try DCGANTrainer(resuming: file, changes: ResumeChanges(generatorAverageDecay: .some(0.5),
                                                                            averageStatistics: .some(.recomputed)))
        let average = try XCTUnwrap(faster.generatorAverage)
        XCTAssertEqual(average.decay, 0.5)
        XCTAssertEqual(average.statistics, .recomputed)
        let before = Array(average.network.parameters.values)
        XCTAssertEqual(before, Array(try XCTUnwrap(unchanged.generatorAverage).network.parameters.values), "the checkpoint's average")
        _ = try unchanged.step()
        _ = try faster.step()
        let trained = Array(faster.generator.parameters.values)
        XCTAssertEqual(trained, Array(unchanged.generator.parameters.values), "G trains as before")
        let rate = Float(0.5) / (1 - powf(0.5, 3)) // the third update at decay 0.5
        for (index, (old, new)) in zip(before, average.network.parameters.values).enumerated() {
            XCTAssertEqual(new, old + rate * (trained[index] - old), accuracy: 1e-6)
        }
        XCTAssertNotEqual(Array(average.network.parameters.values), Array(unchanged.generatorAverage!.network.parameters.values))

        let withoutAverage = try DCGANTrainer(resuming: file, changes: ResumeChanges(generatorAverageDecay: .some(nil)))
        XCTAssertNil(withoutAverage.generatorAverage)
        XCTAssertNil(withoutAverage.config.averageStatistics)

        let (plainRun, plainFile) = try DCGANTrainer.checkpointed(.tiny(seed: 13), after: 2, to: "\(directory!)/plain.safetensors")
        let added = try DCGANTrainer(resuming: plainFile, changes: ResumeChanges(generatorAverageDecay: .some(0.9)))
        let addedAverage = try XCTUnwrap(added.generatorAverage)
        XCTAssertEqual(Array(addedAverage.network.parameters.values), Array(plainRun.generator.parameters.values), "starts as G")
        _ = try added.step()
        XCTAssertEqual(Array(addedAverage.network.parameters.values), Array(added.generator.parameters.values), "its first update copies G")
        _ = try added.step()
        XCTAssertNotEqual(Array(addedAverage.network.parameters.values), Array(added.generator.parameters.values))
    }

    /// New rates on resume replace the checkpoint's (a rate set live in the trainer included) from
    /// the next step; everything else continues as it was.
    func testResumeMayChangeTheLearningRates() throws {
        let (run, file) = try DCGANTrainer.checkpointed(.tiny(seed: 13), after: 2, to: "\(directory!)/rates.safetensors")
        let unchanged = try DCGANTrainer(resuming: file)
        let slowerD = try DCGANTrainer(resuming: file, changes: ResumeChanges(learningRateD: 5e-5))
        XCTAssertEqual(slowerD.optimizerD.learningRate, 5e-5)
        XCTAssertEqual(slowerD.config.learningRateD, 5e-5)
        XCTAssertEqual(slowerD.optimizerG.learningRate, run.optimizerG.learningRate)
        XCTAssertEqual(Array(slowerD.optimizerD.exponentialAverage), Array(unchanged.optimizerD.exponentialAverage))
        let (a, b) = (try unchanged.step(), try slowerD.step())
        XCTAssertEqual(a.dLoss.bitPattern, b.dLoss.bitPattern, "the step's loss is computed before D moves")
        XCTAssertNotEqual(Array(unchanged.discriminator.parameters.values), Array(slowerD.discriminator.parameters.values))
    }

    func testEveryTensorRoundTrips() throws {
        let trainer = try DCGANTrainer(config: TrainingConfig.tiny(seed: 13))
        _ = try trainer.step()
        trainer.optimizerG.learningRate = 3e-4
        let path = "\(directory!)/a.safetensors"
        try Checkpoint.save(trainer, to: path)
        let file = try CheckpointFile(path: path)
        XCTAssertEqual(file.model, TrainingConfig.tiny(seed: 13).model)
        XCTAssertEqual(file.config, TrainingConfig.tiny(seed: 13))
        XCTAssertEqual(file.iteration, 1)
        XCTAssertEqual(file.learningRates?.generator, 3e-4)
        let copy = try DCGANTrainer(resuming: file)
        XCTAssertEqual(copy.optimizerG.learningRate, 3e-4)
        XCTAssertEqual(copy.optimizerG.step, 1)
        for (a, b) in [(trainer.generator, copy.generator), (trainer.discriminator, copy.discriminator)] {
            XCTAssertEqual(Array(a.parameters.values), Array(b.parameters.values))
            for (index, _) in a.bufferNames {
                XCTAssertEqual(a.runningStatistics(module: index)!.mean.toArray(), b.runningStatistics(module: index)!.mean.toArray())
                XCTAssertEqual(a.runningStatistics(module: index)!.variance.toArray(), b.runningStatistics(module: index)!.variance.toArray())
                XCTAssertEqual(a.runningStatistics(module: index)!.batchesTracked, b.runningStatistics(module: index)!.batchesTracked)
            }
        }
        XCTAssertEqual(Array(trainer.optimizerD.exponentialAverage), Array(copy.optimizerD.exponentialAverage))
        XCTAssertEqual(trainer.loader.order, copy.loader.order)
        XCTAssertEqual(trainer.loader.position, copy.loader.position)
        XCTAssertEqual(trainer.noiseRandom, copy.noiseRandom)
    }

    /// How a run samples is part of its configuration: a checkpoint keeps it, a resumed run may
    /// change it (training never reads it), and configurations written before it existed sample plainly.
    func testTheSamplersTruncationTravelsWithTheCheckpoint() throws {
        var config = TrainingConfig.tiny(seed: 13)
        config.samplingTruncation = JacobianTruncation(keep: 0.5, density: 4, clusters: 16)
        let trainer = try DCGANTrainer(config: config)
        _ = try trainer.step()
        let path = "\(directory!)/sampler.safetensors"
        try Checkpoint.save(trainer, to: path)
        let file = try CheckpointFile(path: path)
        XCTAssertEqual(file.config?.samplingTruncation, config.samplingTruncation)
        let plain = try DCGANTrainer(resuming: file, changes: ResumeChanges(samplingTruncation: .some(nil)))
        XCTAssertNil(plain.config.samplingTruncation)
        XCTAssertEqual(try DCGANTrainer(resuming: file).config.samplingTruncation, config.samplingTruncation)

        let json = try JSONEncoder().encode(TrainingConfig.tiny(seed: 13))
        var older = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: Any])
        XCTAssertNil(older["samplingTruncation"], "an unset truncation is not written")
        older["learningRateG"] = 0.0004
        XCTAssertNil(try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: older)).samplingTruncation)

        for (truncation, message) in [(#"{"keep":1.5}"#, "--jacobian-truncation must be in (0, 1], got 1.5"),
                                      (#"{"keep":0.5,"local":{"neighbours":0,"power":1}}"#, "--jacobian-truncation-neighbours must be positive, got 0"),
                                      (#"{"keep":0.5,"density":0}"#, "--jacobian-truncation-density must be positive, got 0"),
                                      (#"{"keep":0.5,"density":4,"local":{"neighbours":16,"power":1}}"#,
                                       "--jacobian-truncation-neighbours judges steepness, and --jacobian-truncation-density ranks by density"),
                                      (#"{"keep":0.5,"clusters":-2}"#, "--jacobian-truncation-clusters must be positive, got -2")] {
            var damaged = older
            damaged["samplingTruncation"] = try JSONSerialization.jsonObject(with: Data(truncation.utf8))
            let decoded = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: damaged))
            XCTAssertThrowsError(try decoded.validate()) { XCTAssertEqual(($0 as? ConfigError)?.description, message) }
        }
    }

    /// Each kind of bad file: a one-line error naming the file, and nothing loaded.
    func testBadFilesAreRefusedWithOneLineErrors() throws {
        let trainer = try DCGANTrainer(config: TrainingConfig.tiny(seed: 13))
        let good = try Checkpoint.serialize(trainer)
        var otherWidth = TrainingConfig.tiny(seed: 13)
        otherWidth.model.featureMaps = 6
        let wider = try Checkpoint.serialize(try DCGANTrainer(config: otherWidth))

        func withTensor(_ name: String, dtype: String? = nil, drop: Bool = false) throws -> Data {
            let file = try SafeTensors(bytes: good)
            var writer = SafeTensorsWriter()
            writer.metadata = file.metadata
            for tensor in file.names where !(drop && tensor == name) {
                let entry = try file.entry(tensor)
                if tensor == name, dtype == "I64" {
                    writer.add(tensor, shape: entry.shape, int64s: Array(repeating: 0, count: entry.shape.reduce(1, *)))
                } else if entry.dtype == .f32 {
                    writer.add(tensor, shape: entry.shape, floats: try file.floats(tensor))
                } else {
                    writer.add(tensor, shape: entry.shape, int64s: try file.int64s(tensor))
                }
            }
            return try writer.serialized()
        }
        // The generator of one width with the discriminator of another.
        var mixed = SafeTensorsWriter()
        try mixed.add(from: try SafeTensors(bytes: good)) { $0.hasPrefix("generator.") }
        try mixed.add(from: try SafeTensors(bytes: wider)) { $0.hasPrefix("discriminator.") }
        let mixedArchitecture = try mixed.serialized()

        func withMetadata(_ key: String, _ value: String) throws -> Data {
            let file = try SafeTensors(bytes: good)
            var writer = SafeTensorsWriter()
            try writer.add(from: file) { _ in true }
            writer.metadata = file.metadata
            writer.metadata[key] = value
            return try writer.serialized()
        }
        let cases: [(String, Data, String)] = [
            ("truncated", good.prefix(good.count / 2), "beyond the data"),
            ("wrong magic", Data("PK\u{3}\u{4} this is a zip file, not safetensors".utf8), "exceeds the file"),
            ("header beyond file", good.prefix(40), "exceeds the file"),
            ("wrong dtype", try withTensor("generator.net.0.weight", dtype: "I64"), "generator.net.0.weight"),
            ("missing tensor", try withTensor("discriminator.net.5.weight", drop: true), "missing tensor discriminator.net.5.weight"),
            ("mixed widths", mixedArchitecture, "discriminator.net.0.weight"),
            ("training seconds not a number", try withMetadata("training_seconds", "soon"), "training_seconds is \"soon\""),
            ("negative training seconds", try withMetadata("training_seconds", "-3"), "not a number of seconds"),
            ("quality record not JSON", try withMetadata("quality_record", "best at 1300"), "quality_record is not a valid quality record"),
            ("quality record without basis", try withMetadata("quality_record", "{\"best\":null}"), "quality_record is not a valid"),
        ]
        for (label, bytes, expected) in cases {
            let path = "\(directory!)/\(label).safetensors"
            try bytes.write(to: URL(fileURLWithPath: path))
            let target = try DCGANTrainer(config: TrainingConfig.tiny(seed: 13))
            let before = Array(target.generator.parameters.values)
            XCTAssertThrowsError(try { () throws in
                let file = try CheckpointFile(path: path)
                try file.loadModels(generator: target.generator, discriminator: target.discriminator)
            }(), label) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix(path), "\(label): \(message)")
                XCTAssertTrue(message.contains(expected), "\(label): expected '\(expected)' in '\(message)'")
                XCTAssertFalse(message.contains("\n"), label)
            }
            XCTAssertEqual(Array(target.generator.parameters.values), before, "\(label) changed the model")
        }
        // A file for another width loads into nothing of this width, and says which tensor.
        let widerPath = "\(directory!)/wider.safetensors"
        try wider.write(to: URL(fileURLWithPath: widerPath))
        XCTAssertEqual(try CheckpointFile(path: widerPath).model.featureMaps, 6)
        XCTAssertThrowsError(try CheckpointFile(path: widerPath).loadModels(generator: trainer.generator, discriminator: trainer.discriminator)) {
            XCTAssertTrue("\($0)".contains("this model expects"), "\($0)")
        }
        // Model weights only (a PyTorch state dict) can be sampled but not resumed.
        let weightsOnly = "\(directory!)/weights.safetensors"
        var writer = SafeTensorsWriter()
        trainer.generator.write(to: &writer, prefix: "generator.")
        trainer.discriminator.write(to: &writer, prefix: "discriminator.")
        try writer.serialized().write(to: URL(fileURLWithPath: weightsOnly))
        let file = try CheckpointFile(path: weightsOnly)
        XCTAssertFalse(file.hasTrainingState)
        XCTAssertThrowsError(try DCGANTrainer(resuming: file)) { XCTAssertTrue("\($0)".contains("not resumed")) }
    }

    func testAtomicWriteKeepsTheOldFileWhenTheTargetCannotBeReplaced() throws {
        let path = "\(directory!)/keep.safetensors"
        try AtomicFile.write(Data("old".utf8), to: path)
        // A directory in the way of the rename: the write fails and leaves no temporary file.
        let blocked = "\(directory!)/blocked"
        try FileManager.default.createDirectory(atPath: blocked + "/inside", withIntermediateDirectories: true)
        XCTAssertThrowsError(try AtomicFile.write(Data("new".utf8), to: blocked))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data("old".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory!).filter { $0.contains(".tmp-") }, [])
        try AtomicFile.write(Data("new".utf8), to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data("new".utf8))
    }

    func testPNGGridRoundTrip() throws {
        let red = RGBImage(width: 4, height: 3, bytes: Array(repeating: [255, 0, 0], count: 12).flatMap { $0 })
        let blue = RGBImage(width: 4, height: 3, bytes: Array(repeating: [0, 0, 255], count: 12).flatMap { $0 })
        let grid = RGBImage.grid([red, blue, red], columns: 2)
        XCTAssertEqual(grid.width, 2 * (4 + 2) + 2)
        XCTAssertEqual(grid.height, 2 * (3 + 2) + 2)
        let path = "\(directory!)/grid.png"
        try grid.writePNG(to: path)
        let read = try RGBImage.readPNG(path)
        XCTAssertEqual(read, grid)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(read.bytes[((y * read.width + x) * 3)..<((y * read.width + x) * 3 + 3)]) }
        XCTAssertEqual(pixel(0, 0), [0, 0, 0], "padding")
        XCTAssertEqual(pixel(2, 2), [255, 0, 0], "first image at (2, 2)")
        XCTAssertEqual(pixel(8, 2), [0, 0, 255], "second image at (2 + 4 + 2, 2)")
        XCTAssertEqual(pixel(8, 7), [0, 0, 0], "no third column; second row's second cell is empty")
        XCTAssertThrowsError(try RGBImage.readPNG("\(directory!)/missing.png"))
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: "\(directory!)/bad.png"))
        XCTAssertThrowsError(try RGBImage.readPNG("\(directory!)/bad.png"))
    }
}
