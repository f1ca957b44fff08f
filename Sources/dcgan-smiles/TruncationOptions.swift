import ArgumentParser
import DCGANEngine

/// `--jacobian-truncation` for the commands that sample or score a generator (see JacobianTruncation).
struct TruncationOptions: ParsableArguments {
    @Option(help: "Jacobian truncation: draw 1/Q candidate latents and keep the share Q where the generator changes least under a small latent step (the others fall between two faces); in (0, 1], 1: off.")
    var jacobianTruncation: Double?

    func validate() throws {
        if let keep = jacobianTruncation, !(keep > 0 && keep <= 1) {
            throw ValidationError("--jacobian-truncation must be in (0, 1], got \(keep)")
        }
    }

    /// nil when off (no flag, or 1).
    var truncation: JacobianTruncation? {
        jacobianTruncation.flatMap { $0 < 1 ? JacobianTruncation(keep: $0) : nil }
    }

    /// `count` faces of `generator` kept from candidates drawn from `seed` (the first of them the
    /// latents a plain draw of the same seed gives), or nil when truncation is off.
    func sample(_ generator: Network, count: Int, seed: UInt64, training: Bool = false,
                precision: Precision? = nil) throws -> [Float]? {
        guard let truncation else { return nil }
        let candidates = try generator.makeInput(batch: truncation.candidates(for: count))
        var random = RandomGenerator(seed: seed)
        random.fillNormal(candidates.buffer)
        var directions = JacobianTruncation.directions(seed: seed)
        return try truncation.sample(generator, candidates: candidates, samples: count, training: training,
                                     precision: precision, random: &directions)
    }
}
