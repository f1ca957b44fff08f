import TrainerProtocol
import XCTest
@testable import DCGANEngine

/// The run's best and first clean quality measurement, and how a resumed run continues them.
final class QualityRecordTests: XCTestCase {
    private func report(_ iteration: Int, precision: Double, modes: Int, tv: Double = 0.1) -> QualityReport {
        let score = QualityMetrics(precision: precision, modesCovered: modes, modes: 16, totalVariation: tv)
        return QualityReport(iteration: iteration, epoch: 1, seconds: Double(iteration) / 4, samples: 256, train: score, eval: score)
    }

    func testTheFirstCleanStaysAndTheBestMustBeBetter() {
        var record = QualityRecord(basis: "b")
        XCTAssertTrue(record.add(report(100, precision: 0.5, modes: 16)))
        XCTAssertNil(record.firstClean)
        XCTAssertFalse(record.add(report(200, precision: 0.5, modes: 16)), "a tie is not better")
        XCTAssertTrue(record.add(report(300, precision: 0.95, modes: 15)))
        XCTAssertNil(record.firstClean, "15 of 16 modes is not clean")
        XCTAssertFalse(record.add(report(400, precision: 0.9, modes: 16, tv: 0.05)), "less precise than step 300")
        XCTAssertEqual(record.firstClean?.iteration, 400)
        XCTAssertEqual(record.firstClean?.seconds, 100)
        XCTAssertTrue(record.add(report(500, precision: 0.97, modes: 16)))
        XCTAssertEqual(record.firstClean?.iteration, 400, "the first clean measurement stays the first")
        XCTAssertEqual(record.best?.iteration, 500)
    }

    /// A monitor continues a record measured its own way (its best only when asked), and starts
    /// afresh, saying from what, when the record was measured another way and had marks.
    func testAMonitorContinuesARecordMeasuredItsOwnWay() throws {
        let trainer = try DCGANTrainer(config: TrainingConfig.tiny())
        let basis = QualityRecord.basis(samples: 8, arithmetic: .f32, averaged: false, truncation: nil)
        var earlier = QualityRecord(basis: basis)
        _ = earlier.add(report(3, precision: 0.92, modes: 16))
        func monitor(samples: Int = 8, keepsBest: Bool) throws -> QualityMonitor {
            try QualityMonitor(trainer: trainer, samples: samples, seed: 1, precision: .f32, scoresLive: false,
                               continuing: earlier, keepsBest: keepsBest)
        }
        let same = try monitor(keepsBest: true)
        XCTAssertEqual(same.record, earlier)
        XCTAssertEqual(same.bestIteration, 3)
        XCTAssertNil(same.restartedFrom)
        let newDirectory = try monitor(keepsBest: false)
        XCTAssertNil(newDirectory.record.best)
        XCTAssertEqual(newDirectory.record.firstClean, earlier.firstClean)
        let otherWay = try monitor(samples: 16, keepsBest: true)
        XCTAssertEqual(otherWay.record, QualityRecord(basis: QualityRecord.basis(samples: 16, arithmetic: .f32, averaged: false, truncation: nil)))
        XCTAssertEqual(otherWay.restartedFrom, basis)
        XCTAssertEqual(basis, "8 samples, f32, trained G")
        earlier = QualityRecord(basis: basis) // nothing measured yet: nothing to lose, no warning
        XCTAssertNil(try monitor(samples: 16, keepsBest: true).restartedFrom)
    }
}
