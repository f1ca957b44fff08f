import ArgumentParser
import DCGANEngine
import Foundation

/// `eval`: the quality score of a checkpoint's generator.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a checkpoint's faces against the data set's 16 prototypes: precision, modes covered, TV distance.")

    @Option(help: "A checkpoint (ours or a PyTorch state dict of the seed's DCGAN module).")
    var checkpoint: String
    @Option(help: "Samples to score.")
    var samples = 256
    @Option(help: "Seed of the latent noise.")
    var seed: UInt64 = 0
    @Option(name: .customLong("generator"),
            help: "Which generator samples: average (the moving average of G, when the checkpoint has one) or trained.")
    var generatorChoice: GeneratorChoice = .average
    @OptionGroup var statistics: StatisticsOptions
    @OptionGroup var truncation: TruncationOptions
    @Option(help: "Arithmetic of the generator's passes: f32 (exact), bf16 (as training's measurements on a CPU with bf16) or auto (bf16 where the CPU has it natively).")
    var arithmetic: QualityArithmetic = .f32
    @Flag(help: "One JSON object instead of text.")
    var json = false

    func validate() throws {
        if samples <= 0 { throw ValidationError("--samples must be a positive integer, got \(samples)") }
    }

    func run() throws {
        let file: CheckpointFile
        do { file = try CheckpointFile(path: checkpoint) } catch { throw CommandFailure("\(error)") }
        let generator = try Network.generator(try DNNLContext(), config: file.model)
        let average = generatorChoice == .average && file.hasGeneratorAverage
        do { try file.loadGenerator(generator, average: average) } catch { throw CommandFailure("\(error)") }
        let noise = try generator.makeInput(batch: samples)
        var random = RandomGenerator(seed: seed)
        random.fillNormal(noise.buffer)
        try statistics.apply(to: generator, seed: seed)
        let scorer = QualityScorer(), precision = arithmetic.resolved()
        if precision == .bf16, !Precision.bf16IsAvailable { throw CommandFailure("--arithmetic bf16: \(BF16UnavailableError())") }
        // The TV that chance alone gives a score's good samples, to read its TV against.
        func chanceTV(_ score: QualityScore) -> Double { scorer.chanceTotalVariation(good: score.modeCounts.reduce(0, +)) }
        let evalMode = scorer.score(try generator.forward(noise, training: false, precision: precision).toArray(), count: samples)
        // As the checkpoint's run samples, unless the flags say otherwise. The candidates: the scored
        // noise, then more of the same stream (as `sample --seed` draws them).
        let sampler = try truncation.resolved(for: file)
        let kept = try sampler.map { scorer.score(try $0.sample(generator, count: samples, seed: seed, precision: precision, trainedBy: file.config), count: samples) }
        let trainMode = scorer.score(try generator.forward(noise, training: true, precision: precision).toArray(), count: samples)
        if json {
            func object(_ s: QualityScore) -> String {
                String(format: "{\"precision\":%.4f,\"modes\":%d,\"tv\":%.4f,\"tv_chance\":%.4f,\"rmse\":%.4f}", s.precision,
                       s.modesCovered, s.totalVariation, chanceTV(s), s.meanRMSE)
            }
            print("{\"checkpoint\":\"\(checkpoint)\",\"generator\":\"\(average ? "average" : "trained")\",\"statistics\":\"\(statistics.recomputeStatistics ? "recomputed" : "checkpoint")\",\"arithmetic\":\"\(precision.rawValue)\",\"samples\":\(samples),\"eval\":\(object(evalMode)),\"train\":\(object(trainMode))"
                  + (kept.map { ",\"kept\":\(object($0)),\"keep\":\(sampler!.keep)" } ?? "")
                  + (sampler?.local.map { ",\"neighbours\":\($0.neighbours),\"power\":\($0.power)" } ?? "")
                  + (sampler?.density.map { ",\"density\":\($0)" } ?? "") + (sampler?.clusters.map { ",\"clusters\":\($0)" } ?? "") + "}")
            return
        }
        print("checkpoint: \(checkpoint) (\(average ? "moving average of G" : "trained G"), \(samples) samples, seed \(seed), \(precision.rawValue), "
              + "good = RMSE < \(QualityScorer.threshold) to a prototype"
              + (statistics.recomputeStatistics ? "; BatchNorm statistics recomputed from \(GeneratorAverage.recomputeSamples) other samples)" : ")"))
        var lines = [(statistics.recomputeStatistics ? "eval  (recomputed stats) " : "eval  (running statistics)", evalMode),
                     ("train (batch statistics)  ", trainMode)]
        if let kept, let truncation = sampler {
            lines.append((String(format: "kept  (%.2f of %d, eval) ", truncation.keep, truncation.candidates(for: samples)), kept))
        }
        for (mode, score) in lines {
            print(String(format: "%@  precision %.3f  modes %2d/16  TV %.3f (%.3f by chance)", mode, score.precision, score.modesCovered,
                         score.totalVariation, chanceTV(score)))
        }
        if let sampler, sampler.local != nil || sampler.density != nil || sampler.clusters != nil {
            print("kept: \(sampler.summary)")
        }
        print("by chance: the mean TV of as many good faces drawn at the data set's own frequencies")
    }
}
