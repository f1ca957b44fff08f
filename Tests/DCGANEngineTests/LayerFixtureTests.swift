import CDNNL
import XCTest
@testable import DCGANEngine

/// Each layer's forward and backward against PyTorch (layers.safetensors).
final class LayerFixtureTests: XCTestCase {
    var context: DNNLContext!
    var fixtures: SafeTensors!

    override func setUpWithError() throws {
        context = try DNNLContext()
        fixtures = try Fixtures.load("layers.safetensors")
    }

    private func values(_ name: String) throws -> [Float] { try fixtures.floats(name) }
    private func shape(_ name: String) throws -> [Int] { try fixtures.entry(name).shape }

    private func checkConvolution(_ prefix: String, kind: Convolution2d.Kind, stride: Int, padding: Int) throws {
        let xShape = try shape("\(prefix).x"), wShape = try shape("\(prefix).weight")
        // oneDNN's logical weight dims are (out, in, k, k); a transposed conv's PyTorch weight is (in, out, k, k).
        let (outChannels, view, tag) = kind == .convolution
            ? (wShape[0], wShape, dnnl_oihw)
            : (wShape[1], [wShape[1], wShape[0], wShape[2], wShape[3]], dnnl_iohw)
        let weight = try Tensor(context, dims: view, tag: tag)
        weight.copy(from: try values("\(prefix).weight"))
        let weightGradient = try Tensor(context, dims: view, tag: tag)
        let layer = try Convolution2d(context, kind: kind, inputShape: xShape, outChannels: outChannels, kernel: 4,
                                      stride: stride, padding: padding, weight: weight, weightGradient: weightGradient)
        let x = try Tensor.filled(context, dims: xShape, try values("\(prefix).x"))
        let y = layer.forward(x)
        XCTAssertEqual(y.dims, try shape("\(prefix).y"))
        assertClose(y.toArray(), try values("\(prefix).y"), "\(prefix) forward")
        let dy = try Tensor.filled(context, dims: y.dims, try values("\(prefix).dy"))
        let dx = try XCTUnwrap(layer.backward(dy, inputGradient: true, weightGradients: true))
        assertClose(dx.toArray(), try values("\(prefix).dx"), "\(prefix) dx")
        assertClose(weightGradient.toArray(), try values("\(prefix).dweight"), "\(prefix) dweight")
    }

    func testConv2dStride2Padding1() throws { try checkConvolution("conv_s2p1", kind: .convolution, stride: 2, padding: 1) }
    func testConv2dStride1Padding0() throws { try checkConvolution("conv_s1p0", kind: .convolution, stride: 1, padding: 0) }
    func testConvTranspose2dStride1Padding0() throws { try checkConvolution("convt_s1p0", kind: .transposed, stride: 1, padding: 0) }
    func testConvTranspose2dStride2Padding1() throws { try checkConvolution("convt_s2p1", kind: .transposed, stride: 2, padding: 1) }

    func testBatchNormTrainingAndEval() throws {
        let xShape = try shape("bn.x"), channels = xShape[1]
        func vector(_ name: String) throws -> Tensor { try Tensor.filled(context, dims: [channels], try values(name)) }
        let scale = try vector("bn.weight"), shift = try vector("bn.bias")
        let dScale = try Tensor(context, dims: [channels]), dShift = try Tensor(context, dims: [channels])
        let stats = try BatchNormStatistics(context, channels: channels)
        stats.runningMean.copy(from: try values("bn.running_mean_in"))
        stats.runningVariance.copy(from: try values("bn.running_var_in"))
        let x = try Tensor.filled(context, dims: xShape, try values("bn.x"))

        let eval = try BatchNorm2d(context, shape: xShape, training: false, scale: scale, shift: shift,
                                   scaleGradient: dScale, shiftGradient: dShift, statistics: stats)
        assertClose(eval.forward(x).toArray(), try values("bn.y_eval"), "bn eval forward")

        let train = try BatchNorm2d(context, shape: xShape, training: true, scale: scale, shift: shift,
                                    scaleGradient: dScale, shiftGradient: dShift, statistics: stats)
        let y = train.forward(x)
        assertClose(y.toArray(), try values("bn.y"), "bn forward")
        assertClose(stats.runningMean.toArray(), try values("bn.running_mean_out"), "bn running_mean")
        assertClose(stats.runningVariance.toArray(), try values("bn.running_var_out"), "bn running_var")
        XCTAssertEqual(stats.batchesTracked, 1)
        let dy = try Tensor.filled(context, dims: xShape, try values("bn.dy"))
        let dx = try XCTUnwrap(train.backward(dy, inputGradient: true, weightGradients: true))
        assertClose(dx.toArray(), try values("bn.dx"), "bn dx")
        assertClose(dScale.toArray(), try values("bn.dweight"), "bn dweight")
        assertClose(dShift.toArray(), try values("bn.dbias"), "bn dbias")
    }

    private func checkActivation(_ prefix: String, _ kind: Activation.Kind) throws {
        let xShape = try shape("\(prefix).x")
        let layer = try Activation(context, kind: kind, shape: xShape)
        let x = try Tensor.filled(context, dims: xShape, try values("\(prefix).x"))
        assertClose(layer.forward(x).toArray(), try values("\(prefix).y"), "\(prefix) forward")
        let dy = try Tensor.filled(context, dims: xShape, try values("\(prefix).dy"))
        let dx = try XCTUnwrap(layer.backward(dy, inputGradient: true, weightGradients: false))
        assertClose(dx.toArray(), try values("\(prefix).dx"), "\(prefix) dx")
    }

    func testReLU() throws { try checkActivation("relu", .relu) }
    func testLeakyReLU() throws { try checkActivation("leaky_relu", .leakyReLU(slope: 0.2)) }
    func testTanh() throws { try checkActivation("tanh", .tanh) }
    func testSigmoid() throws { try checkActivation("sigmoid", .sigmoid) }

    func testBinaryCrossEntropyWithClampedLogs() throws {
        let p = try values("bce.p"), targets = try values("bce.target")
        XCTAssertEqual(p[0], 0, "fixture exercises log(0)")
        assertClose([BinaryCrossEntropy.loss(p, targets: targets)], try values("bce.loss"), "bce loss")
        assertClose(BinaryCrossEntropy.gradient(p, targets: targets), try values("bce.dp"), "bce dp")
        // The constant-target form used in training agrees with the general one.
        let constant = Array(repeating: Float(0.9), count: p.count)
        let fromConstant = p.withUnsafeBufferPointer { BinaryCrossEntropy.loss($0, target: 0.9) }
        XCTAssertEqual(fromConstant, BinaryCrossEntropy.loss(p, targets: constant), accuracy: 1e-5)
    }

    /// BCEWithLogitsLoss, with logits past float32 σ's 0 and 1 where BCELoss's gradient would vanish.
    func testBinaryCrossEntropyFromLogits() throws {
        let logits = try Fixtures.load("logits.safetensors")
        let x = try logits.floats("bce_logits.x"), targets = try logits.floats("bce_logits.target")
        XCTAssertEqual(x[0], -60, "fixture exercises a saturated logit")
        assertClose([BinaryCrossEntropyWithLogits.loss(x, targets: targets)], try logits.floats("bce_logits.loss"), "bce logits loss")
        let gradient = BinaryCrossEntropyWithLogits.gradient(x, targets: targets)
        assertClose(gradient, try logits.floats("bce_logits.dx"), rtol: 1e-5, atol: 1e-9, "bce logits dx")
        XCTAssertEqual(gradient[0], -1 / Float(x.count), accuracy: 1e-9, "σ(−60) − 1: the whole gradient")
        // The probabilities' form loses it: σ(−60) rounds to ~1e-26, and the clamp scales the
        // gradient through the Sigmoid by p(1 − p)/1e-12.
        let p = BinaryCrossEntropyWithLogits.sigmoid(x[0])
        let throughSigmoid = BinaryCrossEntropy.gradient([p], targets: [1])[0] * p * (1 - p)
        XCTAssertLessThan(abs(throughSigmoid), 1e-6)
        // The constant-target form used in training agrees with the general one.
        let fromConstant = x.withUnsafeBufferPointer { BinaryCrossEntropyWithLogits.loss($0, target: 0.9) }
        XCTAssertEqual(fromConstant, BinaryCrossEntropyWithLogits.loss(x, targets: Array(repeating: 0.9, count: x.count)), accuracy: 1e-5)
    }

    func testAdamThreeSteps() throws {
        try checkAdamThreeSteps("adam", beta1: 0.5, beta2: 0.999)
    }

    /// `--beta1 0 --beta2 0.99`: no momentum (β₁⁰ = 1 in the bias correction) and a shorter average of g².
    func testAdamThreeStepsWithoutMomentum() throws {
        try checkAdamThreeSteps("adam_b0", beta1: 0, beta2: 0.99)
    }

    private func checkAdamThreeSteps(_ prefix: String, beta1: Float, beta2: Float) throws {
        let p0 = try values("\(prefix).p0")
        let parameters = UnsafeMutableBufferPointer<Float>.allocate(capacity: p0.count)
        defer { parameters.deallocate() }
        _ = parameters.initialize(from: p0)
        let adam = Adam(parameterCount: p0.count, learningRate: 2e-4, beta1: beta1, beta2: beta2)
        for step in 1...3 {
            var gradient = try values("\(prefix).g\(step)")
            gradient.withUnsafeMutableBufferPointer { adam.update(parameters, gradients: [$0]) }
            assertClose(Array(parameters), try values("\(prefix).p\(step)"), rtol: 1e-5, atol: 1e-7, "\(prefix) p\(step)")
        }
        assertClose(Array(adam.exponentialAverage), try values("\(prefix).exp_avg3"), "\(prefix) exp_avg")
        assertClose(Array(adam.exponentialAverageSquared), try values("\(prefix).exp_avg_sq3"), "\(prefix) exp_avg_sq")
        XCTAssertEqual(adam.step, 3)
    }
}
