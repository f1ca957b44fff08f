import XCTest
@testable import DCGANEngine

/// Top-k training: which fakes G learns from, and how k falls.
final class TopKTests: XCTestCase {
    /// k starts at the whole batch and falls by the decay each epoch to its floor, rounded, ≥ 1.
    func testKFallsByTheDecayEachEpochToTheFloor() {
        let topK = TopK(floor: 0.5, decay: 0.9)
        XCTAssertEqual((0..<9).map { topK.count(batch: 64, completedEpochs: $0) }, [64, 58, 52, 47, 42, 38, 34, 32, 32])
        XCTAssertEqual(TopK(floor: 0.01, decay: 0.5).count(batch: 8, completedEpochs: 20), 1, "at least one fake")
        XCTAssertEqual(TopK(floor: 1, decay: 0.5).count(batch: 8, completedEpochs: 3), 8, "floor 1: every fake")
    }

    /// The kept gradients are the k largest outputs' (ties to the earlier index), scaled from a mean
    /// over the batch to a mean over the k; the others are zero.
    func testSelectionKeepsTheLargestOutputsAndRescales() {
        let outputs: [Float] = [0.2, -1.5, 3.0, 0.2, 0.7, -0.1]
        var gradient: [Float] = [1, 2, 3, 4, 5, 6]
        let kept = outputs.withUnsafeBufferPointer { o in gradient.withUnsafeMutableBufferPointer { TopK.select(3, of: o, gradient: $0) } }
        XCTAssertEqual(kept, [2, 4, 0])
        XCTAssertEqual(gradient, [2, 0, 6, 0, 10, 0])
    }

    /// The first epoch trains as without top-k (k = the batch); the next one differs, and only in
    /// G's step: D's loss of its first step after the epoch is the same, G's differs.
    func testTheFirstEpochIsTheSeedsStep() throws {
        var config = TrainingConfig.tiny()
        config.datasetSize = 16 // two steps an epoch
        let plain = try DCGANTrainer(config: config)
        config.topK = TopK(floor: 0.5, decay: 0.5)
        let topK = try DCGANTrainer(config: config)
        for _ in 0..<2 {
            let (a, b) = (try topK.step(), try plain.step())
            XCTAssertEqual(a.gLoss.bitPattern, b.gLoss.bitPattern)
        }
        XCTAssertEqual(Array(topK.generator.parameters.values), Array(plain.generator.parameters.values))
        let (a, b) = (try topK.step(), try plain.step())
        XCTAssertEqual(a.dLoss.bitPattern, b.dLoss.bitPattern, "D's step is untouched")
        XCTAssertLessThan(a.gLoss, b.gLoss, "G's loss is over the fakes D rates most real: lower")
        XCTAssertNotEqual(Array(topK.generator.parameters.values), Array(plain.generator.parameters.values))
    }

    func testBadValuesAreRefusedAndTheDescriptionNamesIt() {
        for (topK, option) in [(TopK(floor: 0, decay: 0.99), "--top-k "), (TopK(floor: 1.5, decay: 0.99), "--top-k "),
                               (TopK(floor: 0.5, decay: 0), "--top-k-decay"), (TopK(floor: 0.5, decay: .nan), "--top-k-decay")] {
            var config = TrainingConfig()
            config.topK = topK
            XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".hasPrefix(option), "\($0)") }
        }
        var config = TrainingConfig()
        config.topK = TopK(floor: 0.5, decay: 0.95)
        XCTAssertEqual(Recipe.describe(config), "custom: top-k (k ×0.95 an epoch, floor 0.5 of the batch)")
    }
}
