import Foundation

/// The training images gathered into clusters by k-means, and each cluster's share of them: the
/// frequencies Jacobian truncation's quotas hold the kept faces to (`JacobianTruncation.clusters`).
/// A generator can draw a kind of face more or less often than the data has it, and truncation,
/// keeping the less steep faces, drops the steep kinds more; a quota per cluster of the data puts
/// the data's frequencies back, at the granularity of the clusters.
public struct DataClusters: Sendable, Equatable {
    /// K centres of `size` values each, row-major.
    public let centres: [Float]
    public let size: Int
    /// Each cluster's share of the training images; they sum to 1.
    public let shares: [Double]

    public var count: Int { shares.count }

    /// Given clusters (tests).
    init(centres: [Float], size: Int, shares: [Double]) {
        precondition(centres.count == shares.count * size, "DataClusters: \(centres.count) values for \(shares.count) centres of \(size)")
        self.centres = centres
        self.size = size
        self.shares = shares
    }

    /// k-means over `images` (each `size` values), each counted `weights` times (identical images
    /// given once), into at most `clusters`: seeded by k-means++ from `random`, then `iterations`
    /// Lloyd steps. Fewer clusters when there are fewer distinct images.
    // images: (M, D), weights: (M) → centres: (K ≤ M, D), shares: (K)
    public init(images: [Float], size: Int, weights: [Double], clusters: Int, random: inout RandomGenerator, iterations: Int = 20) {
        let count = weights.count
        precondition(count > 0 && images.count == count * size && clusters > 0 && weights.allSatisfy { $0 >= 0 },
                     "DataClusters: \(images.count) values, \(count) weights, \(clusters) clusters")
        func distances(to centre: [Float]) -> [Double] {
            images.withUnsafeBufferPointer { x in
                centre.withUnsafeBufferPointer { c in (0..<count).map { Double(squaredDistance(x, $0 * size, c, 0, size)) } }
            }
        }
        func image(_ index: Int) -> [Float] { Array(images[(index * size)..<((index + 1) * size)]) }
        // k-means++: each next centre drawn with probability ∝ weight × squared distance to the nearest so far.
        var chosen = [image(Self.draw(weights, random: &random))]
        var nearest = distances(to: chosen[0])
        while chosen.count < clusters {
            let odds = zip(weights, nearest).map { $0 * $1 }
            guard odds.reduce(0, +) > 0 else { break } // every image is a centre already
            let next = image(Self.draw(odds, random: &random))
            chosen.append(next)
            nearest = zip(nearest, distances(to: next)).map { min($0, $1) }
        }
        var centres = chosen.flatMap { $0 }
        var assignment = Self.nearest(images, count: count, centres: centres, size: size)
        for _ in 0..<iterations {
            var sums = [Double](repeating: 0, count: centres.count), totals = [Double](repeating: 0, count: chosen.count)
            for item in 0..<count where weights[item] > 0 {
                let cluster = assignment[item]
                totals[cluster] += weights[item]
                for k in 0..<size { sums[cluster * size + k] += weights[item] * Double(images[item * size + k]) }
            }
            for cluster in 0..<chosen.count where totals[cluster] > 0 { // an empty cluster keeps its centre
                for k in 0..<size { centres[cluster * size + k] = Float(sums[cluster * size + k] / totals[cluster]) }
            }
            let next = Self.nearest(images, count: count, centres: centres, size: size)
            if next == assignment { break }
            assignment = next
        }
        var totals = [Double](repeating: 0, count: chosen.count)
        for item in 0..<count { totals[assignment[item]] += weights[item] }
        let all = totals.reduce(0, +)
        self.centres = centres
        self.size = size
        self.shares = totals.map { $0 / all }
    }

    /// The clusters of a smiley data set: its 16 distinct images, each weighted by how many faces
    /// show it, clustered with a seed of its own.
    public init(dataset: SmileyDataset, clusters: Int, seed: UInt64) {
        var counts = [Double](repeating: 0, count: SmileyDataset.prototypes.count)
        for item in dataset.items { counts[item.prototypeIndex] += 1 }
        var random = RandomGenerator(seed: seed ^ 0x434C_5553_5445_5253) // "CLUSTERS"
        self.init(images: SmileyDataset.prototypes.flatMap { $0 }, size: SmileyDataset.pixelsPerImage, weights: counts,
                  clusters: clusters, random: &random)
    }

    /// The clusters of the data set a run of `config` trains on (`DCGANTrainer`'s).
    public init(trainingDataOf config: TrainingConfig, clusters: Int) {
        self.init(dataset: SmileyDataset(seed: config.seed, count: config.datasetSize), clusters: clusters, seed: config.seed)
    }

    /// The cluster of each of `images` (N × size values): the nearest centre (ties: the first).
    // images: (N, D) → clusters: (N)
    public func nearest(_ images: [Float]) -> [Int] {
        Self.nearest(images, count: images.count / size, centres: centres, size: size)
    }

    private static func nearest(_ images: [Float], count: Int, centres: [Float], size: Int) -> [Int] {
        let clusters = centres.count / size
        return images.withUnsafeBufferPointer { x in
            centres.withUnsafeBufferPointer { c in
                (0..<count).map { item in
                    let distances = (0..<clusters).map { squaredDistance(x, item * size, c, $0 * size, size) }
                    return distances.indices.min { (distances[$0], $0) < (distances[$1], $1) }!
                }
            }
        }
    }

    /// How many of `samples` each cluster should have: its share, rounded so that they sum to
    /// `samples` (largest remainder; ties: the first cluster).
    public func quotas(for samples: Int) -> [Int] {
        let exact = shares.map { $0 * Double(samples) }
        var quotas = exact.map { Int($0.rounded(.down)) }
        let byRemainder = exact.indices.sorted { (exact[$0] - Double(quotas[$0]), -$0) > (exact[$1] - Double(quotas[$1]), -$1) }
        for cluster in byRemainder.prefix(samples - quotas.reduce(0, +)) { quotas[cluster] += 1 }
        return quotas
    }

    /// An index drawn with probability ∝ `odds` (their sum positive).
    private static func draw(_ odds: [Double], random: inout RandomGenerator) -> Int {
        let target = random.unit() * odds.reduce(0, +)
        var sum = 0.0
        for (index, odd) in odds.enumerated() where odd > 0 {
            sum += odd
            if target < sum { return index }
        }
        return odds.lastIndex { $0 > 0 }!
    }
}
