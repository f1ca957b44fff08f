import CDNNL
import XCTest
@testable import DCGANEngine

/// Finite-difference checks of every layer's backward pass, a witness independent of PyTorch:
/// for L = Σ r·y with a fixed random r, the analytic dL/dθ must match (L(θ+h) − L(θ−h)) / 2h.
final class GradientCheckTests: XCTestCase {
    var context: DNNLContext!
    var random = RandomGenerator(seed: 42)

    override func setUpWithError() throws { context = try DNNLContext() }

    private func randomTensor(_ dims: [Int], tag: dnnl_format_tag_t? = nil, scale: Float = 1) throws -> Tensor {
        let tensor = try Tensor(context, dims: dims, tag: tag)
        random.fillNormal(tensor.buffer, std: scale)
        return tensor
    }

    /// Perturbs each of `values` (up to 24 sampled elements) and compares with `analytic`.
    private func check(_ what: String, values: UnsafeMutableBufferPointer<Float>, analytic: [Float],
                       loss: () -> Double, h: Float = 1e-2, tolerance: Double = 2e-2) {
        let indices = values.count <= 24 ? Array(values.indices) : (0..<24).map { _ in Int(random.next() % UInt64(values.count)) }
        for i in indices {
            let saved = values[i]
            values[i] = saved + h
            let plus = loss()
            values[i] = saved - h
            let minus = loss()
            values[i] = saved
            let numeric = (plus - minus) / Double(2 * h)
            let error = abs(numeric - Double(analytic[i]))
            XCTAssertLessThanOrEqual(error, tolerance * max(1, abs(numeric)),
                                     "\(what)[\(i)]: analytic \(analytic[i]), numeric \(numeric)")
        }
    }

    private func weightedSum(_ y: Tensor, _ r: Tensor) -> Double {
        zip(y.buffer, r.buffer).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    private func checkConvolution(kind: Convolution2d.Kind, input: [Int], outChannels: Int, stride: Int, padding: Int) throws {
        let inChannels = input[1]
        let view = [outChannels, inChannels, 4, 4]
        let tag = kind == .convolution ? dnnl_oihw : dnnl_iohw
        let weight = try randomTensor(view, tag: tag, scale: 0.3)
        let weightGradient = try Tensor(context, dims: view, tag: tag)
        let layer = try Convolution2d(context, kind: kind, inputShape: input, outChannels: outChannels, kernel: 4,
                                      stride: stride, padding: padding, weight: weight, weightGradient: weightGradient)
        let x = try randomTensor(input)
        let r = try randomTensor(layer.outputShape)
        _ = layer.forward(x)
        let dx = try XCTUnwrap(layer.backward(r, inputGradient: true, weightGradients: true)).toArray()
        let dw = weightGradient.toArray()
        let loss = { self.weightedSum(layer.forward(x), r) }
        check("\(kind) dx", values: x.buffer, analytic: dx, loss: loss)
        check("\(kind) dW", values: weight.buffer, analytic: dw, loss: loss)
    }

    func testConvolutionGradients() throws {
        try checkConvolution(kind: .convolution, input: [2, 3, 6, 6], outChannels: 4, stride: 2, padding: 1)
        try checkConvolution(kind: .convolution, input: [2, 5, 4, 4], outChannels: 1, stride: 1, padding: 0)
    }

    func testTransposedConvolutionGradients() throws {
        try checkConvolution(kind: .transposed, input: [2, 5, 1, 1], outChannels: 3, stride: 1, padding: 0)
        try checkConvolution(kind: .transposed, input: [2, 4, 3, 3], outChannels: 3, stride: 2, padding: 1)
    }

    func testBatchNormGradients() throws {
        let shape = [3, 4, 2, 2]
        let scale = try randomTensor([4], scale: 0.5), shift = try randomTensor([4], scale: 0.5)
        let dScale = try Tensor(context, dims: [4]), dShift = try Tensor(context, dims: [4])
        let stats = try BatchNormStatistics(context, channels: 4)
        let layer = try BatchNorm2d(context, shape: shape, training: true, scale: scale, shift: shift,
                                    scaleGradient: dScale, shiftGradient: dShift, statistics: stats)
        let x = try randomTensor(shape, scale: 2)
        let r = try randomTensor(shape)
        _ = layer.forward(x)
        let dx = try XCTUnwrap(layer.backward(r, inputGradient: true, weightGradients: true)).toArray()
        let loss = { self.weightedSum(layer.forward(x), r) }
        check("bn dx", values: x.buffer, analytic: dx, loss: loss, h: 5e-3)
        check("bn dγ", values: scale.buffer, analytic: dScale.toArray(), loss: loss, h: 5e-3)
        check("bn dβ", values: shift.buffer, analytic: dShift.toArray(), loss: loss, h: 5e-3)
    }

    func testActivationGradients() throws {
        for kind in [Activation.Kind.relu, .leakyReLU(slope: 0.2), .tanh, .sigmoid] {
            let shape = [2, 3, 2, 2]
            let layer = try Activation(context, kind: kind, shape: shape)
            let x = try randomTensor(shape)
            // Keep inputs away from ReLU's kink, where the two-sided difference is not the derivative.
            for i in x.buffer.indices where abs(x.buffer[i]) < 0.1 { x.buffer[i] += x.buffer[i] < 0 ? -0.2 : 0.2 }
            let r = try randomTensor(shape)
            _ = layer.forward(x)
            let dx = try XCTUnwrap(layer.backward(r, inputGradient: true, weightGradients: false)).toArray()
            check("\(kind) dx", values: x.buffer, analytic: dx, loss: { self.weightedSum(layer.forward(x), r) }, h: 1e-3)
        }
    }

    /// R1's LeakyReLU: a recording pass is LeakyReLU itself (and its gradient checks out); a held
    /// pass multiplies by the recorded slopes, whatever the signs of its own input.
    func testLeakyReLUWithHeldSlopes() throws {
        let shape = [2, 16, 2, 2]
        // In a blocked layout too (the network's), elementwise all the same.
        for tag in [dnnl_nchw, dnnl_nChw16c] {
            let desc = try MemoryDescriptor.make(dims: shape, tag: tag)
            let layer = try HeldSlopeLeakyReLU(context, slope: 0.2, dataDesc: desc, label: .standalone("held"))
            let x = try randomTensor(shape)
            for i in x.buffer.indices where abs(x.buffer[i]) < 0.1 { x.buffer[i] += x.buffer[i] < 0 ? -0.2 : 0.2 }
            let r = try randomTensor(shape)
            let recorded = layer.forward(x).toArray()
            XCTAssertEqual(recorded, x.buffer.map { $0 > 0 ? $0 : 0.2 * $0 }, "\(tag): recording pass")
            let dx = try XCTUnwrap(layer.backward(r, inputGradient: true, weightGradients: false)).toArray()
            let loss = { zip(layer.forward(x).toArray(), r.buffer).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
            check("held-slope dx", values: x.buffer, analytic: dx, loss: loss, h: 1e-3)

            _ = layer.forward(x) // records x's slopes
            layer.holdsSlopes = true
            let flipped = try Tensor(context, dims: shape)
            for i in flipped.buffer.indices { flipped.buffer[i] = -x.buffer[i] }
            XCTAssertEqual(layer.forward(flipped).toArray(), x.buffer.map { $0 > 0 ? -$0 : -0.2 * $0 }, "\(tag): held pass")
            let heldGradient = try XCTUnwrap(layer.backward(r, inputGradient: true, weightGradients: false)).toArray()
            XCTAssertEqual(heldGradient, zip(x.buffer, r.buffer).map { $0 > 0 ? $1 : 0.2 * $1 }, "\(tag): held slopes' gradient")
            layer.holdsSlopes = false
        }
    }

    func testBinaryCrossEntropyGradient() {
        var p: [Float] = [0.1, 0.35, 0.5, 0.8, 0.97]
        let targets: [Float] = [0.9, 0, 1, 0.9, 0]
        let analytic = BinaryCrossEntropy.gradient(p, targets: targets)
        p.withUnsafeMutableBufferPointer { buffer in
            check("bce dp", values: buffer, analytic: analytic,
                  loss: { Double(BinaryCrossEntropy.loss(Array(buffer), targets: targets)) }, h: 1e-3)
        }
    }
}
