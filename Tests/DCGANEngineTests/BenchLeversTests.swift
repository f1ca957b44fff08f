import CDNNL
import XCTest
@testable import DCGANEngine

/// The performance levers (`GraphOptions`, the swapped weight-gradient convolution) change how
/// the numbers are computed, never what they are: each is checked against its alternative.
final class BenchLeversTests: XCTestCase {
    var context: DNNLContext!
    var random = RandomGenerator(seed: 7)

    override func setUpWithError() throws { context = try DNNLContext() }

    private func randomTensor(_ dims: [Int], tag: dnnl_format_tag_t? = nil, scale: Float = 1) throws -> Tensor {
        let tensor = try Tensor(context, dims: dims, tag: tag)
        random.fillNormal(tensor.buffer, std: scale)
        return tensor
    }

    /// dL/dW as a swapped forward convolution against oneDNN's backward-weights kernel: both
    /// accumulate in float32 (bf16 products are exact in float32), in different orders.
    private func checkTransposedWeightGradient(kind: Convolution2d.Kind, input: [Int], outChannels: Int,
                                               stride: Int, padding: Int, dataType: dnnl_data_type_t) throws {
        let inChannels = input[1]
        let view = [outChannels, inChannels, 4, 4]
        let tag = kind == .convolution ? dnnl_oihw : dnnl_iohw
        let weight = try randomTensor(view, tag: tag, scale: 0.1)
        var gradients: [[Float]] = []
        var dxs: [[Float]] = []
        let x = try randomTensor(input)
        var dy: Tensor?
        for transposed in [false, true] {
            let weightGradient = try Tensor(context, dims: view, tag: tag)
            var options = Convolution2d.Options()
            options.dataType = dataType
            options.transposedWeightGradient = transposed
            let layer = try Convolution2d(context, kind: kind, inputShape: input, outChannels: outChannels, kernel: 4,
                                          stride: stride, padding: padding, weight: weight, weightGradient: weightGradient,
                                          options: options)
            XCTAssertEqual(layer.summary.implementations.contains("as forward"), transposed, "\(layer.summary)")
            if dy == nil { dy = try randomTensor(layer.outputShape) }
            _ = layer.forward(x)
            dxs.append(try XCTUnwrap(layer.backward(dy!, inputGradient: true, weightGradients: true)).toArray())
            gradients.append(weightGradient.toArray())
        }
        let what = "\(kind) \(input)→\(outChannels) \(dataType == dnnl_bf16 ? "bf16" : "f32")"
        XCTAssertLessThan(relativeError(gradients[1], gradients[0]), 1e-5, "\(what): dW swapped vs backward-weights")
        XCTAssertEqual(dxs[0], dxs[1], "\(what): dx unchanged")
    }

    func testWeightGradientAsSwappedForwardConvolution() throws {
        // bf16 where oneDNN has its kernels (not on an AVX2 CPU).
        for dataType in Precision.bf16IsAvailable ? [dnnl_f32, dnnl_bf16] : [dnnl_f32] {
            try checkTransposedWeightGradient(kind: .convolution, input: [4, 32, 8, 8], outChannels: 48, stride: 2,
                                              padding: 1, dataType: dataType)
            try checkTransposedWeightGradient(kind: .convolution, input: [4, 16, 16, 16], outChannels: 32, stride: 2,
                                              padding: 1, dataType: dataType)
            try checkTransposedWeightGradient(kind: .transposed, input: [4, 48, 4, 4], outChannels: 32, stride: 2,
                                              padding: 1, dataType: dataType)
            try checkTransposedWeightGradient(kind: .transposed, input: [4, 32, 8, 8], outChannels: 16, stride: 2,
                                              padding: 1, dataType: dataType)
        }
    }

    /// Two training steps (float32, a config where every lever applies) give the same losses,
    /// outputs and parameters with each lever switched off as with all on.
    func testGraphLeversDoNotChangeTraining() throws {
        var config = TrainingConfig()
        config.model = ModelConfig(latentSize: 16, featureMaps: 16)
        config.batchSize = 8
        config.datasetSize = 32
        config.seed = 3
        func run(_ change: (inout GraphOptions) -> Void) throws -> (losses: [Float], parameters: [Float]) {
            let trainer = try DCGANTrainer(config: config)
            var options = GraphOptions()
            change(&options)
            trainer.generator.options = options
            trainer.discriminator.options = options
            var losses: [Float] = []
            for _ in 0..<2 {
                let result = try trainer.step()
                losses += [result.dLoss, result.gLoss, result.dX, result.dGZ]
            }
            return (losses, Array(trainer.generator.parameters.values) + Array(trainer.discriminator.parameters.values))
        }
        let reference = try run { _ in }
        let levers: [(String, (inout GraphOptions) -> Void)] = [
            ("plain layouts", { $0.preferredLayouts = false }),
            ("no BN+ReLU fusion", { $0.fuseBatchNormReLU = false }),
            ("no conv+activation fusion", { $0.fuseConvolutionActivation = false }),
            ("no in-place activations", { $0.inPlaceActivations = false }),
        ]
        for (name, change) in levers {
            let other = try run(change)
            assertClose(other.losses, reference.losses, rtol: 1e-4, atol: 1e-6, "\(name): losses")
            XCTAssertLessThan(relativeError(other.parameters, reference.parameters), 1e-5, "\(name): parameters")
        }
    }

    /// The bench runs steps, times every phase and counts the convolutions' work.
    func testBenchmarkReportsEveryPhase() throws {
        var options = BenchmarkOptions()
        options.config.model = ModelConfig(latentSize: 16, featureMaps: 16)
        options.config.batchSize = 8
        options.config.datasetSize = 32
        options.config.generatorAverageDecay = 0.9
        options.config.instanceNoise = 0.1
        options.config.instanceNoiseSteps = 100
        options.warmupSteps = 1
        options.steps = 2
        let report = try Benchmark.run(options)
        XCTAssertEqual(report.steps, 2)
        XCTAssertGreaterThan(report.imagesPerSecond, 0)
        XCTAssertEqual(report.imagesPerSecond, Double(report.batchSize) / report.secondsPerStep, accuracy: 1e-6)
        XCTAssertGreaterThan(report.gflopPerStep, 0)
        XCTAssertGreaterThan(report.peakRSSMiB, 0)
        XCTAssertTrue(report.lastDLoss.isFinite && report.lastGLoss.isFinite)
        let names = Set(report.phases.map(\.name))
        for name in ["G forward (conv)", "D forward (conv)", "D backward (conv)", "G backward (conv)", "BN/activations",
                     "Adam", "data", "generator average", "instance noise"] {
            XCTAssertTrue(names.contains(name), name)
        }
        // Phases account for the step (the remainder is "other").
        let sum = report.phases.reduce(0) { $0 + $1.secondsPerStep }
        XCTAssertEqual(sum, report.secondsPerStep, accuracy: report.secondsPerStep * 0.05)
        // Every convolution is in the layer table with its work: per step, D's convolutions run
        // three forward passes, G's two.
        let convolutions = report.layers.filter { $0.gflopPerStep > 0 }
        XCTAssertEqual(convolutions.count, 10)
        XCTAssertEqual(report.layers.reduce(0) { $0 + $1.gflopPerStep }, report.gflopPerStep, accuracy: 1e-9)
    }
}
