import Foundation

/// Jacobian truncation (Tanielian et al. 2020, "Learning disconnected manifolds: a no GAN's land"):
/// a generator that is continuous in z must pass from one mode to the next somewhere, and there,
/// between two faces, its output changes fastest. Of `candidates(for:)` latents, sampling keeps the
/// `keep` share whose output moves least when z moves a little along a random direction, a
/// finite-difference estimate of ‖∂G/∂z · u‖. It looks only at the generator, so it works for any
/// data set, and it changes which latents are drawn, not the network. Two refinements: the
/// candidates can be ranked by density instead (`density`), and the kept ones shared among
/// clusters of the training images as those are (`clusters`).
public struct JacobianTruncation: Sendable, Equatable, Codable {
    /// Share of the candidate latents kept, in (0, 1].
    public var keep: Double
    /// When set, each candidate's steepness is judged against its own kind of image (`Local`).
    public var local: Local?
    /// When set, the candidates are ranked by how crowded their image is instead of by steepness:
    /// by the squared distance to their `density`-th nearest other candidate (`spread`), smallest
    /// first. A generator draws a clean face many times over, nearly the same each time, and a
    /// blend between two faces seldom the same way twice. It needs no second generator pass.
    public var density: Int?
    /// When set, the kept faces are shared among this many clusters of the training images as the
    /// training images are (`DataClusters`): each cluster keeps its quota of its best ranked
    /// candidates, so the kinds of face the generator draws too rarely, or the ranking drops more
    /// (steeper everywhere, or sparser), keep the data's frequencies.
    public var clusters: Int?

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

    public init(keep: Double, local: Local? = nil, density: Int? = nil, clusters: Int? = nil) {
        precondition(keep > 0 && keep <= 1, "JacobianTruncation: keep \(keep) outside (0, 1]")
        precondition((density ?? 1) > 0 && (clusters ?? 1) > 0 && (local == nil || density == nil),
                     "JacobianTruncation: local \(String(describing: local)), density \(density ?? 0), \(clusters ?? 0) clusters")
        self.keep = keep
        self.local = local
        self.density = density
        self.clusters = clusters
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
        if let density {
            if density <= 0 { throw ConfigError("--jacobian-truncation-density must be positive, got \(density)") }
            if local != nil { throw ConfigError("--jacobian-truncation-neighbours judges steepness, and --jacobian-truncation-density ranks by density") }
        }
        if let clusters, clusters <= 0 { throw ConfigError("--jacobian-truncation-clusters must be positive, got \(clusters)") }
    }

    /// The stream of the finite difference's directions for a seed (its own: drawing them never
    /// changes the latents).
    public static func directions(seed: UInt64) -> RandomGenerator {
        RandomGenerator(seed: seed ^ 0x4A41_434F_4249_414E) // "JACOBIAN"
    }

    /// For people: "keeping 0.50 of the candidates" and, when refined, how they are ranked and shared.
    public var summary: String {
        String(format: "keeping %.2f of the candidates", keep)
            + (local.map { " by steepness against their \($0.neighbours) nearest (power \($0.power))" } ?? "")
            + (density.map { " by density (distance to their \(ordinal($0)) nearest)" } ?? "")
            + (clusters.map { ", shared among \($0) clusters of the training images" } ?? "")
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
                    let d = squaredDistance(x, i * size, x, j * size, size)
                    distances[i * count + j] = d
                    distances[j * count + i] = d
                }
            }
        }
        return distances
    }

    /// How sparse each candidate's surroundings are: the squared distance of its image to the
    /// `neighbour`-th nearest other (the farthest when there are fewer others).
    // images: (N, D) → spread: (N)
    public static func spread(images: [Float], count: Int, neighbour: Int) -> [Float] {
        let size = images.count / max(count, 1), rank = min(neighbour, count - 1) - 1
        guard rank >= 0 else { return [Float](repeating: 0, count: count) }
        let distances = pairwiseSquaredDistances(images, count: count, size: size)
        return (0..<count).map { item in
            var others = Array(distances[(item * count)..<((item + 1) * count)])
            others.remove(at: item)
            others.sort()
            return others[rank]
        }
    }

    /// Indices of the `count` least steep latents, in their original order (ties: the earlier).
    public static func steadiest(_ steepness: [Float], count: Int) -> [Int] {
        let ranked = steepness.indices.sorted { (steepness[$0], $0) < (steepness[$1], $1) }
        return Array(ranked.prefix(count)).sorted()
    }

    /// The most of a cluster's candidates its quota may take: halfway from `keep` to all of them
    /// (0.75 at keep 0.5), so that a cluster the generator draws too rarely does not fill its
    /// quota with its blends; the rest of its quota goes to the best ranked of the others.
    public static func clusterCap(keep: Double) -> Double { (1 + keep) / 2 }

    /// Indices of `count` latents, in their original order: of each cluster (`clusters`: each
    /// latent's), its quota of the lowest by `criterion`, at most `cap` of its members (rounded
    /// down), then the lowest of the others until there are `count` (quotas sum to `count`; ties:
    /// the earlier).
    public static func steadiest(_ criterion: [Float], clusters: [Int], quotas: [Int], cap: Double, count: Int) -> [Int] {
        var members = [[Int]](repeating: [], count: quotas.count)
        for (index, cluster) in clusters.enumerated() { members[cluster].append(index) }
        var kept = Set<Int>()
        for (cluster, indices) in members.enumerated() {
            let allowed = min(quotas[cluster], Int((cap * Double(indices.count)).rounded(.down)))
            kept.formUnion(steadiest(indices.map { criterion[$0] }, count: allowed).map { indices[$0] })
        }
        let others = criterion.indices.filter { !kept.contains($0) }
        kept.formUnion(steadiest(others.map { criterion[$0] }, count: count - kept.count).map { others[$0] })
        return kept.sorted()
    }

    /// The kept images from `candidates` latents (N ≥ samples): the `samples` least steep images of
    /// `generator` (by `local`'s criterion when set, or the densest with `density`; with
    /// `clusters`, shared among `data`'s clusters, which must then be given), in the candidates' order.
    public func sample(_ generator: Network, candidates noise: Tensor, samples: Int, training: Bool = false,
                       precision: Precision? = nil, data: DataClusters? = nil, random: inout RandomGenerator) throws -> [Float] {
        precondition(clusters == nil || data != nil, "JacobianTruncation: \(clusters ?? 0) clusters asked for, no data clusters given")
        let images: [Float], criterion: [Float]
        if let density {
            images = try generator.forward(noise, training: training, precision: precision).toArray()
            criterion = Self.spread(images: images, count: noise.dims[0], neighbour: density)
        } else {
            let steepness: [Float]
            (images, steepness) = try Self.steepness(of: generator, at: noise, training: training, precision: precision, random: &random)
            criterion = local.map { Self.localSteepness(steepness, images: images, neighbours: $0.neighbours, power: $0.power) } ?? steepness
        }
        let size = images.count / noise.dims[0]
        let chosen = if let data, clusters != nil {
            Self.steadiest(criterion, clusters: data.nearest(images), quotas: data.quotas(for: samples),
                           cap: Self.clusterCap(keep: keep), count: samples)
        } else {
            Self.steadiest(criterion, count: samples)
        }
        var kept = [Float]()
        kept.reserveCapacity(samples * size)
        for index in chosen {
            kept.append(contentsOf: images[(index * size)..<((index + 1) * size)])
        }
        return kept
    }
}

/// "1st", "2nd", "3rd", "4th", … "11th", "21st".
private func ordinal(_ n: Int) -> String {
    let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
    return "\(n)\(suffix)"
}
