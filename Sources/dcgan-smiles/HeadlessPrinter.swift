import DCGANEngine
import Foundation
import TrainerProtocol
#if canImport(Glibc)
import Glibc
#endif

/// `train --headless`: one JSON object per step on stdout, a summary line at the end, and human
/// progress on stderr only when stderr is a terminal.
enum HeadlessPrinter {
    static func run(_ session: TrainingSession) async -> Int32 {
        let progress = isatty(STDERR_FILENO) == 1
        var info: RunInfo?
        var exitCode: Int32 = 0
        session.start()
        for await event in session.events {
            switch event {
            case let .started(runInfo):
                info = runInfo
            case let .step(metrics):
                printLine(metrics.jsonLine)
                if progress, let info {
                    printError(String(format: "\repoch %d  step %d/%d  d_loss %.4f  g_loss %.4f  %.1f img/s ",
                                      metrics.epoch, metrics.iteration, info.totalIterations, metrics.dLoss, metrics.gLoss,
                                      metrics.imagesPerSecond), terminator: "")
                }
            case let .quality(report):
                printLine(report.jsonLine)
                if progress {
                    printError(String(format: "\nquality at step %d: precision %.2f (eval) %.2f (train), modes %d/%d, TV %.2f",
                                      report.iteration, report.eval.precision, report.train.precision,
                                      report.eval.modesCovered, report.eval.modes, report.eval.totalVariation)
                               + (report.kept.map { String(format: "; kept by truncation: precision %.2f, modes %d/%d, TV %.2f",
                                                           $0.precision, $0.modesCovered, $0.modes, $0.totalVariation) } ?? ""))
                }
            case let .stateChanged(state) where state == .diverged:
                // Headless has nobody to ask: a diverged run ends with an error.
                session.send(.stop)
                exitCode = 1
            case let .warning(message):
                printError("\(progress ? "\n" : "")warning: \(message)")
            case let .error(message):
                printError("\(progress ? "\n" : "")error: \(message)")
                exitCode = 1
            case let .finished(summary):
                if progress { printError("") }
                // The run's first measurement with clean faces (before a resume too).
                if let reached = summary.firstClean {
                    printLine("{\"time_to_quality\":{\"iteration\":\(reached.iteration),\"seconds\":\(String(format: "%.3f", reached.seconds))}}")
                }
                printLine(summary.jsonLine)
            default:
                break
            }
        }
        return exitCode
    }
}
