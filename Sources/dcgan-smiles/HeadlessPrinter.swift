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
                print(json(metrics))
                if progress, let info {
                    printError(String(format: "\repoch %d  step %d/%d  d_loss %.4f  g_loss %.4f  %.1f img/s ",
                                      metrics.epoch, metrics.iteration, info.totalIterations, metrics.dLoss, metrics.gLoss,
                                      metrics.imagesPerSecond), terminator: "")
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
                print(json(summary))
            default:
                break
            }
        }
        fflush(nil)
        return exitCode
    }

    /// Numbers in JSON; a non-finite loss (divergence) is written as null.
    private static func number(_ value: Float) -> String { value.isFinite ? "\(value)" : "null" }
    private static func number(_ value: Double) -> String { value.isFinite ? String(format: "%.3f", value) : "null" }

    static func json(_ m: StepMetrics) -> String {
        "{\"epoch\":\(m.epoch),\"iteration\":\(m.iteration),\"d_loss\":\(number(m.dLoss)),\"g_loss\":\(number(m.gLoss)),"
            + "\"d_x\":\(number(m.dX)),\"d_g_z\":\(number(m.dGZ)),\"lr_g\":\(number(m.lrG)),\"lr_d\":\(number(m.lrD)),"
            + "\"images_per_s\":\(number(m.imagesPerSecond))}"
    }

    static func json(_ s: RunSummary) -> String {
        "{\"summary\":{\"state\":\"\(s.state.rawValue.lowercased())\",\"iterations\":\(s.iterations),\"epochs\":\(s.epochs),"
            + "\"seconds\":\(number(s.seconds)),\"images_per_s\":\(number(s.imagesPerSecond)),"
            + "\"d_loss\":\(number(s.lastDLoss)),\"g_loss\":\(number(s.lastGLoss))}}"
    }
}
