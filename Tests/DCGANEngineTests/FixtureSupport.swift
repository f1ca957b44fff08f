import Foundation
import XCTest
@testable import DCGANEngine

/// Reference tensors written by Tests/Reference/make_reference.py (PyTorch) and committed.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load(_ name: String) throws -> SafeTensors {
        try SafeTensors(contentsOf: directory.appendingPathComponent(name).path)
    }

    /// A fixture file and the small generator (latent 8, width 8) it holds under `prefix`, in a new context.
    static func generator(_ name: String, prefix: String) throws -> (DNNLContext, SafeTensors, Network) {
        let context = try DNNLContext()
        let fixtures = try load(name)
        let generator = try Network.generator(context, config: ModelConfig(latentSize: 8, featureMaps: 8))
        try generator.load(from: fixtures, prefix: prefix)
        return (context, fixtures, generator)
    }
}

extension TrainingConfig {
    /// A run small enough for unit tests: latent 8, width 4, batch 8, 20 images (3 steps per epoch,
    /// the last one partial).
    static func tiny(seed: UInt64 = 5) -> TrainingConfig {
        var config = TrainingConfig()
        config.model = ModelConfig(latentSize: 8, featureMaps: 4)
        config.batchSize = 8
        config.datasetSize = 20
        config.seed = seed
        return config
    }
}

extension DCGANTrainer {
    /// A run of `config` trained `steps` steps and checkpointed to `path`, and the file read back
    /// (for resume tests: compare what the file resumes to with an uninterrupted run).
    static func checkpointed(_ config: TrainingConfig, after steps: Int, to path: String) throws -> (DCGANTrainer, CheckpointFile) {
        let trainer = try DCGANTrainer(config: config)
        for _ in 0..<steps { _ = try trainer.step() }
        try Checkpoint.save(trainer, to: path)
        return (trainer, try CheckpointFile(path: path))
    }

    /// `scheduled` trained `steps` steps straight, and `original` checkpointed after `switchAt`
    /// steps and resumed with `changes` for the rest: for schedules that are meant to be exactly
    /// what such a resume does.
    static func scheduledAndResumed(_ scheduled: TrainingConfig, _ original: TrainingConfig, switchAt: Int, steps: Int,
                                    changes: ResumeChanges) throws -> (straight: DCGANTrainer, resumed: DCGANTrainer) {
        let straight = try DCGANTrainer(config: scheduled)
        for _ in 0..<steps { _ = try straight.step() }
        let path = NSTemporaryDirectory() + "scheduled-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (_, file) = try checkpointed(original, after: switchAt, to: path)
        let resumed = try DCGANTrainer(resuming: file, changes: changes)
        for _ in switchAt..<steps { _ = try resumed.step() }
        return (straight, resumed)
    }
}

extension SafeTensorsWriter {
    /// Copies the tensors of `file` whose names `keep` accepts (to make altered checkpoints).
    mutating func add(from file: SafeTensors, where keep: (String) -> Bool) throws {
        for name in file.names where keep(name) {
            let entry = try file.entry(name)
            if entry.dtype == .f32 { add(name, shape: entry.shape, floats: try file.floats(name)) }
            else { add(name, shape: entry.shape, int64s: try file.int64s(name)) }
        }
    }
}

/// Fails with the worst element (index, actual, expected) when any |a − e| > atol + rtol·|e|.
func assertClose(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-4, atol: Float = 1e-5,
                 _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
        return
    }
    var worst: (index: Int, excess: Float)? = nil
    for i in actual.indices {
        let allowed = atol + rtol * abs(expected[i])
        let error = abs(actual[i] - expected[i])
        if !(error <= allowed) {
            let excess = error.isNaN ? .infinity : error / allowed
            if worst == nil || excess > worst!.excess { worst = (i, excess) }
        }
    }
    if let worst {
        XCTFail("\(what): worst element [\(worst.index)] = \(actual[worst.index]), expected \(expected[worst.index]) "
                + "(rtol \(rtol), atol \(atol), \(String(format: "%.1f", worst.excess))× the tolerance)", file: file, line: line)
    }
}

func rootMeanSquare(_ values: [Float]) -> Float {
    (values.reduce(0) { $0 + $1 * $1 } / Float(max(values.count, 1))).squareRoot()
}

/// Parameters after Adam's first step against PyTorch's. That step moves an element by
/// lr·g/(|g| + ε); where its gradient is at float32 rounding level for the tensor (|g| under 1e-4
/// of the gradient's RMS: float32 sums of this size are exact to ~1e-6 of it) the direction is the
/// rounding's, and any value within lr of the start agrees with float32 arithmetic (seen: a
/// gradient of 1e-7 among a median of 0.03 gave updates 0.1 lr apart on an AVX2 and an AVX-512
/// CPU). Those elements, asserted to be under 1% of the tensor, are held to 2·lr; the rest to
/// rtol/atol.
func assertFirstAdamStepClose(_ actual: [Float], _ expected: [Float], gradient: [Float], learningRate: Float,
                              rtol: Float, atol: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    let rms = rootMeanSquare(gradient)
    let rounding = gradient.indices.filter { abs(gradient[$0]) < 1e-4 * rms }
    XCTAssertLessThan(rounding.count, max(1, gradient.count / 100), "\(what): elements with rounding-level gradients",
                      file: file, line: line)
    let isRounding = Set(rounding)
    let steady = actual.indices.filter { !isRounding.contains($0) }
    assertClose(steady.map { actual[$0] }, steady.map { expected[$0] }, rtol: rtol, atol: atol,
                "\(what) (the \(steady.count) elements with a gradient)", file: file, line: line)
    for i in rounding {
        XCTAssertLessThanOrEqual(abs(actual[i] - expected[i]), 2 * learningRate + atol,
                                 "\(what) [\(i)], gradient \(gradient[i]) at rounding level", file: file, line: line)
    }
}

extension Tensor {
    /// A plain tensor holding `values`.
    static func filled(_ context: DNNLContext, dims: [Int], _ values: [Float]) throws -> Tensor {
        let tensor = try Tensor(context, dims: dims)
        tensor.copy(from: values)
        return tensor
    }
}

/// Relative L2 error ‖a − e‖ / ‖e‖, for tensors whose elements are individually ill-conditioned.
func relativeError(_ actual: [Float], _ expected: [Float]) -> Double {
    precondition(actual.count == expected.count)
    var difference = 0.0, norm = 0.0
    for (a, e) in zip(actual, expected) {
        difference += Double(a - e) * Double(a - e)
        norm += Double(e) * Double(e)
    }
    return (difference / max(norm, .leastNormalMagnitude)).squareRoot()
}
