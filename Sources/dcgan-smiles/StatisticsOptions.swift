import ArgumentParser
import DCGANEngine

/// `--recompute-statistics` for the commands that sample a checkpoint in eval mode (`eval`, `sample`).
struct StatisticsOptions: ParsableArguments {
    @Flag(help: "Recompute the generator's BatchNorm running statistics from its own outputs (512 samples of other noise) before it samples in eval mode, instead of using the checkpoint's (as --ema-statistics recomputed does in training).")
    var recomputeStatistics = false

    /// Recomputes `generator`'s statistics when asked, from noise of its own derived from `seed`
    /// (so the samples' noise is the same with and without the flag).
    func apply(to generator: Network, seed: UInt64) throws {
        guard recomputeStatistics else { return }
        var random = RandomGenerator(seed: seed ^ 0x5245_434F_4D50_5554) // "RECOMPUT"
        try generator.recomputeRunningStatistics(samples: GeneratorAverage.recomputeSamples, random: &random)
    }
}
