import Foundation

/// Jacobian truncation (Tanielian et al. 2020, "Learning disconnected manifolds: a no GAN's land"):
/// a generator that is continuous in z must pass from one mode to the next somewhere, and there,
/// between two faces, its output changes fastest. Of `candidates(for:)` latents, sampling keeps the
/// `keep` share whose output moves least when z moves a little along a random direction, a
/// finite-difference estimate of ‖∂G/∂z · u‖. It looks only at the generator, so it works for any
/// data set, and it changes which latents are drawn, not the network.
public struct JacobianTruncation: Sendable, Equatable, Codable {
    /// Share of the candidate latents kept, in (0, 1].
    public var keep: Double
    /// When set, each candidate's steepness is judged against its own kind of image (`Local`).
    public var local: Local?

    /// Judging a candidate's steepness against the median steepness of its `neighbours` nearest
    /// candidates in image space, divided by that median to `power` (0: the plain steepness, 1: the
    /// ratio). Rare kinds of image can be steeper everywhere than common ones (on this data set the
    /// faces with glasses and a hat: README, Recipe), and the plain ranking drops their good ones
    /// with the blends; against their neighbours they rank as the common ones do among theirs.
    public struct Local: Sendable, Equatable, Codable {
        public var neighbours: Int
        public var power: Float

        public init(neighbours: Int, power: Float = 1) {
            precondition(neighbours > 0 && power >= 0, "JacobianTruncation.Local: \(neighbours) neighbours, power \(power)")
            self.neighbours = neighbours
            self.power = power
        }
    }

    /// Length of the latent step of the finite difference (z ~ N(0, I) has norm ≈ 10). The
    /// ranking it gives barely depends on it: from 0.01 to 0.5 it kept the same share of good
    /// faces within 0.02 on a checkpoint's 512 samples (README, Recipe).
    public static let step: Float = 0.05

    public init(keep: Double, local: Local? = nil) {
        precondition(keep > 0 && keep <= 1, "JacobianTruncation: keep \(keep) outside (0, 1]")
        self.keep = keep
        self.local = local
    }

    /// For values that did not come through `init` (a checkpoint's configuration).
    public func validate() throws(ConfigError) {
        if !(keep > 0 && keep <= 1) { throw ConfigError("--jacobian-truncation must be in (0, 1], got \(keep)") }
        if let local {
            if local.neighbours <= 0 { throw ConfigError("--jacobian-truncation-neighbours must be positive, got \(local.neighbours)") }
            if !(local.power >= 0 && local.power.isFinite) {
                throw ConfigError("--jacobian-truncation-power must be 0 or more, got \(local.power)")
            }
        }
    }

    /// The stream of the finite difference's directions for a seed (its own: drawing them never
    /// changes the latents).
    public static func directions(seed: UInt64) -> RandomGenerator {
        RandomGenerator(seed: seed ^ 0x4A41_434F_4249_414E) // "JACOBIAN"
    }

    /// For people: "keeping 0.50 of the candidates" and, when local, how they are judged.
    public var summary: String {
        String(format: "keeping %.2f of the candidates", keep)
            + (local.map { " by steepness against their \($0.neighbours) nearest (power \($0.power))" } ?? "")
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

    /// Each candidate's steepness divided by the median steepness of its `neighbours` nearest other
    /// candidates (squared distance of the images; all the others when there are fewer) to `power`;
    /// for even counts the median is the mean of the middle two, as NumPy's.
    // images: (N, D), steepness: (N) → criterion: (N)
    public static func localSteepness(_ steepness: [Float], images: [Float], neighbours: Int, power: Float) -> [Float] {
        let count = steepness.count, size = images.count / max(count, 1)
        let neighbours = min(neighbours, count - 1)
        guard neighbours > 0 else { return steepness }
        let distances = pairwiseSquaredDistances(images, count: count, size: size)
        return (0..<count).map { item in
            let row = item * count
            let nearest = (0..<count).filter { $0 != item }
                .sorted { (distances[row + $0], $0) < (distances[row + $1], $1) }.prefix(neighbours)
            let theirs = nearest.map { steepness[$0] }.sorted()
            let median = neighbours % 2 == 1 ? theirs[neighbours / 2] : (theirs[neighbours / 2 - 1] + theirs[neighbours / 2]) / 2
            return steepness[item] / Float(pow(Double(median), Double(power)))
        }
    }

    /// The N × N squared distances between the N images of `size` values each (row-major, symmetric).
    static func pairwiseSquaredDistances(_ images: [Float], count: Int, size: Int) -> [Float] {
        var distances = [Float](repeating: 0, count: count * count)
        images.withUnsafeBufferPointer { x in
            for i in 0..<count {
                for j in (i + 1)..<count {
                    let d = squaredDistance(x, i * size, j * size, size)
                    distances[i * count + j] = d
                    distances[j * count + i] = d
                }
            }
        }
        return distances
    }

    /// Σ (x[a + k] − x[b + k])² over k < size, eight lanes at a time (a scalar loop does not
    /// vectorise: float addition is not associative).
    private static func squaredDistance(_ x: UnsafeBufferPointer<Float>, _ a: Int, _ b: Int, _ size: Int) -> Float {
        let base = UnsafeRawPointer(x.baseAddress!), stride = MemoryLayout<Float>.stride
        var lanes = SIMD8<Float>()
        var k = 0
        while k + 8 <= size {
            let d = base.loadUnaligned(fromByteOffset: (a + k) * stride, as: SIMD8<Float>.self)
                - base.loadUnaligned(fromByteOffset: (b + k) * stride, as: SIMD8<Float>.self)
            lanes += d * d
            k += 8
        }
        var sum = lanes.sum()
        while k < size {
            let d = x[a + k] - x[b + k]
            sum += d * d
            k += 1
        }
        return sum
    }

    /// Indices of the `count` least steep latents, in their original order (ties: the earlier).
    public static func steadiest(_ steepness: [Float], count: Int) -> [Int] {
        let ranked = steepness.indices.sorted { (steepness[$0], $0) < (steepness[$1], $1) }
        return Array(ranked.prefix(count)).sorted()
    }

    /// The kept images from `candidates` latents (N ≥ samples): the `samples` least steep images of
    /// `generator` (by `local`'s criterion when set), in the candidates' order.
    public func sample(_ generator: Network, candidates noise: Tensor, samples: Int, training: Bool = false,
                       precision: Precision? = nil, random: inout RandomGenerator) throws -> [Float] {
        let (images, steepness) = try Self.steepness(of: generator, at: noise, training: training,
                                                     precision: precision, random: &random)
        let size = images.count / noise.dims[0]
        let criterion = local.map { Self.localSteepness(steepness, images: images, neighbours: $0.neighbours, power: $0.power) }
        var kept = [Float]()
        kept.reserveCapacity(samples * size)
        for index in Self.steadiest(criterion ?? steepness, count: samples) {
            kept.append(contentsOf: images[(index * size)..<((index + 1) * size)])
        }
        return kept
    }
}
