import Dispatch
import TrainerProtocol

/// Measures the generator's quality on a fixed noise batch during training, keeps the best score
/// (for `best.safetensors` and early stopping) and watches for mode collapse.
final class QualityMonitor {
    let samples: Int
    /// The arithmetic of the scoring passes (the networks' own options are left alone).
    let precision: Precision
    /// Also score the trained G when a moving average samples (a third pass).
    let scoresLive: Bool
    /// Also score the faces Jacobian truncation keeps (eval mode), which then count as what samples.
    let truncation: JacobianTruncation?
    private let scorer = QualityScorer()
    private let noise: Tensor
    /// Truncation's candidates: `noise`, then more latents of the same stream.
    private let candidates: Tensor?
    private let seed: UInt64
    private var history: [QualityReport] = []
    /// The run's best and first clean measurement, this monitor's and, when it continues one, those
    /// before (see `init`).
    private(set) var record: QualityRecord
    /// The basis of the record `init` was asked to continue, when it was measured another way and
    /// had something to lose (a best or a first clean measurement).
    let restartedFrom: String?
    /// The step of the best measurement.
    var bestIteration: Int { record.best?.iteration ?? 0 }

    /// `continuing`: a resumed run's record (its checkpoint's); kept when it was measured the same
    /// way, its best only when `keepsBest` (the run writes into the directory that has that best).
    init(trainer: DCGANTrainer, samples: Int, seed: UInt64, precision: Precision, scoresLive: Bool,
         truncation: JacobianTruncation? = nil, continuing earlier: QualityRecord? = nil, keepsBest: Bool = true) throws {
        if precision == .bf16, !Precision.bf16IsAvailable { throw BF16UnavailableError() } // at the start, not at every measurement
        self.samples = samples
        self.precision = precision
        self.scoresLive = scoresLive
        self.truncation = truncation
        self.seed = seed
        let basis = QualityRecord.basis(samples: samples, arithmetic: precision, averaged: trainer.generatorAverage != nil,
                                        truncation: truncation)
        if let earlier, earlier.basis == basis {
            record = QualityRecord(basis: basis, best: keepsBest ? earlier.best : nil, firstClean: earlier.firstClean)
            restartedFrom = nil
        } else {
            record = QualityRecord(basis: basis)
            restartedFrom = earlier.flatMap { $0.best != nil || $0.firstClean != nil ? $0.basis : nil }
        }
        var random = RandomGenerator(seed: seed ^ 0x5155_414C_4954_5921) // its own stream: scoring never changes training
        noise = try trainer.makeNoise(batch: samples, random: &random)
        if let truncation {
            let more = try trainer.makeNoise(batch: truncation.candidates(for: samples) - samples, random: &random)
            let all = try trainer.generator.makeInput(batch: more.dims[0] + samples)
            all.copy(from: noise.toArray() + more.toArray())
            candidates = all
        } else {
            candidates = nil
        }
    }

    /// Scores the sampling generator in both BatchNorm modes (and, with `scoresLive`, the trained G
    /// in eval mode when a moving average samples), leaving the running statistics untouched (or
    /// recomputed for the average's current weights, when it recomputes them).
    func measure(_ trainer: DCGANTrainer, seconds: Double) throws -> QualityReport {
        let start = DispatchTime.now().uptimeNanoseconds
        let sampler = trainer.samplingGenerator
        let trainMode = try sampler.preservingStatistics { try sampler.forward(noise, training: true, precision: precision).toArray() }
        let evalMode = try trainer.generate(noise: noise, training: false, precision: precision)
        let train = scorer.score(trainMode, count: samples), eval = scorer.score(evalMode, count: samples)
        let live = trainer.generatorAverage == nil || !scoresLive ? nil
            : scorer.score(try trainer.generator.forward(noise, training: false, precision: precision).toArray(), count: samples)
        var kept: QualityScore?
        if let truncation, let candidates {
            var directions = JacobianTruncation.directions(seed: seed) // the same directions every time
            kept = scorer.score(try trainer.generate(keeping: truncation, of: candidates, samples: samples, precision: precision,
                                                     random: &directions), count: samples)
        }
        func metrics(_ s: QualityScore) -> QualityMetrics {
            QualityMetrics(precision: s.precision, modesCovered: s.modesCovered, modes: QualityScore.modeCount,
                           totalVariation: s.totalVariation, meanRMSE: s.meanRMSE)
        }
        return QualityReport(iteration: trainer.iteration, epoch: max(trainer.iteration - 1, 0) / trainer.config.iterationsPerEpoch + 1,
                             seconds: seconds, samples: samples, train: metrics(train), eval: metrics(eval),
                             live: live.map(metrics), kept: kept.map(metrics), keep: truncation?.keep,
                             keepNeighbours: truncation?.local?.neighbours, keepPower: (truncation?.local?.power).map(Double.init),
                             keepDensity: truncation?.density, keepClusters: truncation?.clusters,
                             arithmetic: precision.rawValue,
                             costSeconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Records a measurement; true when it is the best so far (by precision, then modes, then TV).
    func add(_ report: QualityReport) -> Bool {
        history.append(report)
        return record.add(report)
    }

    /// A warning when the last measurement lost modes sharply (a quarter of them or more against
    /// the best of the previous three) or its TV rose by more than 0.25 over them.
    func collapseWarning() -> String? {
        guard history.count >= 2, let last = history.last else { return nil }
        let window = history.dropLast().suffix(3)
        let mostModes = window.map(\.sampled.modesCovered).max() ?? 0
        let lowestTV = window.map(\.sampled.totalVariation).min() ?? 1
        if mostModes - last.sampled.modesCovered >= max(2, last.sampled.modes / 4) {
            return "mode collapse? modes covered fell from \(mostModes) to \(last.sampled.modesCovered) of \(last.sampled.modes) at step \(last.iteration)"
        }
        if last.sampled.totalVariation - lowestTV > 0.25 {
            return String(format: "mode collapse? TV distance rose from %.2f to %.2f at step %d", lowestTV, last.sampled.totalVariation, last.iteration)
        }
        return nil
    }
}
