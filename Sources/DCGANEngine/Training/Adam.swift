#if canImport(Glibc)
import Glibc
#endif

/// Adam exactly as `torch.optim.Adam` (no weight decay, no amsgrad): with g the gradient at step t,
///   m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
///   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// One pass over a flat parameter buffer. The gradient may be the sum of several slots (the
/// discriminator's real and fake halves), summed in the same pass.
public final class Adam {
    /// The base rate: what the user sets and checkpoints keep.
    public var learningRate: Float
    /// The schedule's factor on the base rate for the next update (1: the base rate itself).
    public var rateFactor: Float = 1
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

    /// The rate the next update uses.
    public var effectiveLearningRate: Float { learningRate * rateFactor }

    /// Restores the step counter (the moments are restored by writing into their buffers).
    public func restore(step: Int) { self.step = step }

    /// One update of `parameters` with the gradient `gradients[0] + gradients[1] + …` (one or two
    /// slots). One pass over the flat buffers, 16 lanes at a time (explicit SIMD: the scalar loop
    /// with an optional second slot did not vectorise; measured 9.5 → 5.0 ms for 2.76M
    /// parameters), the same arithmetic as the scalar tail and as before, element by element,
    /// split over oneDNN's OpenMP threads.
    public func update(_ parameters: UnsafeMutableBufferPointer<Float>, gradients: [UnsafeMutableBufferPointer<Float>]) {
        precondition(gradients.allSatisfy { $0.count == parameters.count }, "Adam: gradient size mismatch")
        precondition((1...2).contains(gradients.count), "Adam: one or two gradient slots")
        step += 1
        let t = Float(step)
        let bias1 = 1 - powf(beta1, t)
        let bias2Root = (1 - powf(beta2, t)).squareRoot()
        let coefficients = Coefficients(b1: beta1, b2: beta2, eps: epsilon, stepSize: effectiveLearningRate / bias1,
                                        bias2Root: bias2Root)
        let m = exponentialAverage.baseAddress!, v = exponentialAverageSquared.baseAddress!
        let p = parameters.baseAddress!
        let g0 = gradients[0].baseAddress!
        let count = parameters.count
        let g1 = gradients.count == 2 ? gradients[1].baseAddress! : nil
        // Chunks on oneDNN's OpenMP team; every element gets the same arithmetic whatever the
        // split, so results do not depend on the thread count.
        OpenMPTeam.forEachChunk(count: count) { range in
            let (p, m, v, g0) = (p + range.lowerBound, m + range.lowerBound, v + range.lowerBound, g0 + range.lowerBound)
            if let g1 {
                let g1 = g1 + range.lowerBound
                Adam.run(range.count, p, m, v, coefficients) { g0.vector($0) + g1.vector($0) } scalar: { g0[$0] + g1[$0] }
            } else {
                Adam.run(range.count, p, m, v, coefficients) { g0.vector($0) } scalar: { g0[$0] }
            }
        }
    }

    private struct Coefficients {
        let b1: Float, b2: Float, eps: Float, stepSize: Float, bias2Root: Float
    }

    private typealias Lanes = SIMD16<Float>

    @inline(__always)
    private static func run(_ count: Int, _ p: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                            _ v: UnsafeMutablePointer<Float>, _ c: Coefficients,
                            gradient: (Int) -> Lanes, scalar: (Int) -> Float) {
        let b1 = Lanes(repeating: c.b1), b2 = Lanes(repeating: c.b2)
        let c1 = Lanes(repeating: 1 - c.b1), c2 = Lanes(repeating: 1 - c.b2)
        let eps = Lanes(repeating: c.eps), stepSize = Lanes(repeating: c.stepSize), root = Lanes(repeating: c.bias2Root)
        var i = 0
        while i + Lanes.scalarCount <= count {
            let g = gradient(i)
            let mi = b1 * m.vector(i) + c1 * g
            let vi = b2 * v.vector(i) + c2 * g * g
            m.store(mi, at: i)
            v.store(vi, at: i)
            p.store(p.vector(i) - stepSize * mi / (vi.squareRoot() / root + eps), at: i)
            i += Lanes.scalarCount
        }
        while i < count {
            let g = scalar(i)
            let mi = c.b1 * m[i] + (1 - c.b1) * g
            let vi = c.b2 * v[i] + (1 - c.b2) * g * g
            m[i] = mi
            v[i] = vi
            p[i] -= c.stepSize * mi / (vi.squareRoot() / c.bias2Root + c.eps)
            i += 1
        }
    }
}

private extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always) func vector(_ i: Int) -> SIMD16<Float> { UnsafeRawPointer(self + i).loadUnaligned(as: SIMD16<Float>.self) }
    @inline(__always) func store(_ value: SIMD16<Float>, at i: Int) {
        UnsafeMutableRawPointer(self + i).storeBytes(of: value, as: SIMD16<Float>.self)
    }
}
