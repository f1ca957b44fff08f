#if canImport(Glibc)
import Glibc
#endif

/// Top-k training (Sinha et al., "Top-k Training of GANs", NeurIPS 2020): G's step learns only from
/// the k fakes of its batch that D rates most real, k shrinking from the whole batch by `decay`
/// each epoch down to `floor` of it. Why an option: the samples that cost precision here are
/// blends of two modes; the paper's argument is that the gradients of the samples D rates worst
/// pull G against what its good samples need, and it reported more samples near the modes of
/// Gaussian mixtures, which is what this data set is. (Adam does not see the rescaling to a mean
/// over k, a constant factor; it is there so that the loss is PyTorch's `topk` then mean.)
public struct TopK: Sendable, Equatable, Codable {
    /// The smallest share of the batch kept (ν), in (0, 1].
    public var floor: Float
    /// k's factor per completed epoch (γ), in (0, 1].
    public var decay: Float

    public init(floor: Float, decay: Float = 0.99) {
        self.floor = floor
        self.decay = decay
    }

    /// k for a batch of `batch` fakes after `completedEpochs` epochs: max(γ^e · B, ν · B), rounded
    /// to the nearest integer, at least 1.
    public func count(batch: Int, completedEpochs: Int) -> Int {
        let share = max(powf(decay, Float(completedEpochs)), floor)
        return min(batch, max(1, Int((share * Float(batch)).rounded())))
    }

    /// Keeps the gradient of the `k` largest of D's `outputs` (probabilities or logits: the same
    /// order), rescaled from a mean over the batch to a mean over the k, and zeroes the others.
    /// Returns the kept indices.
    @discardableResult
    static func select(_ k: Int, of outputs: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>) -> [Int] {
        let kept = outputs.indices.sorted { outputs[$0] > outputs[$1] || (outputs[$0] == outputs[$1] && $0 < $1) }.prefix(k)
        var keep = [Bool](repeating: false, count: outputs.count)
        for index in kept { keep[index] = true }
        let scale = Float(outputs.count) / Float(k)
        for i in gradient.indices { gradient[i] = keep[i] ? gradient[i] * scale : 0 }
        return Array(kept)
    }

    func validate() throws(ConfigError) {
        if !(floor > 0 && floor <= 1) { throw ConfigError("--top-k must be a share of the batch in (0, 1], got \(floor)") }
        if !(decay > 0 && decay <= 1) { throw ConfigError("--top-k-decay must be in (0, 1], got \(decay)") }
    }
}
