import Foundation

/// The JSON-lines form of step metrics and summaries: stdout of `train --headless` and the run
/// directory's `metrics.jsonl`. A non-finite number (divergence) is written as null.
extension StepMetrics {
    public var jsonLine: String {
        "{\"epoch\":\(epoch),\"iteration\":\(iteration),\"d_loss\":\(json(dLoss)),\"g_loss\":\(json(gLoss)),"
            + "\"d_x\":\(json(dX)),\"d_g_z\":\(json(dGZ)),\"lr_g\":\(json(lrG)),\"lr_d\":\(json(lrD)),"
            + "\"images_per_s\":\(json(imagesPerSecond))}"
    }
}

extension RunSummary {
    public var jsonLine: String {
        "{\"summary\":{\"state\":\"\(state.rawValue.lowercased())\",\"iterations\":\(iterations),\"epochs\":\(epochs),"
            + "\"seconds\":\(json(seconds)),\"images_per_s\":\(json(imagesPerSecond)),"
            + "\"d_loss\":\(json(lastDLoss)),\"g_loss\":\(json(lastGLoss))}}"
    }
}

extension QualityReport {
    public var jsonLine: String {
        func metrics(_ m: QualityMetrics) -> String {
            "{\"precision\":\(json(m.precision)),\"modes\":\(m.modesCovered),\"tv\":\(json(m.totalVariation)),"
                + "\"rmse\":\(json(m.meanRMSE))}"
        }
        return "{\"quality\":{\"epoch\":\(epoch),\"iteration\":\(iteration),\"seconds\":\(json(seconds)),"
            + "\"samples\":\(samples),\"train\":\(metrics(train)),\"eval\":\(metrics(eval)),"
            + (live.map { "\"live\":\(metrics($0))," } ?? "") + "\"arithmetic\":\"\(arithmetic)\","
            + "\"cost_seconds\":\(json(costSeconds))}}"
    }
}

private func json(_ value: Float) -> String { value.isFinite ? "\(value)" : "null" }
private func json(_ value: Double) -> String { value.isFinite ? String(format: "%.3f", value) : "null" }
