import XCTest
@testable import DCGANEngine

/// The training data's clusters, which Jacobian truncation's quotas share the kept faces among:
/// k-means over weighted images, the smiley data set's, the quotas and the nearest centre.
final class DataClustersTests: XCTestCase {
    /// The smiley data set has 16 distinct images: 16 clusters are those images, each at its share
    /// of the faces; asked for more, k-means++ runs out of distinct images and stops at 16.
    func testTheSmileyDataSetsClustersAreItsFacesAtTheirShares() {
        let dataset = SmileyDataset(seed: 3)
        var counts = [Double](repeating: 0, count: 16)
        for item in dataset.items { counts[item.prototypeIndex] += 1 }
        for asked in [16, 32] {
            let clusters = DataClusters(dataset: dataset, clusters: asked, seed: 3)
            XCTAssertEqual(clusters.count, 16, "\(asked) asked")
            var found = Set<Int>()
            for cluster in 0..<clusters.count {
                let centre = Array(clusters.centres[(cluster * clusters.size)..<((cluster + 1) * clusters.size)])
                guard let face = SmileyDataset.prototypes.firstIndex(of: centre) else { return XCTFail("cluster \(cluster) is no face") }
                found.insert(face)
                XCTAssertEqual(clusters.shares[cluster], counts[face] / Double(dataset.count), accuracy: 1e-12, "face \(face)")
            }
            XCTAssertEqual(found.count, 16)
        }
        XCTAssertEqual(DataClusters(trainingDataOf: { var c = TrainingConfig(); c.seed = 3; return c }(), clusters: 16),
                       DataClusters(dataset: dataset, clusters: 16, seed: 3), "a run's data set is its seed's")
    }

    /// Fewer clusters than kinds of image: k-means joins the nearest ones, weighted by their counts.
    func testKMeansJoinsNearImagesAndWeighsThemByTheirCounts() {
        // 1-value images at 0, 1, 10, 12 and 100; the one at 12 counted three times, the one at 100 twice.
        var random = RandomGenerator(seed: 1)
        let clusters = DataClusters(images: [0, 1, 10, 12, 100], size: 1, weights: [1, 1, 1, 3, 2], clusters: 3, random: &random)
        let found = (0..<3).map { (centre: clusters.centres[$0], share: clusters.shares[$0]) }.sorted { $0.centre < $1.centre }
        XCTAssertEqual(found.map(\.centre), [0.5, 11.5, 100], "the weighted means: (10 + 3·12) / 4 = 11.5")
        XCTAssertEqual(found.map(\.share), [2.0 / 8, 4.0 / 8, 2.0 / 8])
        XCTAssertEqual(clusters.shares.reduce(0, +), 1, accuracy: 1e-12)
    }

    func testNearestCentreTiesGoToTheFirst() {
        let clusters = DataClusters(centres: [0, 0, 10, 10], size: 2, shares: [0.5, 0.5])
        XCTAssertEqual(clusters.nearest([1, 1, 9, 8, 5, 5, -3, 20]), [0, 1, 0, 1])
    }

    /// Shares 0.5, 0.3, 0.2 of 7: 3.5, 2.1, 1.4, rounded down to 3, 2, 1, and the one left goes to
    /// the largest remainder (0.5); equal remainders go to the first cluster.
    func testQuotasAreTheSharesRoundedToSumToTheSamples() {
        let clusters = DataClusters(centres: [0, 1, 2], size: 1, shares: [0.5, 0.3, 0.2])
        XCTAssertEqual(clusters.quotas(for: 7), [4, 2, 1])
        XCTAssertEqual(clusters.quotas(for: 10), [5, 3, 2])
        XCTAssertEqual(clusters.quotas(for: 0), [0, 0, 0])
        let even = DataClusters(centres: [0, 1, 2, 3], size: 1, shares: [0.25, 0.25, 0.25, 0.25])
        XCTAssertEqual(even.quotas(for: 6), [2, 2, 1, 1])
        let smiley = DataClusters(dataset: SmileyDataset(seed: 0), clusters: 16, seed: 0)
        XCTAssertEqual(smiley.quotas(for: 1024).reduce(0, +), 1024)
    }
}
