import Foundation
import TrainerProtocol

/// What a run's quality measurements have found so far: its best score (`best.safetensors`, early
/// stopping) and its first measurement with clean faces (time to quality). Checkpoints carry it
/// (`quality_record`), so a resumed run goes on from it instead of forgetting it; training never
/// reads it.
public struct QualityRecord: Sendable, Equatable, Codable {
    /// How the scores were measured (samples, arithmetic, sampler). Scores measured another way
    /// are not comparable, so a resumed run that measures differently starts a record of its own.
    public var basis: String
    /// The best measurement by `QualityMetrics.isBetter` (in the run directory that keeps it).
    public var best: QualityMark?
    public var firstClean: QualityMark?

    /// As checkpoints write and read it; a non-finite number (a NaN mean RMSE of a broken G) is
    /// written as a string rather than failing the save.
    static func encoded(_ record: QualityRecord) throws -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(record), as: UTF8.self)
    }

    static func decoded(_ json: String) throws -> QualityRecord {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(QualityRecord.self, from: Data(json.utf8))
    }

    public init(basis: String, best: QualityMark? = nil, firstClean: QualityMark? = nil) {
        self.basis = basis
        self.best = best
        self.firstClean = firstClean
    }

    /// The basis of a measurement, e.g. "256 samples, f32, moving average, Jacobian truncation keeping 0.50 of …".
    static func basis(samples: Int, arithmetic: Precision, averaged: Bool, truncation: JacobianTruncation?) -> String {
        "\(samples) samples, \(arithmetic.rawValue), \(averaged ? "moving average" : "trained G")"
            + (truncation.map { ", Jacobian truncation \($0.summary)" } ?? "")
    }

    /// Adds a measurement of what sampling draws; true when it is the best so far (a tie is not).
    mutating func add(_ report: QualityReport) -> Bool {
        let mark = QualityMark(iteration: report.iteration, seconds: report.seconds, score: report.sampled)
        if firstClean == nil, mark.score.isClean { firstClean = mark }
        if let best, !mark.score.isBetter(than: best.score) { return false }
        best = mark
        return true
    }
}
