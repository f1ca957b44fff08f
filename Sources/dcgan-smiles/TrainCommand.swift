import ArgumentParser
import DCGANEngine
import Foundation
import TrainerProtocol

extension WeightInit: ExpressibleByArgument {}

/// The recipe's knobs, shared by every command that trains.
struct RecipeOptions: ParsableArguments {
    @Option(help: "Epochs over the 2000-image data set (the seed's 300).")
    var epochs = 300
    @Option(help: "Stop after this many steps (overrides --epochs when smaller).")
    var iterations: Int?
    @Option(help: "Images per batch.")
    var batchSize = 64
    @Option(help: "Learning rate of both networks (Adam).")
    var lr: Float?
    @Option(help: "Learning rate of the generator (default 2e-4).")
    var lrG: Float?
    @Option(help: "Learning rate of the discriminator (default 2e-4).")
    var lrD: Float?
    @Option(help: "Seed of every random choice: the same seed and thread count give the same run.")
    var seed: UInt64 = 0
    @Option(name: .customLong("init"), help: "Weight initialisation: pytorch (the seed's) or dcgan (N(0, 0.02)).")
    var initialization: WeightInit = .pytorch
    @Option(help: "Latent size of the generator's noise.")
    var latentSize = 100
    @Option(help: "Feature maps of the first/last convolution (the width of both networks).")
    var featureMaps = 64
    @Option(help: "oneDNN (OpenMP) threads; default: all cores.")
    var threads: Int?

    func validate() throws {
        if let lr, !(lr.isFinite && lr > 0) { throw ValidationError("--lr must be a positive finite number, got \(lr)") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be a positive integer, got \(threads)") }
        do { try makeConfig().validate() } catch { throw ValidationError(error.description) }
    }

    func makeConfig() -> TrainingConfig {
        var config = TrainingConfig()
        config.epochs = epochs
        config.iterations = iterations
        config.batchSize = batchSize
        config.learningRateG = lrG ?? lr ?? config.learningRateG
        config.learningRateD = lrD ?? lr ?? config.learningRateD
        config.seed = seed
        config.weightInit = initialization
        config.model = ModelConfig(latentSize: latentSize, featureMaps: featureMaps)
        return config
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

    func validate() throws {
        if previewEvery < 0 { throw ValidationError("--preview-every must be 0 or more, got \(previewEvery)") }
    }

    func run() async throws {
        var options = SessionOptions()
        options.threads = recipe.threads
        options.previewEvery = previewEvery
        options.runDirectory = runDir ?? Self.defaultRunDirectory()
        if headless {
            options.previewEvery = 0
            let session = try TrainingSession(config: recipe.makeConfig(), options: options)
            throw ExitCode(await HeadlessPrinter.run(session))
        }
        throw ExitCode(await InteractiveTrainer.run(config: recipe.makeConfig(), options: options))
    }

    static func defaultRunDirectory() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return "runs/\(formatter.string(from: Date()))"
    }
}
