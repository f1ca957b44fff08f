#if canImport(Glibc)
import Glibc
#endif

/// Binary cross-entropy on logits with mean reduction, as `torch.nn.BCEWithLogitsLoss`:
///   x: (N) logits, t: (N) targets → loss: scalar
///   loss = mean(max(x, 0) − x·t + log(1 + e^−|x|)),  dL/dx = (σ(x) − t) / N
/// The same loss as BCELoss on σ(x), but computed without σ's rounding to exactly 0 or 1: where
/// BCELoss's clamp (p(1 − p) ≥ 1e-12) cuts the gradient to ~1e-12/p(1 − p) of its value, this
/// one keeps it, so a discriminator sure that a fake is fake (σ(x) < 1e-12) still teaches G.
public enum BinaryCrossEntropyWithLogits {
    /// A numerically stable σ(x) in float32.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x))
    }

    /// One element's loss: max(x, 0) − x·t + log(1 + e^−|x|), stable for any x.
    @inline(__always)
    static func loss(_ x: Float, target: Float) -> Float {
        max(x, 0) - x * target + log1pf(expf(-abs(x)))
    }

    /// Loss of logits `x` against a constant target.
    public static func loss(_ x: UnsafeBufferPointer<Float>, target: Float) -> Float {
        x.reduce(0) { $0 + loss($1, target: target) } / Float(x.count)
    }

    /// dL/dx scaled by `scale` (the weight of this loss in a sum), into `gradient`.
    public static func gradient(_ x: UnsafeBufferPointer<Float>, target: Float, scale: Float,
                                into gradient: UnsafeMutableBufferPointer<Float>) {
        let factor = scale / Float(x.count)
        for i in x.indices { gradient[i] = factor * (sigmoid(x[i]) - target) }
    }

    /// Per-element targets, for tests against PyTorch's general form.
    public static func loss(_ x: [Float], targets: [Float]) -> Float {
        zip(x, targets).reduce(0) { $0 + loss($1.0, target: $1.1) } / Float(x.count)
    }

    public static func gradient(_ x: [Float], targets: [Float]) -> [Float] {
        zip(x, targets).map { (sigmoid($0) - $1) / Float(x.count) }
    }
}
