/// Jacobian truncation (Tanielian et al. 2020, "Learning disconnected manifolds: a no GAN's land"):
/// a generator that is continuous in z must pass from one mode to the next somewhere, and there,
/// between two faces, its output changes fastest. Of `candidates(for:)` latents, sampling keeps the
/// `keep` share whose output moves least when z moves a little along a random direction, a
/// finite-difference estimate of ‖∂G/∂z · u‖. It looks only at the generator, so it works for any
/// data set, and it changes which latents are drawn, not the network.
public struct JacobianTruncation: Sendable, Equatable {
    /// Share of the candidate latents kept, in (0, 1].
    public var keep: Double

    /// Length of the latent step of the finite difference (z ~ N(0, I) has norm ≈ 10). The
    /// ranking it gives barely depends on it: from 0.01 to 0.5 it kept the same share of good
    /// faces within 0.02 on a checkpoint's 512 samples (README, Recipe).
    public static let step: Float = 0.05

    public init(keep: Double) {
        precondition(keep > 0 && keep <= 1, "JacobianTruncation: keep \(keep) outside (0, 1]")
        self.keep = keep
    }

    /// The stream of the finite difference's directions for a seed (its own: drawing them never
    /// changes the latents).
    public static func directions(seed: UInt64) -> RandomGenerator {
        RandomGenerator(seed: seed ^ 0x4A41_434F_4249_414E) // "JACOBIAN"
    }

    /// Candidate latents to draw so that `samples` are kept.
    public func candidates(for samples: Int) -> Int {
        max(samples, Int((Double(samples) / keep).rounded(.up)))
    }

    /// Images of `generator` at every latent of `noise` (N, L, 1, 1), and how steep it is there: the
    /// RMS change of the image per unit of latent step along one random unit direction from
    /// `random`. `training`: BatchNorm mode, as `Network.forward`.
    public static func steepness(of generator: Network, at noise: Tensor, training: Bool, precision: Precision? = nil,
                                 random: inout RandomGenerator) throws -> (images: [Float], steepness: [Float]) {
        var directions = [Float](repeating: 0, count: noise.count)
        directions.withUnsafeMutableBufferPointer { random.fillNormal($0) }
        return try steepness(of: generator, at: noise, directions: directions, training: training, precision: precision)
    }

    /// The same along given directions (N × L values, any length: each is made a unit vector).
    // z: (N, L, 1, 1), directions: (N, L) → images: (N, 3, 64, 64), steepness: (N)
    public static func steepness(of generator: Network, at noise: Tensor, directions: [Float], training: Bool,
                                 precision: Precision? = nil) throws -> (images: [Float], steepness: [Float]) {
        let count = noise.dims[0], latent = noise.count / count
        precondition(directions.count == noise.count, "JacobianTruncation: \(directions.count) direction values for \(noise.dims)")
        let images = try generator.forward(noise, training: training, precision: precision).toArray()
        let moved = try generator.makeInput(batch: count)
        let source = noise.toArray()
        for item in 0..<count {
            let range = (item * latent)..<((item + 1) * latent)
            let norm = directions[range].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in range { moved.buffer[i] = source[i] + step * directions[i] / norm }
        }
        let movedImages = try generator.forward(moved, training: training, precision: precision).toArray()
        let size = images.count / count
        let steepness = (0..<count).map { item in
            var sum: Float = 0
            for i in (item * size)..<((item + 1) * size) {
                let d = movedImages[i] - images[i]
                sum += d * d
            }
            return (sum / Float(size)).squareRoot() / step
        }
        return (images, steepness)
    }

    /// Indices of the `count` least steep latents, in their original order (ties: the earlier).
    public static func steadiest(_ steepness: [Float], count: Int) -> [Int] {
        let ranked = steepness.indices.sorted { (steepness[$0], $0) < (steepness[$1], $1) }
        return Array(ranked.prefix(count)).sorted()
    }

    /// The kept images from `candidates` latents (N ≥ samples): the `samples` least steep images of
    /// `generator`, in the candidates' order.
    public func sample(_ generator: Network, candidates noise: Tensor, samples: Int, training: Bool = false,
                       precision: Precision? = nil, random: inout RandomGenerator) throws -> [Float] {
        let (images, steepness) = try Self.steepness(of: generator, at: noise, training: training,
                                                     precision: precision, random: &random)
        let size = images.count / noise.dims[0]
        var kept = [Float]()
        kept.reserveCapacity(samples * size)
        for index in Self.steadiest(steepness, count: samples) {
            kept.append(contentsOf: images[(index * size)..<((index + 1) * size)])
        }
        return kept
    }
}
