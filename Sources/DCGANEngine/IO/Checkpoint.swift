import Foundation

/// A training checkpoint as safetensors:
/// - `generator.net.*` and `discriminator.net.*`: the seed's `DCGAN` module state dict (parameters
///   and BatchNorm buffers), so PyTorch's `load_state_dict` reads it and a PyTorch file reads here;
/// - `generator_ema.net.*`: the moving average of the generator, when the recipe keeps one (same
///   names as the generator's, so PyTorch loads it into a `Generator` after stripping the prefix);
/// - `optimizer.<net>.<param>.exp_avg[_sq]` and `optimizer.<net>.step`: Adam's state;
/// - `lookahead.<net>.<param>`: lookahead's slow weights, when the recipe has lookahead;
/// - `trainer.*`: the random generators' states and the epoch's data order;
/// - `__metadata__`: format version, iteration, epoch, learning rates, the run's configuration, the
///   seconds of training so far (`training_seconds`), with R1 its last value (`r1_last`, which
///   lazy R1's steps between report), and once quality was measured the run's best and first clean
///   measurement (`quality_record`, JSON).
public enum Checkpoint {
    public static let formatVersion = "1"
    static let averagePrefix = "generator_ema."

    public static func serialize(_ trainer: DCGANTrainer) throws -> Data {
        var writer = SafeTensorsWriter()
        try trainer.generatorAverage?.settleStatistics()
        trainer.generator.write(to: &writer, prefix: "generator.")
        trainer.discriminator.write(to: &writer, prefix: "discriminator.")
        trainer.generatorAverage?.network.write(to: &writer, prefix: Checkpoint.averagePrefix)
        for (network, optimizer) in [(trainer.generator, trainer.optimizerG), (trainer.discriminator, trainer.optimizerD)] {
            for info in network.parameters.parameters {
                let range = info.offset..<(info.offset + info.count)
                let prefix = "optimizer.\(network.name).\(info.name)"
                writer.add("\(prefix).exp_avg", shape: info.shape,
                           floats: UnsafeBufferPointer(rebasing: optimizer.exponentialAverage[range]))
                writer.add("\(prefix).exp_avg_sq", shape: info.shape,
                           floats: UnsafeBufferPointer(rebasing: optimizer.exponentialAverageSquared[range]))
            }
            writer.add("optimizer.\(network.name).step", shape: [], int64s: [Int64(optimizer.step)])
        }
        if let slow = trainer.slowWeights {
            for (network, values) in [(trainer.generator, slow.generator), (trainer.discriminator, slow.discriminator)] {
                for info in network.parameters.parameters {
                    writer.add("lookahead.\(network.name).\(info.name)", shape: info.shape,
                               floats: UnsafeBufferPointer(rebasing: values[info.offset..<(info.offset + info.count)]))
                }
            }
        }
        writer.add("trainer.noise_random", shape: [4], int64s: words(trainer.noiseRandom))
        writer.add("trainer.instance_noise_random", shape: [4], int64s: words(trainer.instanceNoiseRandom))
        writer.add("trainer.data_random", shape: [4], int64s: words(trainer.loader.random))
        writer.add("trainer.data_order", shape: [trainer.loader.order.count], int64s: trainer.loader.order.map(Int64.init))
        let config = try JSONEncoder().encode(trainer.config)
        writer.metadata = [
            "format": "dcgan-smiles",
            "format_version": formatVersion,
            "iteration": String(trainer.iteration),
            "epoch": String(trainer.epoch),
            "data_position": String(trainer.loader.position),
            "lr_g": String(trainer.optimizerG.learningRate),
            "lr_d": String(trainer.optimizerD.learningRate),
            "config": String(decoding: config, as: UTF8.self),
            "training_seconds": String(trainer.trainingSeconds),
        ]
        if let penalty = trainer.gradientPenalty { writer.metadata["r1_last"] = String(penalty.lastValue) }
        if let record = trainer.qualityRecord {
            writer.metadata["quality_record"] = try QualityRecord.encoded(record)
        }
        return try writer.serialized()
    }

    /// Serialises and writes atomically; the previous file at `path` survives any failure.
    public static func save(_ trainer: DCGANTrainer, to path: String) throws {
        try AtomicFile.write(try serialize(trainer), to: path)
    }

    private static func words(_ random: RandomGenerator) -> [Int64] {
        let s = random.state
        return [s.0, s.1, s.2, s.3].map { Int64(bitPattern: $0) }
    }

    static func random(_ words: [Int64]) -> RandomGenerator? {
        guard words.count == 4 else { return nil }
        let w = words.map { UInt64(bitPattern: $0) }
        guard w.contains(where: { $0 != 0 }) else { return nil } // xoshiro's one invalid state
        return RandomGenerator(state: (w[0], w[1], w[2], w[3]))
    }
}

/// An error about one checkpoint file, printed as one line: "<path>: <problem>".
public struct CheckpointError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}

/// A checkpoint file read and checked: its tensors, the architecture its shapes imply, and (for
/// files this program wrote) the run state. PyTorch-made files have the model tensors only.
public struct CheckpointFile: Sendable {
    public let path: String
    public let tensors: SafeTensors
    public let model: ModelConfig
    /// The run's configuration, when the file carries one (ours do).
    public let config: TrainingConfig?
    public let iteration: Int?
    public let learningRates: (generator: Float, discriminator: Float)?
    /// Seconds of training before the checkpoint (nil in files from before they were kept).
    public let trainingSeconds: Double?
    /// The run's best and first clean quality measurement (nil before any, or in older files).
    public let qualityRecord: QualityRecord?
    public var hasTrainingState: Bool { config != nil && tensors.entries["trainer.data_order"] != nil }
    /// True when the file holds a moving average of the generator (`generator_ema.*`).
    public var hasGeneratorAverage: Bool { tensors.entries[Checkpoint.averagePrefix + "net.0.weight"] != nil }

    public init(path: String) throws(CheckpointError) {
        self.path = path
        func fail(_ problem: String) -> CheckpointError { CheckpointError(path: path, problem: problem) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw fail("no such file") }
        guard !isDirectory.boolValue else { throw fail("is a directory") }
        do { tensors = try SafeTensors(contentsOf: path) } catch { throw fail("\(error)") }
        // The architecture follows from the shapes: generator.net.0.weight is (latent, 8·width, 4, 4)
        // and generator.net.12.weight is (width, channels, 4, 4).
        guard let first = tensors.entries["generator.net.0.weight"], let last = tensors.entries["generator.net.12.weight"] else {
            throw fail("missing tensor generator.net.0.weight or generator.net.12.weight: not a dcgan-smiles checkpoint")
        }
        guard first.shape.count == 4, last.shape.count == 4, first.shape[1] % 8 == 0, first.shape[1] > 0,
              last.shape[0] * 8 == first.shape[1] else {
            throw fail("generator.net.0.weight \(first.shape) and generator.net.12.weight \(last.shape) do not describe this DCGAN")
        }
        model = ModelConfig(latentSize: first.shape[0], featureMaps: first.shape[1] / 8, imageChannels: last.shape[1])
        // Every tensor of both networks (and of the generator average, if any), checked up front:
        // a file is sound as a whole or refused.
        let hasAverage = tensors.entries[Checkpoint.averagePrefix + "net.0.weight"] != nil
        let averageSpec = model.stateDictionarySpec.filter { $0.name.hasPrefix("generator.") }.map {
            (name: Checkpoint.averagePrefix + $0.name.dropFirst("generator.".count), dtype: $0.dtype, shape: $0.shape)
        }
        for (name, dtype, shape) in model.stateDictionarySpec + (hasAverage ? averageSpec : []) {
            guard let entry = tensors.entries[name] else { throw fail("missing tensor \(name)") }
            let scalar = shape.isEmpty && entry.shape.reduce(1, *) == 1 // PyTorch's 0-d, or [1]
            guard entry.dtype == dtype, entry.shape == shape || scalar else {
                throw fail("tensor \(name) is \(entry.dtype.rawValue) \(entry.shape), this architecture "
                           + "(latent \(model.latentSize), width \(model.featureMaps)) needs \(dtype.rawValue) \(shape)")
            }
        }
        if let json = tensors.metadata["config"] {
            do { config = try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8)) } catch {
                throw fail("__metadata__ config is not a valid configuration")
            }
            guard config?.model == model else { throw fail("__metadata__ config disagrees with the tensor shapes") }
            if config?.generatorAverageDecay != nil, !hasAverage {
                throw fail("the run keeps a generator average (--ema) but the file has no generator_ema tensors")
            }
        } else {
            config = nil
        }
        iteration = tensors.metadata["iteration"].flatMap { Int($0) }
        if let g = tensors.metadata["lr_g"].flatMap({ Float($0) }), let d = tensors.metadata["lr_d"].flatMap({ Float($0) }) {
            learningRates = (g, d)
        } else {
            learningRates = nil
        }
        if let text = tensors.metadata["training_seconds"] {
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
                throw fail("__metadata__ training_seconds is \"\(text)\", not a number of seconds")
            }
            trainingSeconds = seconds
        } else {
            trainingSeconds = nil
        }
        if let json = tensors.metadata["quality_record"] {
            do { qualityRecord = try QualityRecord.decoded(json) } catch {
                throw fail("__metadata__ quality_record is not a valid quality record")
            }
        } else {
            qualityRecord = nil
        }
    }

    /// Loads both networks' weights and buffers (checking every tensor first: nothing changes on error).
    public func loadModels(generator: Network, discriminator: Network) throws(CheckpointError) {
        do {
            try generator.load(from: tensors, prefix: "generator.")
            try discriminator.load(from: tensors, prefix: "discriminator.")
        } catch { throw CheckpointError(path: path, problem: "\(error)") }
    }

    /// Loads only a generator (sampling): the moving average when `average` and the file has one,
    /// else the trained generator.
    public func loadGenerator(_ generator: Network, average: Bool = false) throws(CheckpointError) {
        let prefix = average && hasGeneratorAverage ? Checkpoint.averagePrefix : "generator."
        do { try generator.load(from: tensors, prefix: prefix) } catch {
            throw CheckpointError(path: path, problem: "\(error)")
        }
    }
}

extension DCGANTrainer {
    /// A trainer that continues exactly where `checkpoint` stopped: weights, buffers, Adam state,
    /// learning rates, random generators and data order. `changes` may extend the run or change the
    /// steps left (learning rates and their decay, R1) and how it samples (truncation, average).
    public convenience init(resuming checkpoint: CheckpointFile, changes: ResumeChanges = ResumeChanges()) throws {
        guard var config = checkpoint.config, checkpoint.hasTrainingState else {
            throw CheckpointError(path: checkpoint.path, problem: "no training state (model weights only): it can be sampled, not resumed")
        }
        changes.apply(to: &config)
        try self.init(config: config)
        try restore(from: checkpoint)
        if let rate = changes.learningRateG { optimizerG.learningRate = rate }
        if let rate = changes.learningRateD { optimizerD.learningRate = rate }
    }

    private func restore(from checkpoint: CheckpointFile) throws {
        func fail(_ problem: String) -> CheckpointError { CheckpointError(path: checkpoint.path, problem: problem) }
        let file = checkpoint.tensors
        // Read and check everything before changing anything.
        var moments: [(Adam, [Float], [Float], Int)] = []
        var slowStates: [(UnsafeMutableBufferPointer<Float>, [Float])] = []
        do {
            for (network, optimizer) in [(generator, optimizerG), (discriminator, optimizerD)] {
                var average: [Float] = [], squared: [Float] = []
                for info in network.parameters.parameters {
                    for (suffix, destination) in [("exp_avg", 0), ("exp_avg_sq", 1)] {
                        let name = "optimizer.\(network.name).\(info.name).\(suffix)"
                        guard try file.entry(name).shape == info.shape else { throw fail("tensor \(name): wrong shape") }
                        if destination == 0 { average += try file.floats(name) } else { squared += try file.floats(name) }
                    }
                }
                let step = try file.int64s("optimizer.\(network.name).step")
                guard step.count == 1, step[0] >= 0 else { throw fail("optimizer.\(network.name).step is not a step count") }
                moments.append((optimizer, average, squared, Int(step[0])))
            }
            if let slowWeights {
                for (network, values) in [(generator, slowWeights.generator), (discriminator, slowWeights.discriminator)] {
                    var slow: [Float] = []
                    for info in network.parameters.parameters {
                        let name = "lookahead.\(network.name).\(info.name)"
                        guard file.entries[name] != nil else { throw fail("the run has lookahead but the file has no tensor \(name)") }
                        guard try file.entry(name).shape == info.shape else { throw fail("tensor \(name): wrong shape") }
                        slow += try file.floats(name)
                    }
                    slowStates.append((values, slow))
                }
            }
        } catch let error as CheckpointError { throw error } catch { throw fail("\(error)") }
        // Files from before instance noise existed have no stream for it: a fresh one from the seed.
        let instanceNoise = file.entries["trainer.instance_noise_random"] == nil ? instanceNoiseRandom
            : Checkpoint.random((try? file.int64s("trainer.instance_noise_random")) ?? [])
        guard let noise = Checkpoint.random((try? file.int64s("trainer.noise_random")) ?? []), let instanceNoise,
              let data = Checkpoint.random((try? file.int64s("trainer.data_random")) ?? []),
              let order = try? file.int64s("trainer.data_order").map({ Int($0) }),
              let position = file.metadata["data_position"].flatMap({ Int($0) }),
              let iteration = checkpoint.iteration, iteration >= 0,
              let rates = checkpoint.learningRates, rates.generator > 0, rates.discriminator > 0 else {
            throw fail("training state is missing or malformed")
        }
        var loader = self.loader
        do { try loader.restore(random: data, order: order, position: position) } catch { throw fail("\(error)") }

        try checkpoint.loadModels(generator: generator, discriminator: discriminator)
        if let generatorAverage {
            if checkpoint.hasGeneratorAverage {
                do { try generatorAverage.network.load(from: file, prefix: Checkpoint.averagePrefix) } catch { throw fail("\(error)") }
                generatorAverage.updates = iteration
            } else {
                // The resumed run adds an average: it starts from G as it stands now.
                generatorAverage.network.copyState(from: generator)
            }
        }
        for (optimizer, average, squared, step) in moments {
            _ = optimizer.exponentialAverage.update(fromContentsOf: average)
            _ = optimizer.exponentialAverageSquared.update(fromContentsOf: squared)
            optimizer.restore(step: step)
        }
        for (values, slow) in slowStates { _ = values.update(fromContentsOf: slow) }
        // Lazy R1's last value, which the steps until its next computation report (0 in older
        // files), at this run's γ for the step it was computed at if the resumed run changed it.
        if let gradientPenalty, let saved = file.metadata["r1_last"].flatMap(Float.init), let savedConfig = checkpoint.config {
            let interval = savedConfig.gradientPenaltyInterval ?? 1
            let computedAfter = max(0, iteration - 1) / interval * interval
            if let savedWeight = savedConfig.gradientPenaltyWeight(after: computedAfter) {
                let weight = gradientPenalty.weight(after: computedAfter)
                gradientPenalty.lastValue = savedWeight == weight ? saved : saved * weight / savedWeight
            }
        }
        optimizerG.learningRate = rates.generator
        optimizerD.learningRate = rates.discriminator
        self.loader = loader
        noiseRandom = noise
        instanceNoiseRandom = instanceNoise
        self.iteration = iteration
        // Older files do not carry it: their time then counts from the resume.
        trainingSeconds = checkpoint.trainingSeconds ?? 0
        qualityRecord = checkpoint.qualityRecord
        applyLearningRateSchedule()
    }
}
