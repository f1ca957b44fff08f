#if canImport(Glibc)
import Glibc
#endif

/// Adam exactly as `torch.optim.Adam` (no weight decay, no amsgrad): with g the gradient at step t,
///   m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
///   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// One pass over a flat parameter buffer. The gradient may be the sum of several slots (the
/// discriminator's real and fake halves), summed in the same pass.
public final class Adam {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public private(set) var step: Int = 0
    /// First and second moments, one per parameter element, in the parameter buffer's order.
    public let exponentialAverage: UnsafeMutableBufferPointer<Float>
    public let exponentialAverageSquared: UnsafeMutableBufferPointer<Float>

    public init(parameterCount: Int, learningRate: Float, beta1: Float = 0.5, beta2: Float = 0.999,
                epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        exponentialAverage = .allocate(capacity: parameterCount)
        exponentialAverage.initialize(repeating: 0)
        exponentialAverageSquared = .allocate(capacity: parameterCount)
        exponentialAverageSquared.initialize(repeating: 0)
    }

    deinit {
        exponentialAverage.deallocate()
        exponentialAverageSquared.deallocate()
    }

    /// Restores the step counter (the moments are restored by writing into their buffers).
    public func restore(step: Int) { self.step = step }

    /// One update of `parameters` with the gradient `gradients[0] + gradients[1] + …`.
    public func update(_ parameters: UnsafeMutableBufferPointer<Float>, gradients: [UnsafeMutableBufferPointer<Float>]) {
        precondition(gradients.allSatisfy { $0.count == parameters.count }, "Adam: gradient size mismatch")
        step += 1
        let t = Float(step)
        let bias1 = 1 - powf(beta1, t)
        let bias2Root = (1 - powf(beta2, t)).squareRoot()
        let stepSize = learningRate / bias1
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        let m = exponentialAverage.baseAddress!, v = exponentialAverageSquared.baseAddress!
        let p = parameters.baseAddress!
        let g0 = gradients[0].baseAddress!
        let g1 = gradients.count > 1 ? gradients[1].baseAddress : nil
        for i in 0..<parameters.count {
            var g = g0[i]
            if let g1 { g += g1[i] }
            let mi = b1 * m[i] + (1 - b1) * g
            let vi = b2 * v[i] + (1 - b2) * g * g
            m[i] = mi
            v[i] = vi
            p[i] -= stepSize * mi / (vi.squareRoot() / bias2Root + eps)
        }
    }
}
