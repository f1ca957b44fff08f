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

    @Option(help: ArgumentHelp("With Jacobian truncation: rank the candidates by density instead of steepness, keeping those whose K-th nearest other candidate (image space) is nearest: a clean face is drawn many times over, a blend seldom the same way twice; 0: by steepness.", valueName: "K"))
    var jacobianTruncationDensity: Int?

    @Option(help: ArgumentHelp("With Jacobian truncation: share the kept faces among C clusters of the training images (k-means) as the training images are, each cluster keeping its share from its best ranked candidates, so the kept faces keep the data's frequencies; 0: off (default: the recipe's or checkpoint's).", valueName: "C"))
    var jacobianTruncationClusters: Int?

    func validate() throws {
        if let keep = jacobianTruncation, !(keep > 0 && keep <= 1) {
            throw ValidationError("--jacobian-truncation must be in (0, 1], got \(keep)")
        }
        if let neighbours = jacobianTruncationNeighbours, neighbours < 0 {
            throw ValidationError("--jacobian-truncation-neighbours must be 0 or more, got \(neighbours)")
        }
        if let density = jacobianTruncationDensity, density < 0 {
            throw ValidationError("--jacobian-truncation-density must be 0 or more, got \(density)")
        }
        if (jacobianTruncationDensity ?? 0) > 0, let flag = steepnessRefinementAsked {
            throw ValidationError("--jacobian-truncation-\(flag) judges steepness; --jacobian-truncation-density ranks by density instead")
        }
        if let clusters = jacobianTruncationClusters, clusters < 0 {
            throw ValidationError("--jacobian-truncation-clusters must be 0 or more, got \(clusters)")
        }
        if let power = jacobianTruncationPower, !(power >= 0 && power.isFinite) {
            throw ValidationError("--jacobian-truncation-power must be 0 or more, got \(power)")
        }
        // Alone, the power refines the recipe's neighbours; with a share (which replaces the recipe's
        // truncation) or with neighbours off it has nothing to apply to.
        if jacobianTruncationPower != nil, jacobianTruncationNeighbours == 0 || (jacobianTruncationNeighbours == nil && jacobianTruncation != nil) {
            throw ValidationError("--jacobian-truncation-power needs --jacobian-truncation-neighbours")
        }
        if jacobianTruncation == 1, let flag = refinementAsked {
            throw ValidationError("--jacobian-truncation-\(flag) needs --jacobian-truncation below 1")
        }
    }

    /// Whether the flags ask for truncation (rather than leaving it to the recipe, or turning it off).
    var asksForTruncation: Bool {
        (jacobianTruncation ?? 1) < 1 || refinementAsked != nil
    }

    /// The first flag that refines truncation, by the end of its name ("neighbours", "power",
    /// "density", "clusters"), when one does.
    private var refinementAsked: String? {
        if let flag = steepnessRefinementAsked { return flag }
        if (jacobianTruncationDensity ?? 0) > 0 { return "density" }
        if (jacobianTruncationClusters ?? 0) > 0 { return "clusters" }
        return nil
    }

    /// The first flag that judges steepness against neighbours ("neighbours", "power"), when one does.
    private var steepnessRefinementAsked: String? {
        if (jacobianTruncationNeighbours ?? 0) > 0 { return "neighbours" }
        return jacobianTruncationPower != nil ? "power" : nil
    }

    /// A count-valued refinement: the flag's (0: none) when given, else the recipe's unless a share
    /// alone replaced the recipe's truncation.
    private func refinement(_ flag: Int?, over recipe: Int?) -> Int? {
        flag.map { $0 > 0 ? $0 : nil } ?? (jacobianTruncation == nil ? recipe : nil)
    }

    /// The truncation to sample with: the flags over `recipe`'s (nil: none), which comes from
    /// `source` ("the recipe", "the checkpoint's run"). A share given alone replaces the recipe's
    /// whole truncation; the other flags alone refine the recipe's (keeping what is not given).
    func resolved(over recipe: JacobianTruncation?, from source: String) throws -> JacobianTruncation? {
        guard let keep = jacobianTruncation ?? recipe?.keep, keep < 1 else {
            if let flag = refinementAsked {
                throw ValidationError("--jacobian-truncation-\(flag) needs --jacobian-truncation below 1 (\(source) samples without truncation)")
            }
            return nil
        }
        let refined = jacobianTruncation == nil ? recipe?.local : nil
        let density = refinement(jacobianTruncationDensity, over: recipe?.density)
        if density != nil, let flag = steepnessRefinementAsked {
            throw ValidationError("--jacobian-truncation-\(flag) judges steepness; \(source) ranks by density (--jacobian-truncation-density 0 ranks by steepness)")
        }
        let local: JacobianTruncation.Local?
        if density != nil {
            local = nil
        } else if let neighbours = jacobianTruncationNeighbours {
            local = neighbours > 0 ? JacobianTruncation.Local(neighbours: neighbours, power: jacobianTruncationPower ?? refined?.power ?? 1) : nil
        } else if let power = jacobianTruncationPower {
            guard let refined else {
                throw ValidationError("--jacobian-truncation-power needs --jacobian-truncation-neighbours (\(source) judges plain steepness)")
            }
            local = JacobianTruncation.Local(neighbours: refined.neighbours, power: power)
        } else {
            local = refined
        }
        let clusters = refinement(jacobianTruncationClusters, over: recipe?.clusters)
        return JacobianTruncation(keep: keep, local: local, density: density, clusters: clusters)
    }

    /// The truncation to sample `checkpoint`'s generator with: the flags over its run's.
    func resolved(for checkpoint: CheckpointFile) throws -> JacobianTruncation? {
        try resolved(over: checkpoint.config?.samplingTruncation, from: "the checkpoint's run")
    }
}

extension JacobianTruncation {
    /// `count` faces of `generator` kept from candidates drawn from `seed` (the first of them the
    /// latents a plain draw of the same seed gives).
    /// With `clusters`, the kept faces are shared among those of the training data of `config`'s run
    /// (without one, the default run's).
    func sample(_ generator: Network, count: Int, seed: UInt64, training: Bool = false,
                precision: Precision? = nil, trainedBy config: TrainingConfig?) throws -> [Float] {
        let candidates = try generator.makeInput(batch: candidates(for: count))
        var random = RandomGenerator(seed: seed)
        random.fillNormal(candidates.buffer)
        var directions = JacobianTruncation.directions(seed: seed)
        let data = clusters.map { DataClusters(trainingDataOf: config ?? TrainingConfig(), clusters: $0) }
        return try sample(generator, candidates: candidates, samples: count, training: training,
                          precision: precision, data: data, random: &directions)
    }
}
