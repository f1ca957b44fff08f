#if canImport(Glibc)
import Glibc
#endif

/// Binary cross-entropy on probabilities with mean reduction, as `torch.nn.BCELoss`:
///   p: (N) probabilities, t: (N) targets → loss: scalar
///   loss = mean(−(t·max(log p, −100) + (1 − t)·max(log(1 − p), −100)))
/// The clamp at −100 keeps the loss finite when p is exactly 0 or 1; the gradient divides by
/// max(p(1 − p), 1e-12) for the same reason, exactly as PyTorch's kernel does.
public enum BinaryCrossEntropy {
    static let logFloor: Float = -100
    static let gradientEpsilon: Float = 1e-12

    /// Loss of probabilities `p` against a constant target.
    public static func loss(_ p: UnsafeBufferPointer<Float>, target: Float) -> Float {
        var sum: Float = 0
        for value in p {
            let logP = max(logf(value), logFloor)
            let log1mP = max(log1pf(-value), logFloor)
            sum += (target - 1) * log1mP - target * logP
        }
        return sum / Float(p.count)
    }

    /// dL/dp scaled by `scale` (the weight of this loss in a sum, e.g. 0.5 for D's average), into `gradient`.
    public static func gradient(_ p: UnsafeBufferPointer<Float>, target: Float, scale: Float,
                                into gradient: UnsafeMutableBufferPointer<Float>) {
        let factor = scale / Float(p.count)
        for i in p.indices {
            let value = p[i]
            gradient[i] = factor * (value - target) / max((1 - value) * value, gradientEpsilon)
        }
    }

    /// Per-element targets, for tests against PyTorch's general form.
    public static func loss(_ p: [Float], targets: [Float]) -> Float {
        var sum: Float = 0
        for (value, target) in zip(p, targets) {
            sum += (target - 1) * max(log1pf(-value), logFloor) - target * max(logf(value), logFloor)
        }
        return sum / Float(p.count)
    }

    public static func gradient(_ p: [Float], targets: [Float]) -> [Float] {
        let n = Float(p.count)
        return zip(p, targets).map { value, target in
            (value - target) / max((1 - value) * value, gradientEpsilon) / n
        }
    }
}
