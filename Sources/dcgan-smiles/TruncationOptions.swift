import ArgumentParser
import DCGANEngine

/// `--jacobian-truncation` for the commands that sample or score a generator (see JacobianTruncation).
struct TruncationOptions: ParsableArguments {
    @Option(help: "Jacobian truncation: draw 1/Q candidate latents and keep the share Q where the generator changes least under a small latent step (the others fall between two faces); in (0, 1], 1: off.")
    var jacobianTruncation: Double?

    @Option(help: ArgumentHelp("With --jacobian-truncation: judge each candidate's steepness against the median steepness of its K nearest candidates in image space (its own kind of face), so that kinds steeper everywhere are not dropped with the blends; 0: off.", valueName: "K"))
    var jacobianTruncationNeighbours = 0

    @Option(help: ArgumentHelp("With --jacobian-truncation-neighbours: the power of that median the steepness is divided by (0: plain steepness, 1: the ratio; default 1).", valueName: "P"))
    var jacobianTruncationPower: Float?

    func validate() throws {
        if let keep = jacobianTruncation, !(keep > 0 && keep <= 1) {
            throw ValidationError("--jacobian-truncation must be in (0, 1], got \(keep)")
        }
        if jacobianTruncationNeighbours < 0 {
            throw ValidationError("--jacobian-truncation-neighbours must be 0 or more, got \(jacobianTruncationNeighbours)")
        }
        if let power = jacobianTruncationPower, !(power >= 0 && power.isFinite) {
            throw ValidationError("--jacobian-truncation-power must be 0 or more, got \(power)")
        }
        if jacobianTruncationNeighbours > 0, truncation == nil {
            throw ValidationError("--jacobian-truncation-neighbours needs --jacobian-truncation below 1")
        }
        if jacobianTruncationPower != nil, jacobianTruncationNeighbours == 0 {
            throw ValidationError("--jacobian-truncation-power needs --jacobian-truncation-neighbours")
        }
    }

    /// nil when off (no flag, or 1).
    var truncation: JacobianTruncation? {
        let local = jacobianTruncationNeighbours > 0
            ? JacobianTruncation.Local(neighbours: jacobianTruncationNeighbours, power: jacobianTruncationPower ?? 1) : nil
        return jacobianTruncation.flatMap { $0 < 1 ? JacobianTruncation(keep: $0, local: local) : nil }
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
