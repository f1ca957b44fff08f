import ArgumentParser
import DCGANEngine
import Foundation
import TrainerProtocol

extension Precision: ExpressibleByArgument {}
extension ConvolutionLayout: ExpressibleByArgument {}

/// `bench`: times full training steps of the recipe (the engine measures, this only prints).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time training steps (D step + G step) of the recipe: images/s, GFLOP/s, time per phase, peak RSS.")

    @OptionGroup var recipe: RecipeOptions
    @Option(help: "Convolution arithmetic: f32, or bf16 (bfloat16 activations and weights, float32 master weights).")
    var precision: Precision = .f32
    @Option(help: "Timed steps after the warm-up (default: 10); with --time-to-quality, the steps of each run (default: 1500).")
    var steps: Int?
    @Option(help: "Untimed warm-up steps.")
    var warmup = 3
    @Flag(help: "One JSON object instead of the table.")
    var json = false
    @Flag(help: "A per-layer table: forward, backward-data, backward-weights times, layouts and kernels.")
    var layers = false
    @Option(help: "Score this many generated samples against the data set's prototypes after the timed steps; with --time-to-quality, the fixed samples of each measurement (default there: 1024).")
    var quality: Int?
    @Flag(help: "Lever off: plain NCHW activations everywhere instead of the convolutions' preferred layouts.")
    var plainLayouts = false
    @Flag(name: .customLong("no-bn-relu-fusion"), help: "Lever off: BatchNorm and ReLU as two passes.")
    var noBatchNormReLUFusion = false
    @Flag(name: .customLong("no-conv-activation-fusion"),
          help: "Lever off: activations after a convolution as a separate pass, not a post-op.")
    var noConvolutionActivationFusion = false
    @Flag(name: .customLong("no-in-place"), help: "Lever off: activations after BatchNorm into their own buffers.")
    var noInPlace = false
    @Flag(name: .customLong("no-swapped-weight-gradients"),
          help: "Lever off: every weight gradient by oneDNN's backward-weights kernels.")
    var noSwappedWeightGradients = false
    @Flag(help: "Train the recipe from each seed, score it every --quality-every steps, and report the steps and seconds until clean faces (eval-mode precision >= 0.9 with 16/16 modes) and where each run stands at fixed budgets.")
    var timeToQuality = false
    @Option(help: "With --time-to-quality: steps between quality measurements.")
    var qualityEvery = 100
    @Option(help: "With --time-to-quality: arithmetic of the scoring passes, as train's --quality-arithmetic.")
    var qualityArithmetic: QualityArithmetic = .auto
    @OptionGroup var truncation: TruncationOptions
    @Option(parsing: .upToNextOption, help: "With --time-to-quality: the seeds to run, one after another (default: --seed's).")
    var seeds: [UInt64] = []
    @Option(parsing: .upToNextOption,
            help: "Layout overrides for convolutions, as G<module>=<layout> or D<module>=<layout> (any, plain, nhwc).")
    var layout: [String] = []

    func validate() throws {
        if let steps, steps <= 0 { throw ValidationError("--steps must be a positive integer, got \(steps)") }
        if qualityEvery <= 0 { throw ValidationError("--quality-every must be a positive integer, got \(qualityEvery)") }
        if timeToQuality, precision != .f32 || json || layers {
            throw ValidationError("--time-to-quality trains in f32 and prints its own table: it takes none of --precision, --json, --layers")
        }
        if warmup < 0 { throw ValidationError("--warmup must be 0 or more, got \(warmup)") }
        try recipe.validateOverRecipe()
        if let quality, quality < (timeToQuality ? 1 : 0) {
            throw ValidationError("--quality must be \(timeToQuality ? "a positive integer with --time-to-quality" : "0 or more"), got \(quality)")
        }
        _ = try overrides()
    }

    private func overrides() throws -> (generator: [Int: ConvolutionLayout], discriminator: [Int: ConvolutionLayout]) {
        var g: [Int: ConvolutionLayout] = [:], d: [Int: ConvolutionLayout] = [:]
        for entry in layout {
            let parts = entry.split(separator: "=")
            guard parts.count == 2, let net = parts[0].first, "GD".contains(net), let module = Int(parts[0].dropFirst()),
                  let value = ConvolutionLayout(rawValue: String(parts[1])) else {
                throw ValidationError("--layout expects G<module>=<any|plain|nhwc> or D<module>=…, got \(entry)")
            }
            if net == "G" { g[module] = value } else { d[module] = value }
        }
        return (g, d)
    }

    func run() async throws {
        if timeToQuality { return try runTimeToQuality() }
        if precision == .bf16, !Precision.bf16IsAvailable { throw CommandFailure("--precision bf16: \(BF16UnavailableError())") }
        var options = BenchmarkOptions()
        options.config = recipe.makeConfig()
        options.threads = recipe.threads
        options.steps = steps ?? 10
        options.warmupSteps = warmup
        options.graph.precision = precision
        options.graph.preferredLayouts = !plainLayouts
        options.graph.fuseBatchNormReLU = !noBatchNormReLUFusion
        options.graph.fuseConvolutionActivation = !noConvolutionActivationFusion
        options.graph.inPlaceActivations = !noInPlace
        options.graph.swappedWeightGradients = !noSwappedWeightGradients
        options.qualitySamples = quality ?? 0
        let (g, d) = try overrides()
        options.generatorLayouts = g
        options.discriminatorLayouts = d
        let report = try Benchmark.run(options)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.table(report, layers: layers))
        }
    }

    static func table(_ r: BenchmarkReport, layers: Bool) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        func number(_ value: Double, _ width: Int, _ decimals: Int = 1) -> String {
            let text = String(format: "%.\(decimals)f", value)
            return String(repeating: " ", count: max(0, width - text.count)) + text
        }
        var lines: [String] = []
        lines.append("dcgan-smiles \(r.precision), batch \(r.batchSize), \(r.threads) threads, \(r.steps) steps")
        lines.append(String(format: "  %.4f s/step  %.1f images/s  %.1f GFLOP/step  %.1f GFLOP/s  peak RSS %.0f MiB",
                            r.secondsPerStep, r.imagesPerSecond, r.gflopPerStep, r.gflopPerSecond, r.peakRSSMiB))
        lines.append("  " + pad("phase", 26) + "  ms/step   share")
        for phase in r.phases {
            lines.append("  " + pad(phase.name, 26) + number(phase.secondsPerStep * 1000, 9)
                         + number(100 * phase.secondsPerStep / r.secondsPerStep, 7) + "%")
        }
        if layers {
            lines.append("")
            lines.append("  net module " + pad("layer", 20) + " fwd ms  bwd-data  bwd-wts  reorder   GFLOP  GFLOP/s  layouts; kernels")
            for l in r.layers {
                let ms = l.forwardMs + l.backwardDataMs + l.backwardWeightsMs
                let rate = l.gflopPerStep > 0 && ms > 0 ? number(l.gflopPerStep / (ms / 1000), 8) : "       -"
                lines.append("  " + String(l.network.prefix(1)).uppercased() + number(Double(l.module), 7, 0) + " "
                             + pad(l.name, 20) + number(l.forwardMs, 7) + number(l.backwardDataMs, 10)
                             + number(l.backwardWeightsMs, 9) + number(l.reorderMs, 9) + number(l.gflopPerStep, 8, 2)
                             + " " + rate + "  " + l.layouts + "; " + l.implementations)
            }
        }
        if let q = r.quality {
            lines.append(String(format: "  quality (%d samples): train-mode BN precision %.2f, %d/16 modes, TV %.2f, "
                                + "mean RMSE to nearest prototype %.4f; eval-mode BN precision %.2f, %d/16 modes, TV %.2f, "
                                + "mean RMSE %.4f", q.samples, q.trainModePrecision, q.trainModeModes, q.trainModeTV,
                                q.trainModeMeanRMSE, q.evalModePrecision, q.evalModeModes, q.evalModeTV, q.evalModeMeanRMSE))
        }
        return lines.joined(separator: "\n")
    }

    /// `--time-to-quality`: one run per seed, a line per measurement as it comes (unbuffered: a run
    /// takes an hour, and a file or pipe should see each line then), then a summary.
    private func runTimeToQuality() throws {
        var options = TimeToQualityOptions()
        options.threads = recipe.threads
        options.steps = steps ?? 1500
        options.every = qualityEvery
        options.arithmetic = qualityArithmetic
        if let quality { options.samples = quality }
        var base = recipe.makeConfig()
        base.samplingTruncation = try truncation.resolved(over: base.samplingTruncation, from: "the recipe")
        let seeds = self.seeds.isEmpty ? [base.seed] : self.seeds
        printLine("time to quality: recipe \(Recipe.describe(base)); \(options.steps) steps per seed, scored every \(options.every) steps "
              + "(\(options.samples) fixed samples in \(options.arithmetic.resolved().rawValue)"
              + (base.samplingTruncation == nil ? "" : "; the kept faces are scored")
              + "; target: eval-mode precision >= 0.9 with 16/16 modes; seconds = training only)")
        var runs: [TimeToQualityRun] = []
        for seed in seeds {
            options.config = base
            options.config.seed = seed
            let run = try TimeToQuality.run(options) { report in
                printLine(Self.qualityLine(seed: seed, report))
            }
            runs.append(run)
        }
        printLine(Self.timeToQualityTable(runs, steps: options.steps))
    }

    static func qualityLine(seed: UInt64, _ r: QualityReport) -> String {
        var line = String(format: "  seed %llu  step %5d  %7.1f s  precision %.3f  modes %2d/16  TV %.3f  RMSE %.4f",
                          seed, r.iteration, r.seconds, r.sampled.precision, r.sampled.modesCovered, r.sampled.totalVariation,
                          r.sampled.meanRMSE)
        if r.kept != nil {
            line += String(format: "  (all: precision %.3f, modes %d)", r.eval.precision, r.eval.modesCovered)
        }
        if let live = r.live {
            line += String(format: "  (trained G: precision %.3f, modes %d, RMSE %.4f)", live.precision, live.modesCovered, live.meanRMSE)
        }
        return line
    }

    static func timeToQualityTable(_ runs: [TimeToQualityRun], steps: Int) -> String {
        let budgets = [500, 1000, 1500, 2000, 3000].filter { $0 < steps } + [steps]
        var lines = ["", "  seed  clean at (steps, s)  lapses after   " + budgets.map { "@\($0): prec modes  TV  " }.joined()]
        for run in runs {
            let reached = run.reached.map { String(format: "%5d  %8.1f s", $0.iteration, $0.seconds) } ?? "   not reached  "
            var line = String(format: "  %4llu  ", run.seed) + reached + String(format: "     %3d         ", run.lapses)
            for budget in budgets {
                if let r = run.standing(at: budget) {
                    line += String(format: "    %.2f %2d  %.2f  ", r.sampled.precision, r.sampled.modesCovered, r.sampled.totalVariation)
                } else {
                    line += "       -           "
                }
            }
            lines.append(line)
        }
        let reached = runs.compactMap(\.reached).map(\.iteration).sorted()
        lines.append("  clean in \(reached.count) of \(runs.count) runs" + (reached.isEmpty ? "" : "; median steps of those: \(reached[reached.count / 2])"))
        return lines.joined(separator: "\n")
    }
}
