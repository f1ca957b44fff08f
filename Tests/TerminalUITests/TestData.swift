@testable import TerminalUI
import TrainerProtocol

/// Small builders for events and states used across the tests.
enum TestData {
    static let info = RunInfo(epochs: 5, iterationsPerEpoch: 100, totalIterations: 500, startIteration: 0,
                              batchSize: 64, latentSize: 100, featureMaps: 64, threads: 2, seed: 1,
                              runDirectory: "runs/test")

    static func step(_ iteration: Int, gLoss: Float = 2, dLoss: Float = 1, lrG: Float = 2e-4, lrD: Float = 2e-4,
                     ips: Double = 100) -> StepMetrics {
        StepMetrics(epoch: iteration / 100 + 1, iteration: iteration, dLoss: dLoss, gLoss: gLoss, dX: 0.7, dGZ: 0.3,
                    lrG: lrG, lrD: lrD, imagesPerSecond: ips)
    }

    /// A started run with `steps` steps applied.
    static func running(steps: Int, now: Double = 0) -> UIState {
        var state = UIState()
        _ = state.apply(.started(info), now: now)
        for i in 0..<steps { _ = state.apply(.step(step(i + 1)), now: now) }
        return state
    }

    /// A quality measurement at `iteration` whose sampled faces (eval mode) score `precision`,
    /// `modes` of 16 and `tv`.
    static func quality(_ iteration: Int, precision: Double, modes: Int = 16, tv: Double = 0.1,
                        firstClean: QualityMark? = nil) -> QualityReport {
        let metrics = QualityMetrics(precision: precision, modesCovered: modes, modes: 16, totalVariation: tv)
        return QualityReport(iteration: iteration, epoch: 1, seconds: Double(iteration), samples: 256, train: metrics,
                             eval: metrics, firstClean: firstClean)
    }

    /// A batch of `count` images, each a single flat colour (values in [-1, 1]).
    static func flatBatch(count: Int, size: Int, rgb: (Float, Float, Float), source: ImageBatch.Source = .generated)
        -> ImageBatch {
        var pixels: [Float] = []
        for _ in 0..<count {
            for channel in [rgb.0, rgb.1, rgb.2] { pixels += Array(repeating: channel, count: size * size) }
        }
        return ImageBatch(source: source, count: count, height: size, width: size, pixels: pixels)
    }
}
