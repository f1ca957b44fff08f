import TrainerProtocol
import XCTest
@testable import DCGANEngine

final class QualityScoreTests: XCTestCase {
    let scorer = QualityScorer()

    private func images(_ indices: [Int]) -> [Float] { indices.flatMap { SmileyDataset.prototypes[$0] } }

    func testThresholdIsBelowHalfTheSmallestDistanceBetweenPrototypes() {
        var smallest = Double.infinity
        for a in 0..<16 {
            for b in (a + 1)..<16 {
                var sum = 0.0
                for (x, y) in zip(SmileyDataset.prototypes[a], SmileyDataset.prototypes[b]) {
                    sum += Double((x - y) / 2) * Double((x - y) / 2)
                }
                smallest = min(smallest, (sum / Double(SmileyDataset.pixelsPerImage)).squareRoot())
            }
        }
        XCTAssertEqual(smallest, 0.0738, accuracy: 0.001)
        XCTAssertLessThan(QualityScorer.threshold, smallest / 2)
    }

    func testRealDataScoresPerfectly() {
        let dataset = SmileyDataset(seed: 0, count: 256)
        let score = scorer.score(images(dataset.items.map(\.prototypeIndex)), count: 256)
        XCTAssertEqual(score.precision, 1)
        XCTAssertEqual(score.modesCovered, 16)
        XCTAssertLessThan(score.totalVariation, 0.15, "256 draws from the data set's own distribution")
    }

    func testPureNoiseScoresZero() {
        var random = RandomGenerator(seed: 2)
        let noise = (0..<(64 * SmileyDataset.pixelsPerImage)).map { _ in random.uniform(-1, 1) }
        let score = scorer.score(noise, count: 64)
        XCTAssertEqual(score.precision, 0)
        XCTAssertEqual(score.modesCovered, 0)
        XCTAssertEqual(score.totalVariation, 1)
        let rmse = noise.withUnsafeBufferPointer { scorer.nearest(UnsafeBufferPointer(rebasing: $0[0..<SmileyDataset.pixelsPerImage])).rmse }
        XCTAssertGreaterThan(rmse, 0.45)
    }

    func testOneRepeatedPrototypeIsOneModeWithLargeTV() {
        let score = scorer.score(images(Array(repeating: 5, count: 32)), count: 32)
        XCTAssertEqual(score.precision, 1)
        XCTAssertEqual(score.modesCovered, 1)
        XCTAssertEqual(score.modeCounts[5], 32)
        // Mode 5 is blue, no glasses, a hat: TV = 1 − p(mode 5) = 1 − ¼·0.7·0.2.
        XCTAssertEqual(score.totalVariation, 1 - 0.25 * 0.7 * 0.2, accuracy: 1e-9)
    }

    /// A prototype with a uniform shift of every pixel: RMSE = the shift, so just under and just
    /// over the threshold decide good and not good.
    func testNearMissJustUnderAndOverTheThreshold() {
        for (shift, good) in [(QualityScorer.threshold - 0.002, true), (QualityScorer.threshold + 0.002, false)] {
            // Yellow's blue channel is 0 and white is 1: shift toward the middle, in [0, 1] units.
            let prototype = SmileyDataset.prototypes[0].map { v -> Float in
                let unit = (v + 1) / 2
                let moved = unit > 0.5 ? unit - Float(shift) : unit + Float(shift)
                return moved * 2 - 1
            }
            let (mode, rmse) = prototype.withUnsafeBufferPointer { scorer.nearest($0) }
            XCTAssertEqual(mode, 0)
            XCTAssertEqual(rmse, shift, accuracy: 1e-4)
            XCTAssertEqual(scorer.score(prototype, count: 1).precision, good ? 1 : 0, "shift \(shift)")
        }
    }

    /// The TV chance alone gives good samples drawn at the data's frequencies: exact for one and
    /// two samples, the normal approximation's Σ √(p(1−p)/(2πn)) for many, and falling with n.
    func testChanceTotalVariation() {
        let p = scorer.modeProbabilities
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(scorer.chanceTotalVariation(good: 0), 1)
        // One sample: its mode is off by 1 − p, every other by p; so E[TV] = Σ p(1 − p).
        XCTAssertEqual(scorer.chanceTotalVariation(good: 1), p.reduce(0) { $0 + $1 * (1 - $1) }, accuracy: 1e-12)
        // Two: X = 0, 1, 2 with |X − 2p| = 2p, |1 − 2p|, 2 − 2p.
        let two = p.reduce(0.0) { sum, p in
            sum + (1 - p) * (1 - p) * 2 * p + 2 * p * (1 - p) * abs(1 - 2 * p) + p * p * (2 - 2 * p)
        }
        XCTAssertEqual(scorer.chanceTotalVariation(good: 2), 0.5 * two / 2, accuracy: 1e-12)
        let many = 20_000
        let normal = p.reduce(0) { $0 + ($1 * (1 - $1) / (2 * Double.pi * Double(many))).squareRoot() }
        XCTAssertEqual(scorer.chanceTotalVariation(good: many), normal, accuracy: 0.01 * normal)
        let floors = [10, 100, 920, 4096].map { scorer.chanceTotalVariation(good: $0) }
        XCTAssertEqual(floors, floors.sorted(by: >))
        XCTAssertEqual(floors[2], 0.047, accuracy: 0.001, "the README's floor for 920 good faces")
    }

    func testOrderingPrefersPrecisionThenModesThenTV() {
        let a = QualityMetrics(precision: 0.9, modesCovered: 10, modes: 16, totalVariation: 0.5)
        let b = QualityMetrics(precision: 0.8, modesCovered: 16, modes: 16, totalVariation: 0.1)
        XCTAssertTrue(a.isBetter(than: b))
        XCTAssertFalse(b.isBetter(than: a))
        XCTAssertFalse(a.isBetter(than: a), "a tie is not better: best.safetensors keeps the earlier")
        var c = a; c.modesCovered = 11
        XCTAssertTrue(c.isBetter(than: a))
        var d = a; d.totalVariation = 0.4
        XCTAssertTrue(d.isBetter(than: a))
    }
}
