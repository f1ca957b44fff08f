import Foundation

/// How good a batch of generated faces is, measured against the 16 prototypes of the smiley data
/// set (4 colours × glasses × hat): every sample is assigned to its nearest prototype by mean
/// squared error and counts as *good* when its RMSE to it is below `QualityScorer.threshold`.
public struct QualityScore: Sendable, Equatable {
    /// Share of good samples.
    public var precision: Double
    /// Prototypes with at least one good sample.
    public var modesCovered: Int
    /// Total variation distance between the good samples' mode frequencies and the data set's
    /// (½ Σ |q − p| over the 16 modes); 1 when there is no good sample.
    public var totalVariation: Double
    public var samples: Int
    /// Mean RMSE of the samples to their nearest prototype (a continuous view of the same thing).
    public var meanRMSE: Double
    /// Good samples per prototype (index = colour × 4 + glasses × 2 + hat).
    public var modeCounts: [Int]

    public static let modeCount = 16
}

/// Scores generated faces against the data set's prototypes (see `QualityScore`).
public struct QualityScorer: Sendable {
    /// RMSE in [0, 1] pixel units below which a sample is its prototype: just under half the
    /// smallest distance between two prototypes (0.0738, glasses or hat alone), so by the triangle
    /// inequality a good sample is nearer its own prototype than any other can be, and a half-way
    /// blend of two modes (0.052 from both) is not good. Real images score 0; a grey image 0.43;
    /// uniform noise ≈ 0.52 (measured in QualityScoreTests).
    public static let threshold = 0.035

    /// The prototypes in [0, 1], planar RGB.
    private let prototypes: [[Float]]
    /// The data set's probability of each mode: ¼ · P(glasses) · P(hat).
    public let modeProbabilities: [Double]

    public init() {
        prototypes = SmileyDataset.prototypes.map { $0.map { ($0 + 1) / 2 } }
        modeProbabilities = SmileyDataset.Attributes.all.map { attributes in
            0.25 * (attributes.glasses ? SmileyDataset.glassesProbability : 1 - SmileyDataset.glassesProbability)
                * (attributes.hat ? SmileyDataset.hatProbability : 1 - SmileyDataset.hatProbability)
        }
    }

    /// Nearest prototype and its RMSE (in [0, 1] units) for one image given in [-1, 1], planar RGB.
    public func nearest(_ image: UnsafeBufferPointer<Float>) -> (mode: Int, rmse: Double) {
        var best = (mode: 0, squared: Double.infinity)
        for (mode, prototype) in prototypes.enumerated() {
            var sum: Float = 0
            prototype.withUnsafeBufferPointer { p in
                for i in 0..<p.count {
                    let d = min(1, max(0, (image[i] + 1) / 2)) - p[i]
                    sum += d * d
                }
            }
            if Double(sum) < best.squared { best = (mode, Double(sum)) }
        }
        return (best.mode, (best.squared / Double(image.count)).squareRoot())
    }

    /// Scores `count` images of 3 × 64 × 64 values in [-1, 1].
    public func score(_ pixels: UnsafeBufferPointer<Float>, count: Int) -> QualityScore {
        let size = SmileyDataset.pixelsPerImage
        precondition(pixels.count == count * size, "QualityScorer: \(pixels.count) values for \(count) images")
        var counts = [Int](repeating: 0, count: QualityScore.modeCount)
        var rmseSum = 0.0
        for index in 0..<count {
            let (mode, rmse) = nearest(UnsafeBufferPointer(rebasing: pixels[(index * size)..<((index + 1) * size)]))
            if rmse < QualityScorer.threshold { counts[mode] += 1 }
            rmseSum += rmse
        }
        let good = counts.reduce(0, +)
        let totalVariation = good == 0 ? 1 : 0.5 * zip(counts, modeProbabilities).reduce(0.0) {
            $0 + abs(Double($1.0) / Double(good) - $1.1)
        }
        return QualityScore(precision: count == 0 ? 0 : Double(good) / Double(count), modesCovered: counts.filter { $0 > 0 }.count,
                            totalVariation: totalVariation, samples: count, meanRMSE: count == 0 ? 0 : rmseSum / Double(count),
                            modeCounts: counts)
    }

    public func score(_ pixels: [Float], count: Int) -> QualityScore {
        pixels.withUnsafeBufferPointer { score($0, count: count) }
    }

    /// The TV distance that chance alone gives `good` faces drawn at the data set's own frequencies,
    /// on average: the floor a measured TV on that many good samples can be compared with (a
    /// perfect sampler's 920 good faces: about 0.05). 1 for none, as the score's TV.
    /// Each mode's count is binomial, so E[TV] = ½ Σ E|X − n·p| / n, summed exactly.
    public func chanceTotalVariation(good n: Int) -> Double {
        guard n > 0 else { return 1 }
        let logFactorials = (0...n).reduce(into: [Double]()) { table, k in table.append(k == 0 ? 0 : table[k - 1] + log(Double(k))) }
        var deviation = 0.0
        for p in modeProbabilities {
            let mean = Double(n) * p, logP = log(p), logQ = log(1 - p)
            for k in 0...n {
                let logMass = logFactorials[n] - logFactorials[k] - logFactorials[n - k] + Double(k) * logP + Double(n - k) * logQ
                deviation += exp(logMass) * abs(Double(k) - mean)
            }
        }
        return 0.5 * deviation / Double(n)
    }
}
