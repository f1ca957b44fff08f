import ArgumentParser
import DCGANEngine
import Foundation
import TrainerProtocol

/// `inspect`: what a checkpoint holds, and whether all of it is sound.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a checkpoint: architecture, sizes, step, learning rates, configuration, integrity.")

    @Argument(help: "The checkpoint file.")
    var path: String

    func run() throws {
        let file: CheckpointFile
        do { file = try CheckpointFile(path: path) } catch { throw CommandFailure("\(error)") }
        let context = try DNNLContext()
        let generator = try Network.generator(context, config: file.model)
        let discriminator = try Network.discriminator(context, config: file.model)
        do { try file.loadModels(generator: generator, discriminator: discriminator) } catch { throw CommandFailure("\(error)") }
        let average = try file.hasGeneratorAverage ? Network.generator(context, config: file.model) : nil
        if let average {
            do { try file.loadGenerator(average, average: true) } catch { throw CommandFailure("\(error)") }
        }
        func nonFiniteNames(_ net: Network, prefix: String) -> [String] {
            net.parameters.parameters.enumerated().filter { !net.parameters.values(of: $0.offset).allSatisfy(\.isFinite) }
                .map { prefix + $0.element.name }
        }
        let nonFinite = nonFiniteNames(generator, prefix: "generator.") + nonFiniteNames(discriminator, prefix: "discriminator.")
            + (average.map { nonFiniteNames($0, prefix: "generator_ema.") } ?? [])
        let known = Set(generator.stateDictionaryNames(prefix: "generator.") + discriminator.stateDictionaryNames(prefix: "discriminator.")
                        + (average?.stateDictionaryNames(prefix: "generator_ema.") ?? []))
        let extra = file.tensors.names.filter { !known.contains($0) && !$0.hasPrefix("optimizer.") && !$0.hasPrefix("trainer.") }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0

        let m = file.model
        print("file:          \(path) (\(bytes) bytes, \(file.tensors.names.count) tensors)")
        print("format:        \(file.hasTrainingState ? "dcgan-smiles checkpoint v\(file.tensors.metadata["format_version"] ?? "?")" : "model weights only (e.g. a PyTorch state dict): can be sampled, not resumed")")
        print("architecture:  DCGAN 64×64×\(m.imageChannels), latent \(m.latentSize), feature maps \(m.featureMaps)")
        print("parameters:    generator \(generator.parameterCount), discriminator \(discriminator.parameterCount), total \(generator.parameterCount + discriminator.parameterCount)")
        if let iteration = file.iteration, let config = file.config {
            print("step:          \(iteration) (epoch \(iteration / config.iterationsPerEpoch + 1) of \(config.epochs), \(config.iterationsPerEpoch) steps per epoch)")
        }
        if let seconds = file.trainingSeconds {
            print("training time: \(String(format: "%.3f", seconds)) s (its steps since step 0, without measurements, previews and saves)")
        }
        if let record = file.qualityRecord {
            func describe(_ mark: QualityMark?) -> String {
                guard let mark else { return "none" }
                return String(format: "step %d (%.3f s): precision %.4f, modes %d/%d, TV %.4f", mark.iteration, mark.seconds,
                              mark.score.precision, mark.score.modesCovered, mark.score.modes, mark.score.totalVariation)
            }
            print("best quality:  \(describe(record.best))")
            print("first clean:   \(describe(record.firstClean)) (measured on \(record.basis))")
        }
        if let rates = file.learningRates {
            print("learning rate: G \(rates.generator), D \(rates.discriminator)")
        }
        if let config = file.config {
            print("config:        batch \(config.batchSize), seed \(config.seed), init \(config.weightInit.rawValue), real label \(config.realLabel), Adam β (\(config.beta1), \(config.beta2)), data set \(config.datasetSize)")
            print("recipe:        \(Recipe.describe(config))")
        }
        let problems = (nonFinite.isEmpty ? [] : ["non-finite values in \(nonFinite.joined(separator: ", "))"])
            + (extra.isEmpty ? [] : ["unknown tensors \(extra.joined(separator: ", "))"])
        print("integrity:     \(problems.isEmpty ? "ok (every tensor present, in range, of the right shape, finite)" : problems.joined(separator: "; "))")
        if !nonFinite.isEmpty { throw ExitCode(1) }
    }
}
