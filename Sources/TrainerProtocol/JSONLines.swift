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

extension StepMetrics {
    /// Reads a step line back (nil for any other line: quality, summary, or damaged). A null
    /// (non-finite) number reads as NaN.
    public init?(jsonLine line: Substring) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let epoch = object["epoch"] as? Int, let iteration = object["iteration"] as? Int,
              object["d_loss"] != nil else { return nil }
        func number(_ key: String) -> Double { (object[key] as? NSNumber)?.doubleValue ?? .nan }
        self.init(epoch: epoch, iteration: iteration, dLoss: Float(number("d_loss")), gLoss: Float(number("g_loss")),
                  dX: Float(number("d_x")), dGZ: Float(number("d_g_z")), lrG: Float(number("lr_g")), lrD: Float(number("lr_d")),
                  imagesPerSecond: number("images_per_s"))
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
            + (live.map { "\"live\":\(metrics($0))," } ?? "")
            + (kept.map { "\"kept\":\(metrics($0)),\"keep\":\(json(keep ?? 1))," } ?? "")
            + (keepNeighbours.map { "\"neighbours\":\($0),\"power\":\(json(keepPower ?? 1))," } ?? "")
            + (keepDensity.map { "\"density\":\($0)," } ?? "") + (keepClusters.map { "\"clusters\":\($0)," } ?? "")
            + "\"arithmetic\":\"\(arithmetic)\","
            + "\"cost_seconds\":\(json(costSeconds))}}"
    }
}

extension QualityReport {
    /// Reads a quality line back (nil for any other line). The line does not say how many modes
    /// the data set has, so the reader does. A null (non-finite) number reads as NaN.
    public init?(jsonLine line: Substring, modes: Int) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let body = object["quality"] as? [String: Any],
              let iteration = body["iteration"] as? Int, let train = Self.metrics(body["train"], modes: modes),
              let eval = Self.metrics(body["eval"], modes: modes) else { return nil }
        func number(_ key: String) -> Double? { (body[key] as? NSNumber)?.doubleValue }
        self.init(iteration: iteration, epoch: body["epoch"] as? Int ?? 0, seconds: number("seconds") ?? .nan,
                  samples: body["samples"] as? Int ?? 0, train: train, eval: eval,
                  live: Self.metrics(body["live"], modes: modes), kept: Self.metrics(body["kept"], modes: modes),
                  keep: number("keep"), keepNeighbours: body["neighbours"] as? Int, keepPower: number("power"),
                  keepDensity: body["density"] as? Int, keepClusters: body["clusters"] as? Int,
                  arithmetic: body["arithmetic"] as? String ?? "f32", costSeconds: number("cost_seconds") ?? .nan)
    }

    private static func metrics(_ value: Any?, modes: Int) -> QualityMetrics? {
        guard let object = value as? [String: Any], let covered = object["modes"] as? Int else { return nil }
        func number(_ key: String) -> Double { (object[key] as? NSNumber)?.doubleValue ?? .nan }
        return QualityMetrics(precision: number("precision"), modesCovered: covered, modes: modes,
                              totalVariation: number("tv"), meanRMSE: number("rmse"))
    }
}

private func json(_ value: Float) -> String { value.isFinite ? "\(value)" : "null" }
private func json(_ value: Double) -> String { value.isFinite ? String(format: "%.3f", value) : "null" }
