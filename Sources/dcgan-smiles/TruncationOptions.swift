import ArgumentParser
import DCGANEngine

/// `--jacobian-truncation` for the commands that sample or score a generator (see JacobianTruncation).
/// Without the flags they sample as the recipe does (a checkpoint's configuration, or `train`'s
/// recipe); `--jacobian-truncation 1` turns truncation off.
struct TruncationOptions: ParsableArguments {
    @Option(help: "Jacobian truncation: draw 1/Q candidate latents and keep the share Q where the generator changes least under a small latent step (the others fall between two faces); in (0, 1], 1: off (default: the recipe's, or the checkpoint's).")
    var jacobianTruncation: Double?

    @Option(help: ArgumentHelp("With Jacobian truncation: judge each candidate's steepness against the median steepness of its K nearest candidates in image space (its own kind of face), so that kinds steeper everywhere are not dropped with the blends; 0: off.", valueName: "K"))
    var jacobianTruncationNeighbours: Int?

    @Option(help: ArgumentHelp("With --jacobian-truncation-neighbours: the power of that median the steepness is divided by (0: plain steepness, 1: the ratio; default: the recipe's or checkpoint's, else 1); alone, it changes the power of a recipe or checkpoint that judges by neighbours.", valueName: "P"))
    var jacobianTruncationPower: Float?

    func validate() throws {
        if let keep = jacobianTruncation, !(keep > 0 && keep <= 1) {
            throw ValidationError("--jacobian-truncation must be in (0, 1], got \(keep)")
        }
        if let neighbours = jacobianTruncationNeighbours, neighbours < 0 {
            throw ValidationError("--jacobian-truncation-neighbours must be 0 or more, got \(neighbours)")
        }
        if let power = jacobianTruncationPower, !(power >= 0 && power.isFinite) {
            throw ValidationError("--jacobian-truncation-power must be 0 or more, got \(power)")
        }
        // Alone, the power refines the recipe's neighbours; with a share (which replaces the recipe's
        // truncation) or with neighbours off it has nothing to apply to.
        if jacobianTruncationPower != nil, jacobianTruncationNeighbours == 0 || (jacobianTruncationNeighbours == nil && jacobianTruncation != nil) {
            throw ValidationError("--jacobian-truncation-power needs --jacobian-truncation-neighbours")
        }
        if jacobianTruncation == 1, (jacobianTruncationNeighbours ?? 0) > 0 {
            throw ValidationError("--jacobian-truncation-neighbours needs --jacobian-truncation below 1")
        }
    }

    /// Whether the flags ask for truncation (rather than leaving it to the recipe, or turning it off).
    var asksForTruncation: Bool {
        (jacobianTruncation ?? 1) < 1 || (jacobianTruncationNeighbours ?? 0) > 0 || jacobianTruncationPower != nil
    }

    /// The truncation to sample with: the flags over `recipe`'s (nil: none), which comes from
    /// `source` ("the recipe", "the checkpoint's run"). A share given alone replaces the recipe's
    /// whole truncation; the neighbours flags alone refine the recipe's (keeping what is not given).
    func resolved(over recipe: JacobianTruncation?, from source: String) throws -> JacobianTruncation? {
        guard let keep = jacobianTruncation ?? recipe?.keep, keep < 1 else {
            let asksForNeighbours = (jacobianTruncationNeighbours ?? 0) > 0
            if asksForNeighbours || jacobianTruncationPower != nil {
                let flag = asksForNeighbours ? "neighbours" : "power"
                throw ValidationError("--jacobian-truncation-\(flag) needs --jacobian-truncation below 1 (\(source) samples without truncation)")
            }
            return nil
        }
        let refined = jacobianTruncation == nil ? recipe?.local : nil
        let local: JacobianTruncation.Local?
        if let neighbours = jacobianTruncationNeighbours {
            local = neighbours > 0 ? JacobianTruncation.Local(neighbours: neighbours, power: jacobianTruncationPower ?? refined?.power ?? 1) : nil
        } else if let power = jacobianTruncationPower {
            guard let refined else {
                throw ValidationError("--jacobian-truncation-power needs --jacobian-truncation-neighbours (\(source) judges plain steepness)")
            }
            local = JacobianTruncation.Local(neighbours: refined.neighbours, power: power)
        } else {
            local = refined
        }
        return JacobianTruncation(keep: keep, local: local)
    }

    /// The truncation to sample `checkpoint`'s generator with: the flags over its run's.
    func resolved(for checkpoint: CheckpointFile) throws -> JacobianTruncation? {
        try resolved(over: checkpoint.config?.samplingTruncation, from: "the checkpoint's run")
    }
}

extension JacobianTruncation {
    /// `count` faces of `generator` kept from candidates drawn from `seed` (the first of them the
    /// latents a plain draw of the same seed gives).
    func sample(_ generator: Network, count: Int, seed: UInt64, training: Bool = false,
                precision: Precision? = nil) throws -> [Float] {
        let candidates = try generator.makeInput(batch: candidates(for: count))
        var random = RandomGenerator(seed: seed)
        random.fillNormal(candidates.buffer)
        var directions = JacobianTruncation.directions(seed: seed)
        return try sample(generator, candidates: candidates, samples: count, training: training,
                          precision: precision, random: &directions)
    }
}
