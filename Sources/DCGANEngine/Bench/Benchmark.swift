import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What `dcgan-smiles bench` runs: full training steps of a recipe (D step + G step, data loading
/// included), timed after a warm-up, with every primitive execution and Swift-side phase timed.
public struct BenchmarkOptions: Sendable {
    public var config = TrainingConfig()
    /// Precision and levers of both networks.
    public var graph = GraphOptions()
    /// Per-module convolution layout overrides of each network (on top of `graph`).
    public var generatorLayouts: [Int: ConvolutionLayout] = [:]
    public var discriminatorLayouts: [Int: ConvolutionLayout] = [:]
    public var warmupSteps = 3
    public var steps = 10
    /// oneDNN (OpenMP) threads; nil: the runtime's default (all cores).
    public var threads: Int?
    /// Generated samples to score against the data set's prototypes after the timed steps (0: none).
    public var qualitySamples = 0

    public init() {}
}

/// One row of the phase breakdown: seconds per step.
public struct BenchmarkPhase: Sendable, Codable {
    public var name: String
    public var secondsPerStep: Double
}

/// One row of the layer table: milliseconds per step of each pass of one module (summed over the
/// D step's and the G step's executions), with its layouts and kernels.
public struct BenchmarkLayer: Sendable, Codable {
    public var network: String
    public var module: Int
    public var name: String
    public var forwardMs: Double
    public var backwardDataMs: Double
    public var backwardWeightsMs: Double
    /// Layout conversions of activations at this layer's input/gradient, and weight reorders.
    public var reorderMs: Double
    public var gflopPerStep: Double
    public var layouts: String
    public var implementations: String
}

public struct BenchmarkReport: Sendable, Codable {
    public var precision: String
    public var batchSize: Int
    public var threads: Int
    public var steps: Int
    public var secondsPerStep: Double
    public var imagesPerSecond: Double
    /// Nominal floating-point operations of the convolutions executed in one step (2·MACs).
    public var gflopPerStep: Double
    public var gflopPerSecond: Double
    public var phases: [BenchmarkPhase]
    public var layers: [BenchmarkLayer]
    /// Peak resident set size of the process (VmHWM), MiB.
    public var peakRSSMiB: Double
    public var lastDLoss: Float
    public var lastGLoss: Float
    /// d_loss and g_loss of every timed step.
    public var stepLosses: [[Float]]
    /// The generator after the timed steps, scored on `qualitySamples` fixed-noise samples.
    public var quality: BenchmarkQuality?
}

/// `QualityScore` of generated samples, with BatchNorm in training mode (as the previews) and in
/// evaluation mode (running statistics).
public struct BenchmarkQuality: Sendable, Codable {
    public var samples: Int
    public var trainModePrecision: Double
    public var trainModeModes: Int
    public var trainModeTV: Double
    public var evalModePrecision: Double
    public var evalModeModes: Int
    public var evalModeTV: Double
    /// Mean RMSE (pixel units in [0, 1]) of each sample to its nearest prototype: a continuous
    /// measure that moves before any sample passes the score's threshold (0.035).
    public var trainModeMeanRMSE: Double
    public var evalModeMeanRMSE: Double
}

public enum Benchmark {
    /// Builds a trainer for `options.config`, warms up, then times `options.steps` steps.
    public static func run(_ options: BenchmarkOptions) throws -> BenchmarkReport {
        if let threads = options.threads { DNNLContext.setThreads(threads) }
        let context = try DNNLContext()
        let trainer = try DCGANTrainer(config: options.config, context: context)
        var generatorOptions = options.graph, discriminatorOptions = options.graph
        generatorOptions.convolutionLayouts.merge(options.generatorLayouts) { $1 }
        discriminatorOptions.convolutionLayouts.merge(options.discriminatorLayouts) { $1 }
        trainer.generator.options = generatorOptions
        trainer.discriminator.options = discriminatorOptions
        var last: StepResult?
        for _ in 0..<options.warmupSteps { last = try trainer.step() }

        let profiler = ExecutionProfiler()
        context.profiler = profiler
        defer { context.profiler = nil }
        var stepLosses: [[Float]] = []
        stepLosses.reserveCapacity(options.steps)
        let start = profiler.now()
        for _ in 0..<options.steps {
            let result = try trainer.step()
            stepLosses.append([result.dLoss, result.gLoss])
            last = result
        }
        let seconds = profiler.now() - start
        context.profiler = nil
        let steps = Double(options.steps)
        let perStep = seconds / steps

        // Phases: convolutions by network and direction, BatchNorm/activations, reorders, Swift-side work.
        var phase: [String: Double] = [:]
        var flops = 0.0
        for (tag, totals) in profiler.executions {
            flops += totals.flops
            let key: String
            switch (tag.role, tag.network, tag.pass) {
            case (.convolution, "generator", .forward): key = "G forward (conv)"
            case (.convolution, "generator", _): key = "G backward (conv)"
            case (.convolution, _, .forward): key = "D forward (conv)"
            case (.convolution, _, _): key = "D backward (conv)"
            case (.batchNorm, _, _), (.activation, _, _): key = "BN/activations"
            case (.reorder, _, _): key = "layout reorders"
            case (.weightReorder, _, _): key = "weight reorders"
            }
            phase[key, default: 0] += totals.seconds
        }
        for (name, totals) in profiler.phases {
            let key = ["adam": "Adam", "data": "data", "loss": "loss (BCE)"][name] ?? name
            phase[key, default: 0] += totals.seconds
        }
        let optionalPhases: Set = ["instance noise", "generator average"] // listed only when the recipe has them
        let order = ["G forward (conv)", "D forward (conv)", "D backward (conv)", "G backward (conv)", "BN/activations",
                     "layout reorders", "weight reorders", "Adam", "data", "loss (BCE)", "instance noise", "generator average"]
        var phases = order.filter { phase[$0] != nil || !optionalPhases.contains($0) }
            .map { BenchmarkPhase(name: $0, secondsPerStep: (phase[$0] ?? 0) / steps) }
        let accounted = phases.reduce(0) { $0 + $1.secondsPerStep }
        phases.append(BenchmarkPhase(name: "other (Swift, dispatch)", secondsPerStep: max(perStep - accounted, 0)))

        let batch = options.config.batchSize
        let layers = try layerTable(trainer: trainer, profiler: profiler, batch: batch, steps: steps)
        return BenchmarkReport(
            precision: options.graph.precision.rawValue, batchSize: batch, threads: DNNLContext.maxThreads,
            steps: options.steps, secondsPerStep: perStep, imagesPerSecond: Double(batch) / perStep,
            gflopPerStep: flops / steps / 1e9, gflopPerSecond: flops / seconds / 1e9, phases: phases, layers: layers,
            peakRSSMiB: peakResidentMiB(), lastDLoss: last?.dLoss ?? .nan, lastGLoss: last?.gLoss ?? .nan,
            stepLosses: stepLosses, quality: try quality(trainer, samples: options.qualitySamples))
    }

    private static func quality(_ trainer: DCGANTrainer, samples: Int) throws -> BenchmarkQuality? {
        guard samples > 0 else { return nil }
        var random = RandomGenerator(seed: 0x4245_4E43_4851_5541)
        let noise = try trainer.makeNoise(batch: samples, random: &random)
        let scorer = QualityScorer()
        let trainPixels = try trainer.samplingGenerator.preservingStatistics { try trainer.generate(noise: noise, training: true) }
        let evalPixels = try trainer.generate(noise: noise, training: false)
        let train = scorer.score(trainPixels, count: samples), eval = scorer.score(evalPixels, count: samples)
        return BenchmarkQuality(samples: samples, trainModePrecision: train.precision, trainModeModes: train.modesCovered,
                                trainModeTV: train.totalVariation, evalModePrecision: eval.precision,
                                evalModeModes: eval.modesCovered, evalModeTV: eval.totalVariation,
                                trainModeMeanRMSE: train.meanRMSE, evalModeMeanRMSE: eval.meanRMSE)
    }

    private static func layerTable(trainer: DCGANTrainer, profiler: ExecutionProfiler, batch: Int,
                                   steps: Double) throws -> [BenchmarkLayer] {
        var rows: [BenchmarkLayer] = []
        for network in [trainer.generator, trainer.discriminator] {
            for summary in try network.layerSummaries(batch: batch, training: true) {
                var row = BenchmarkLayer(network: network.name, module: summary.module, name: summary.name,
                                         forwardMs: 0, backwardDataMs: 0, backwardWeightsMs: 0, reorderMs: 0,
                                         gflopPerStep: 0, layouts: "\(summary.input) → \(summary.output)",
                                         implementations: summary.implementations)
                for (tag, totals) in profiler.executions where tag.network == network.name && tag.module == summary.module {
                    let ms = totals.seconds / steps * 1000
                    row.gflopPerStep += totals.flops / steps / 1e9
                    switch (tag.role, tag.pass) {
                    case (.reorder, _), (.weightReorder, _): row.reorderMs += ms
                    case (_, .forward): row.forwardMs += ms
                    case (_, .backwardData): row.backwardDataMs += ms
                    case (_, .backwardWeights): row.backwardWeightsMs += ms
                    }
                }
                rows.append(row)
            }
        }
        return rows
    }

    /// VmHWM from /proc/self/status, else getrusage's maximum resident set size.
    public static func peakResidentMiB() -> Double {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if fields.count >= 2, let kib = Double(fields[1]) { return kib / 1024 }
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
