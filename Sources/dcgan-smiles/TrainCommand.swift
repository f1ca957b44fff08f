import ArgumentParser
import DCGANEngine
import Foundation
import TrainerProtocol

extension WeightInit: ExpressibleByArgument {}
extension BCEInput: ExpressibleByArgument {}
extension AverageStatistics: ExpressibleByArgument {}
extension BestCheckpointRule: ExpressibleByArgument {}
extension QualityArithmetic: ExpressibleByArgument {}

/// The recipe's knobs, shared by every command that trains. Optional so that a resumed run can
/// tell a flag given from a default: the checkpoint's configuration wins unless told otherwise.
extension Recipe: ExpressibleByArgument {}

/// Which generator of a checkpoint samples: its moving average (when it has one) or the trained G.
enum GeneratorChoice: String, ExpressibleByArgument, CaseIterable {
    case average, trained
}

struct RecipeOptions: ParsableArguments {
    @Option(help: "Training recipe: tuned (the default: the seed plus the changes measured to help, see the README's Recipe) or seed (exactly the seed's, as PyTorch trains it). The options below change single values of it.")
    var recipe: Recipe?
    @Option(help: "Epochs over the 2000-image data set (default: 300, the seed's).")
    var epochs: Int?
    @Option(help: "Stop after this many steps (overrides --epochs when smaller).")
    var iterations: Int?
    @Option(help: "Images per batch (default: the recipe's; tuned: 128, seed: 64).")
    var batchSize: Int?
    @Option(help: "Learning rate of both networks (Adam; default: the recipe's; tuned: 4e-4, seed: 2e-4).")
    var lr: Float?
    @Option(help: "Learning rate of the generator.")
    var lrG: Float?
    @Option(help: "Learning rate of the discriminator.")
    var lrD: Float?
    @Option(help: "Seed of every random choice: the same seed and thread count give the same run (default: 0).")
    var seed: UInt64?
    @Option(name: .customLong("init"), help: "Weight initialisation: pytorch (the seed's, default) or dcgan (N(0, 0.02)).")
    var initialization: WeightInit?
    @Option(help: "Latent size of the generator's noise (default: 100).")
    var latentSize: Int?
    @Option(help: "Feature maps of the first/last convolution: the width of both networks (default: 64).")
    var featureMaps: Int?
    @Option(help: "Adam's β₁ for both networks, in [0, 1) (the seed's: 0.5).")
    var beta1: Float?
    @Option(help: "Adam's β₂ for both networks, in [0, 1) (the seed's: 0.999).")
    var beta2: Float?
    @Option(help: "Label of real images in D's loss (the seed's smoothing: 0.9).")
    var realLabel: Float?
    @Option(help: "D's loss from: probabilities (the seed's Sigmoid then BCELoss) or logits (BCEWithLogits: the same loss, with G's gradient kept when D is sure).")
    var bceFrom: BCEInput?
    @Option(help: "Decay of the moving average of G's weights that samples, e.g. 0.995 (default: the recipe's; 0: none).")
    var ema: Float?
    @Option(help: "The moving average's BatchNorm statistics: averaged (like its weights, default) or recomputed (its own, on 512 samples of fixed noise, whenever it is scored or saved).")
    var emaStatistics: AverageStatistics?
    @Option(help: "Another decay of the moving average after --ema-late-start steps, e.g. 0.999: a longer average once the faces are found (default: the recipe's; 0: none).")
    var emaLate: Float?
    @Option(help: "Completed steps after which --ema-late applies (default: the recipe's, else 1000).")
    var emaLateStart: Int?
    @Option(help: "Instance noise: std of Gaussian noise (in [-1, 1] pixel units) on every image D sees, fading to 0 (default: none).")
    var instanceNoise: Float?
    @Option(help: "Steps over which the instance noise fades to 0 (default: 1000; 0: no fading).")
    var instanceNoiseSteps: Int?
    @Option(help: "Completed steps after which both learning rates start to decay (default: the recipe's; 0 with --lr-decay-steps alone).")
    var lrDecayStart: Int?
    @Option(help: "Steps over which the rates fall along half a cosine to --lr-floor of themselves (default: the recipe's, else 1000; 0: no decay).")
    var lrDecaySteps: Int?
    @Option(help: "The rates' final fraction after the decay, in (0, 1] (default: the recipe's, else 0.1).")
    var lrFloor: Float?
    @Option(help: "G's learning rate times this after --lr-g-late-start steps, e.g. 0.5: a slower G once its faces have held (default: the recipe's; tuned: 0.5, seed: none; 1: none).")
    var lrGLateFactor: Float?
    @Option(help: "Completed steps after which --lr-g-late-factor applies (default: the recipe's, else 1400).")
    var lrGLateStart: Int?
    @Option(help: "Lookahead on both networks: every this many steps their weights move --lookahead-alpha of the way from where they stood at the last such step (default: the recipe's; 0: none).")
    var lookahead: Int?
    @Option(help: "Lookahead's step towards the trained weights, in (0, 1] (default: the recipe's, else 0.5).")
    var lookaheadAlpha: Float?
    @Option(help: "Top-k training: G's step learns from the fakes D rates most real, a share of the batch falling by --top-k-decay an epoch to this floor, in (0, 1] (default: the recipe's; 0: none).")
    var topK: Float?
    @Option(help: "Top-k's factor on the kept share per epoch, in (0, 1] (default: the recipe's, else 0.99).")
    var topKDecay: Float?
    @Option(help: "R1 gradient penalty on D: γ/2 · mean ‖∇ₓD(x)‖² at the real images added to D's loss, with this γ (default: the recipe's; 0: none).")
    var r1: Float?
    @Option(help: "Lazy R1: the penalty, times this, at every this-many-th step only, for 1/this of its cost (default: the recipe's, else 1: every step).")
    var r1Every: Int?
    @Option(help: "Another R1 γ after --r1-late-start steps, e.g. 10: a stronger pull on D once the faces are found (default: the recipe's; 0: none, nor --r1-later).")
    var r1Late: Float?
    @Option(help: "Completed steps after which --r1-late applies (default: the recipe's, else 1000).")
    var r1LateStart: Int?
    @Option(help: "A third R1 γ after --r1-later-start steps, e.g. 30: after --r1-late's (default: the recipe's; 0: none).")
    var r1Later: Float?
    @Option(help: "Completed steps after which --r1-later applies, after --r1-late-start (default: the recipe's, else 1500).")
    var r1LaterStart: Int?
    @Option(help: "oneDNN (OpenMP) threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let lr, !(lr.isFinite && lr > 0) { throw ValidationError("--lr must be a positive finite number, got \(lr)") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be a positive integer, got \(threads)") }
    }

    /// The flags over the recipe they change (a fresh run's; a resumed run's are checked over its
    /// checkpoint's configuration, by `resumeChanges` and the session).
    func validateOverRecipe() throws {
        if instanceNoiseSteps != nil, makeConfig().instanceNoise == nil {
            throw ValidationError("--instance-noise-steps needs --instance-noise (the recipe has none)")
        }
        if lrDecaySteps == 0, lrDecayStart != nil || lrFloor != nil {
            throw ValidationError("--lr-decay-start and --lr-floor need a decay (--lr-decay-steps 0 turns it off)")
        }
        if lookaheadAlpha != nil, makeConfig().lookahead == nil {
            throw ValidationError("--lookahead-alpha needs --lookahead (the recipe has none)")
        }
        if topKDecay != nil, makeConfig().topK == nil {
            throw ValidationError("--top-k-decay needs --top-k (the recipe has none)")
        }
        if r1Every != nil, makeConfig().gradientPenalty == nil {
            throw ValidationError("--r1-every needs --r1 (the recipe has none)")
        }
        if emaLateStart != nil, makeConfig().generatorAverageLate == nil {
            throw ValidationError("--ema-late-start needs --ema-late (the recipe has none)")
        }
        if lrGLateStart != nil, makeConfig().generatorRateLate == nil {
            throw ValidationError("--lr-g-late-start needs --lr-g-late-factor (the recipe has none)")
        }
        if r1LateStart != nil, makeConfig().gradientPenaltyLate == nil {
            throw ValidationError("--r1-late-start needs --r1-late (the recipe has none)")
        }
        if r1LaterStart != nil, makeConfig().gradientPenaltyLater == nil {
            throw ValidationError("--r1-later-start needs --r1-later (the recipe has none)")
        }
        do { try makeConfig().validate() } catch { throw ValidationError(error.description) }
    }

    func makeConfig() -> TrainingConfig {
        var config = (recipe ?? .tuned).config
        config.epochs = epochs ?? config.epochs
        config.iterations = iterations ?? config.iterations
        config.batchSize = batchSize ?? config.batchSize
        config.learningRateG = lrG ?? lr ?? config.learningRateG
        config.learningRateD = lrD ?? lr ?? config.learningRateD
        config.seed = seed ?? config.seed
        config.weightInit = initialization ?? config.weightInit
        config.beta1 = beta1 ?? config.beta1
        config.beta2 = beta2 ?? config.beta2
        config.realLabel = realLabel ?? config.realLabel
        if let bceFrom { config.bceFrom = bceFrom == .probabilities ? nil : bceFrom }
        if let instanceNoise { config.instanceNoise = instanceNoise == 0 ? nil : instanceNoise }
        config.instanceNoiseSteps = config.instanceNoise == nil ? nil : instanceNoiseSteps ?? config.instanceNoiseSteps ?? 1000
        applySchedule(to: &config)
        if lookahead == 0 {
            config.lookahead = nil
        } else if let interval = lookahead ?? config.lookahead?.interval, lookahead != nil || lookaheadAlpha != nil {
            config.lookahead = Lookahead(interval: interval, alpha: lookaheadAlpha ?? config.lookahead?.alpha ?? 0.5)
        }
        if topK == 0 {
            config.topK = nil
        } else if let floor = topK ?? config.topK?.floor, topK != nil || topKDecay != nil {
            config.topK = TopK(floor: floor, decay: topKDecay ?? config.topK?.decay ?? 0.99)
        }
        config.model = ModelConfig(latentSize: latentSize ?? config.model.latentSize,
                                   featureMaps: featureMaps ?? config.model.featureMaps)
        return config
    }

    /// The flags that may change when resuming (--lr-decay-*, --lr-g-late-*, --r1* (--r1-late 0 drops --r1-later too), --ema,
    /// --ema-statistics, --ema-late*) over `config`: the recipe's, or a checkpoint's when resuming.
    func applySchedule(to config: inout TrainingConfig) {
        if let ema { config.generatorAverageDecay = ema == 0 ? nil : ema }
        if let emaStatistics { config.averageStatistics = emaStatistics == .averaged ? nil : emaStatistics }
        if ema == 0, emaStatistics == nil { config.averageStatistics = nil } // a checkpoint's, with its average
        if emaLate == 0 || (ema == 0 && emaLate == nil) {
            config.generatorAverageLate = nil
        } else if let decay = emaLate ?? config.generatorAverageLate?.decay {
            config.generatorAverageLate = LateAverageDecay(start: emaLateStart ?? config.generatorAverageLate?.start ?? 1000, decay: decay)
        }
        if lrDecaySteps == 0 {
            config.learningRateDecay = nil
        } else if lrDecayStart != nil || lrDecaySteps != nil || lrFloor != nil {
            let decay = config.learningRateDecay ?? LearningRateDecay(start: 0, steps: 1000, floor: 0.1)
            config.learningRateDecay = LearningRateDecay(start: lrDecayStart ?? decay.start, steps: lrDecaySteps ?? decay.steps,
                                                         floor: lrFloor ?? decay.floor)
        }
        if lrGLateFactor == 1 {
            config.generatorRateLate = nil
        } else if let factor = lrGLateFactor ?? config.generatorRateLate?.factor {
            config.generatorRateLate = LateGeneratorRate(start: lrGLateStart ?? config.generatorRateLate?.start ?? 1400, factor: factor)
        }
        if let r1 { config.gradientPenalty = r1 == 0 ? nil : r1 }
        if let r1Every { config.gradientPenaltyInterval = r1Every == 1 ? nil : r1Every }
        if r1Late == 0 || (config.gradientPenalty == nil && r1Late == nil) {
            config.gradientPenaltyLate = nil
        } else if let weight = r1Late ?? config.gradientPenaltyLate?.weight {
            config.gradientPenaltyLate = LateGradientPenalty(start: r1LateStart ?? config.gradientPenaltyLate?.start ?? 1000, weight: weight)
        }
        if r1Later == 0 || (config.gradientPenaltyLate == nil && r1Later == nil) {
            config.gradientPenaltyLater = nil
        } else if let weight = r1Later ?? config.gradientPenaltyLater?.weight {
            config.gradientPenaltyLater = LateGradientPenalty(start: r1LaterStart ?? config.gradientPenaltyLater?.start ?? 1500, weight: weight)
        }
        if config.gradientPenalty == nil { config.gradientPenaltyInterval = nil }
    }

    /// What resuming `checkpoint` with these flags changes: the length, the rates and the schedule
    /// of the steps left, and how it samples. Refuses --r1-every where neither the flags nor the
    /// checkpoint have R1 (and --ema-late-start without a late decay).
    func resumeChanges(for checkpoint: TrainingConfig) throws -> ResumeChanges {
        var changed = checkpoint
        applySchedule(to: &changed)
        if r1Every != nil, changed.gradientPenalty == nil {
            throw CommandFailure("--r1-every needs --r1 (the checkpoint's run has none)")
        }
        if emaLateStart != nil, changed.generatorAverageLate == nil {
            throw CommandFailure("--ema-late-start needs --ema-late (the checkpoint's run has none)")
        }
        if lrGLateStart != nil, changed.generatorRateLate == nil {
            throw CommandFailure("--lr-g-late-start needs --lr-g-late-factor (the checkpoint's run has none)")
        }
        if r1LateStart != nil, changed.gradientPenaltyLate == nil {
            throw CommandFailure("--r1-late-start needs --r1-late (the checkpoint's run has none)")
        }
        if r1LaterStart != nil, changed.gradientPenaltyLater == nil {
            throw CommandFailure("--r1-later-start needs --r1-later (the checkpoint's run has none)")
        }
        return ResumeChanges(epochs: epochs, iterations: iterations, learningRateG: lrG ?? lr, learningRateD: lrD ?? lr,
                             learningRateDecay: .some(changed.learningRateDecay), generatorRateLate: .some(changed.generatorRateLate),
                             gradientPenalty: .some(changed.gradientPenalty),
                             gradientPenaltyInterval: .some(changed.gradientPenaltyInterval),
                             gradientPenaltyLate: .some(changed.gradientPenaltyLate),
                             gradientPenaltyLater: .some(changed.gradientPenaltyLater),
                             generatorAverageDecay: .some(changed.generatorAverageDecay),
                             averageStatistics: .some(changed.averageStatistics),
                             generatorAverageLate: .some(changed.generatorAverageLate))
    }

    /// Flags that define a run and cannot change when it resumes (the length, the rates and the
    /// schedule of the steps left, and how it samples, can).
    var fixedByCheckpoint: [String] {
        [("--recipe", recipe != nil), ("--batch-size", batchSize != nil), ("--seed", seed != nil), ("--init", initialization != nil),
         ("--latent-size", latentSize != nil), ("--feature-maps", featureMaps != nil),
         ("--beta1", beta1 != nil), ("--beta2", beta2 != nil),
         ("--real-label", realLabel != nil), ("--bce-from", bceFrom != nil),
         ("--instance-noise", instanceNoise != nil || instanceNoiseSteps != nil),
         ("--lookahead", lookahead != nil || lookaheadAlpha != nil),
         ("--top-k", topK != nil || topKDecay != nil)].filter(\.1).map(\.0)
    }
}

struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train on the built-in smiley data set: the interactive trainer on a terminal, JSON lines with --headless.")

    @OptionGroup var recipe: RecipeOptions
    @Flag(help: "No terminal UI: one JSON object per step on stdout, then a summary line.")
    var headless = false
    @Option(help: "Directory for checkpoints (default runs/<date-time>).")
    var runDir: String?
    @Option(help: "Send a preview of generated faces every this many steps.")
    var previewEvery = 25
    @Option(help: "Continue a checkpoint exactly where it stopped (its configuration; --epochs/--iterations may extend it, --lr*, --r1* change the steps left, --ema* and --jacobian-truncation* how it samples).")
    var resume: String?
    @Option(help: "Also write last.safetensors every this many steps (default: only at the end of each epoch).")
    var saveEvery = 0
    @Option(help: "Manual step-<n>.safetensors checkpoints kept in the run directory (0: all).")
    var keep = 10
    @Option(help: "Measure the quality score every this many steps (default: every epoch, skipping epochs while measuring would take over 2% of training time; 0: never).")
    var qualityEvery: Int?
    @Option(help: "Fixed-noise samples per quality measurement.")
    var qualitySamples = 256
    @Option(help: "Arithmetic of the quality measurement's passes: auto (bf16 where the CPU has it natively, else f32), f32 or bf16.")
    var qualityArithmetic: QualityArithmetic = .auto
    @Flag(help: "Also score the trained G (eval mode) when a moving average samples: \"live\" in the quality lines, one more pass a measurement.")
    var qualityLive = false
    @OptionGroup var truncation: TruncationOptions
    @Option(help: "best.safetensors by: quality (precision, modes, TV) or g-loss (the seed's rule).")
    var bestBy: BestCheckpointRule = .quality
    @Option(help: "Stop when the quality score has not improved for this many epochs.")
    var earlyStop: Int?

    func validate() throws {
        if previewEvery < 0 { throw ValidationError("--preview-every must be 0 or more, got \(previewEvery)") }
        if saveEvery < 0 { throw ValidationError("--save-every must be 0 or more, got \(saveEvery)") }
        if keep < 0 { throw ValidationError("--keep must be 0 or more, got \(keep)") }
        if let qualityEvery, qualityEvery < 0 { throw ValidationError("--quality-every must be 0 or more, got \(qualityEvery)") }
        if qualitySamples <= 0 { throw ValidationError("--quality-samples must be a positive integer, got \(qualitySamples)") }
        if let earlyStop, earlyStop <= 0 { throw ValidationError("--early-stop must be a positive number of epochs, got \(earlyStop)") }
        if earlyStop != nil, qualityEvery == 0 { throw ValidationError("--early-stop needs the quality score (--quality-every is 0)") }
        if resume != nil, let flag = recipe.fixedByCheckpoint.first {
            throw ValidationError("\(flag) cannot change when resuming: the checkpoint's configuration is used")
        }
        if resume == nil { try recipe.validateOverRecipe() }
    }

    func run() async throws {
        var options = SessionOptions()
        options.threads = recipe.threads
        options.previewEvery = previewEvery
        options.runDirectory = runDir ?? Self.defaultRunDirectory()
        options.saveEvery = saveEvery
        options.keep = keep
        options.waitForStopAfterFinishing = !headless
        options.qualityEvery = qualityEvery
        options.qualitySamples = qualitySamples
        options.qualityArithmetic = qualityArithmetic
        options.qualityScoresLive = qualityLive
        options.bestBy = bestBy
        options.earlyStopPatience = earlyStop
        let source: TrainerSource
        if let resume {
            let file: CheckpointFile
            do { file = try CheckpointFile(path: resume) } catch { throw CommandFailure("\(error)") }
            var changes = try file.config.map(recipe.resumeChanges) ?? ResumeChanges(epochs: recipe.epochs, iterations: recipe.iterations)
            changes.samplingTruncation = .some(try truncation.resolved(for: file))
            source = .resume(file, changes)
        } else {
            var config = recipe.makeConfig()
            config.samplingTruncation = try truncation.resolved(over: config.samplingTruncation, from: "the recipe")
            source = .fresh(config)
        }
        let session: TrainingSession
        do { session = try TrainingSession(source: source, options: options) } catch { throw CommandFailure("\(error)") }
        if headless {
            throw ExitCode(await HeadlessPrinter.run(session))
        }
        throw ExitCode(await InteractiveTrainer.run(session: session))
    }

    static func defaultRunDirectory() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return "runs/\(formatter.string(from: Date()))"
    }
}
