import Dispatch

/// Losses and discriminator outputs of one training step.
public struct StepResult: Sendable, Equatable {
    public var dLoss: Float
    public var gLoss: Float
    /// Mean D(x) on the real batch.
    public var dX: Float
    /// Mean D(G(z)) on the D step's fake batch (before D's update).
    public var dGZ: Float
    /// Images in this step's real batch (the last batch of an epoch may be partial).
    public var batchSize: Int
}

/// The seed's training recipe on oneDNN: a discriminator step on a real and a fake batch, then a
/// generator step with fresh noise, both with Adam. Lives on one thread (the engine thread).
public final class DCGANTrainer {
    public let config: TrainingConfig
    public let generator: Network
    public let discriminator: Network
    public let optimizerG: Adam
    public let optimizerD: Adam
    public internal(set) var loader: BatchLoader
    /// Draws the latent noise of every step.
    public internal(set) var noiseRandom: RandomGenerator
    /// The moving average of G that samples, when the recipe has one (`generatorAverageDecay`).
    public let generatorAverage: GeneratorAverage?
    /// Draws the instance noise (its own stream, so the recipe's other draws stay as without it).
    public internal(set) var instanceNoiseRandom: RandomGenerator
    /// Completed steps.
    public internal(set) var iteration = 0
    /// Seconds spent in `step()` since step 0, those before a resume included (the checkpoint
    /// carries them): the training time that time to quality counts, without measurements,
    /// previews or saves.
    public internal(set) var trainingSeconds = 0.0
    /// What the run's quality measurements have found (kept by the session's quality monitor):
    /// checkpoints carry it for a resumed run; training never reads it.
    public internal(set) var qualityRecord: QualityRecord?
    /// Lookahead's slow weights, when the recipe has lookahead.
    let slowWeights: SlowWeights?
    /// The R1 penalty on D, when the recipe has one.
    let gradientPenalty: GradientPenalty?
    private let context: DNNLContext
    private var buffers: [Int: StepBuffers] = [:]
    /// The training data's clusters by count, for truncation's quotas (computed once each).
    private var dataClusters: [Int: DataClusters] = [:]

    /// Per-batch-size tensors of a step: the real batch, the noise of both steps, dL/dD(·).
    private final class StepBuffers {
        let real: Tensor
        let noiseD: Tensor
        let noiseG: Tensor
        let lossGradient: Tensor
        /// D's inputs with instance noise added: plain copies, made on first use.
        private(set) var noisyReal: Tensor?
        private(set) var noisyFake: Tensor?

        init(generator: Network, discriminator: Network, context: DNNLContext, batch: Int) throws {
            real = try discriminator.makeInput(batch: batch)
            noiseD = try generator.makeInput(batch: batch)
            noiseG = try generator.makeInput(batch: batch)
            lossGradient = try Tensor(context, dims: [batch, 1, 1, 1])
        }

        func noisyBuffers(_ context: DNNLContext) throws -> (real: Tensor, fake: Tensor) {
            if noisyReal == nil {
                noisyReal = try Tensor(context, dims: real.dims)
                noisyFake = try Tensor(context, dims: real.dims)
            }
            return (noisyReal!, noisyFake!)
        }
    }

    /// Builds both networks and initialises them from `config.seed`.
    public init(config: TrainingConfig, context: DNNLContext? = nil) throws {
        try config.validate()
        self.config = config
        let context = try context ?? DNNLContext()
        self.context = context
        generator = try Network.generator(context, config: config.model)
        discriminator = try Network.discriminator(context, config: config.model, logits: config.bceFrom == .logits,
                                                  penaltySlot: config.gradientPenalty != nil)
        gradientPenalty = config.gradientPenalty.map {
            GradientPenalty(weight: $0, interval: config.gradientPenaltyInterval ?? 1, stages: config.gradientPenaltyStages)
        }
        optimizerG = Adam(parameterCount: generator.parameterCount, learningRate: config.learningRateG,
                          beta1: config.beta1, beta2: config.beta2)
        optimizerD = Adam(parameterCount: discriminator.parameterCount, learningRate: config.learningRateD,
                          beta1: config.beta1, beta2: config.beta2)
        var streams = RandomStreams(seed: config.seed)
        noiseRandom = streams.noise
        generator.initialize(config.weightInit, random: &streams.weights)
        discriminator.initialize(config.weightInit, random: &streams.weights)
        generatorAverage = try config.generatorAverageDecay.map {
            try GeneratorAverage(context, model: config.model, decay: $0, late: config.generatorAverageLate,
                                 statistics: config.averageStatistics ?? .averaged, seed: config.seed)
        }
        generatorAverage?.network.copyState(from: generator)
        let (generator, discriminator) = (generator, discriminator)
        slowWeights = config.lookahead.map { SlowWeights(alpha: $0.alpha, generator: generator, discriminator: discriminator) }
        instanceNoiseRandom = RandomGenerator(seed: config.seed ^ 0x494E_5354_4E4F_4953) // "INSTNOIS"
        let dataset = SmileyDataset(count: config.datasetSize, random: &streams.data)
        loader = BatchLoader(dataset: dataset, batchSize: config.batchSize, random: streams.data.split())
        applyLearningRateSchedule()
    }

    /// Sets both optimizers' schedule factor for the step after `iteration` (and, between steps,
    /// for the rates shown to the user).
    func applyLearningRateSchedule() {
        let factor = config.learningRateFactor(after: iteration)
        optimizerD.rateFactor = factor
        optimizerG.rateFactor = factor * config.generatorRateFactor(after: iteration)
    }

    /// 1-based epoch of the next step.
    public var epoch: Int { iteration / config.iterationsPerEpoch + 1 }

    public var isFinished: Bool { iteration >= config.totalIterations }

    /// Takes the next batch, draws fresh noise for both steps and trains one step.
    public func step() throws -> StepResult {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { trainingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let buffers = try context.phase("data") { () throws -> StepBuffers in
            let indices = loader.nextBatch()
            let buffers = try stepBuffers(batch: indices.count)
            loader.fill(buffers.real.pointer, with: indices)
            noiseRandom.fillNormal(buffers.noiseD.buffer)
            noiseRandom.fillNormal(buffers.noiseG.buffer)
            return buffers
        }
        return try trainStep(real: buffers.real, noiseD: buffers.noiseD, noiseG: buffers.noiseG)
    }

    /// One step of the seed's recipe on given data (used by `step()` and by the PyTorch fixtures):
    ///   D step: d_loss = (BCE(D(x), 0.9) + BCE(D(G(z_d)), 0)) / 2 [+ R1 at x], Adam on D;
    ///   G step: g_loss = BCE(D(G(z_g)), 1), Adam on G.
    /// With a learning-rate decay, both optimizers use the schedule's factor of their rates.
    /// With instance noise, D sees x + σε and G(z) + σε (fresh ε for every image D sees); with a
    /// lookahead, both networks move to their slow weights every k steps, after G's update; with a
    /// generator average, the average follows G after that.
    /// The networks keep their weights reordered for the convolutions between forward passes that
    /// no update separates (`weightsChanged: false`).
    public func trainStep(real: Tensor, noiseD: Tensor, noiseG: Tensor) throws -> StepResult {
        let batch = real.dims[0]
        let buffers = try stepBuffers(batch: batch)
        let lossGradient = buffers.lossGradient
        let sigma = config.instanceNoiseDeviation(after: iteration)
        applyLearningRateSchedule()
        if let slowWeights, let lookahead = config.lookahead, iteration % lookahead.interval == 0 {
            slowWeights.capture(generator: generator, discriminator: discriminator)
        }
        let noisy = sigma > 0 ? try buffers.noisyBuffers(context) : nil
        // What D sees of an image batch: the batch itself, or a plain copy with instance noise.
        func seenByD(_ images: Tensor, into copy: Tensor?) -> Tensor {
            guard let copy else { return images }
            context.phase("instance noise") {
                copy.assign(from: images)
                instanceNoiseRandom.addNormal(to: copy.buffer, std: sigma)
            }
            return copy
        }

        // D step, real half: gradients into slot 0, scaled by ½ for the average.
        discriminator.parameters.selectGradientSlot(0)
        let realSeen = seenByD(real, into: noisy?.real)
        let realOutput = try discriminator.forward(realSeen, training: true, weightsChanged: true)
        let (realLoss, dX) = loss(realOutput, target: config.realLabel, scale: 0.5, gradient: lossGradient)
        discriminator.backward(lossGradient, inputGradient: false, weightGradients: true)

        // D step, fake half: G(z_d) is a constant here (detached), gradients into slot 1.
        let fakeForD = try generator.forward(noiseD, training: true, weightsChanged: true)
        discriminator.parameters.selectGradientSlot(1)
        let fakeOutput = try discriminator.forward(seenByD(fakeForD, into: noisy?.fake), training: true, weightsChanged: false)
        let (fakeLoss, dGZ) = loss(fakeOutput, target: 0, scale: 0.5, gradient: lossGradient)
        discriminator.backward(lossGradient, inputGradient: false, weightGradients: true)
        // R1 at the real batch D saw (on its steps, when lazy): its gradient joins slot 0.
        let penalty = try gradientPenalty?.step(after: iteration, discriminator: discriminator, real: realSeen) ?? 0
        context.phase("adam") {
            optimizerD.update(discriminator.parameters.values,
                              gradients: [discriminator.parameters.gradient(slot: 0), discriminator.parameters.gradient(slot: 1)])
        }

        // G step: fresh noise, labels 1; D's weight gradients are not needed, only dL/dx.
        // G is unchanged since its forward pass above; D was just updated.
        let fakeForG = try generator.forward(noiseG, training: true, weightsChanged: false)
        // (The noise is additive: D's gradient for the noisy image is G's output gradient.)
        let output = try discriminator.forward(seenByD(fakeForG, into: noisy?.fake), training: true, weightsChanged: true)
        var gLoss = loss(output, target: 1, scale: 1, gradient: lossGradient).loss
        if let topK = config.topK, case let k = topK.count(batch: batch, completedEpochs: iteration / config.iterationsPerEpoch), k < batch {
            // Top-k: the loss and its gradient are the mean over the k fakes D rates most real.
            let outputs = UnsafeBufferPointer(output.buffer)
            let kept = TopK.select(k, of: outputs, gradient: lossGradient.buffer)
            gLoss = lossValue(kept.map { outputs[$0] }, target: 1)
        }
        guard let imageGradient = discriminator.backward(lossGradient, inputGradient: true, weightGradients: false) else {
            preconditionFailure("discriminator returned no input gradient")
        }
        generator.backward(imageGradient, inputGradient: false, weightGradients: true)
        context.phase("adam") {
            optimizerG.update(generator.parameters.values, gradients: [generator.parameters.gradient(slot: 0)])
        }
        if let slowWeights, config.lookahead?.synchronizes(after: iteration + 1) == true {
            // Both networks' weights change here; the next step's forward passes reorder them anew.
            context.phase("lookahead") { slowWeights.synchronize(generator: generator, discriminator: discriminator) }
        }
        if let generatorAverage {
            context.phase("generator average") { generatorAverage.update(from: generator) }
        }

        iteration += 1
        return StepResult(dLoss: (realLoss + fakeLoss) / 2 + penalty, gLoss: gLoss, dX: dX, dGZ: dGZ, batchSize: batch)
    }

    /// The generator that samples: the moving average when the recipe keeps one, else G itself.
    public var samplingGenerator: Network { generatorAverage?.network ?? generator }

    /// Images for a noise batch (N, L, 1, 1) from the sampling generator: training mode uses batch
    /// statistics (and updates the running ones, as PyTorch's train mode does); eval mode uses the
    /// running statistics (recomputed first when the average's are). `precision`: the pass's
    /// arithmetic, when not the network's.
    public func generate(noise: Tensor, training: Bool, precision: Precision? = nil) throws -> [Float] {
        if !training { try generatorAverage?.settleStatistics() }
        return try samplingGenerator.forward(noise, training: training, precision: precision).toArray()
    }

    /// The `samples` faces `truncation` keeps of the candidate latents `noise` (N', L, 1, 1): the least
    /// steep images of the sampling generator in eval mode, in the candidates' order (see
    /// `JacobianTruncation.sample`; `random` gives the finite difference's directions).
    public func generate(keeping truncation: JacobianTruncation, of noise: Tensor, samples: Int, precision: Precision? = nil,
                         random: inout RandomGenerator) throws -> [Float] {
        try generatorAverage?.settleStatistics()
        let data = truncation.clusters.map(dataClusters(count:))
        return try truncation.sample(samplingGenerator, candidates: noise, samples: samples, precision: precision, data: data,
                                     random: &random)
    }

    /// The training images in `count` clusters (see `DataClusters`).
    public func dataClusters(count: Int) -> DataClusters {
        if let known = dataClusters[count] { return known }
        let made = DataClusters(dataset: loader.dataset, clusters: count, seed: config.seed)
        dataClusters[count] = made
        return made
    }

    /// A noise tensor for `batch` samples, filled from `random`.
    public func makeNoise(batch: Int, random: inout RandomGenerator) throws -> Tensor {
        let noise = try generator.makeInput(batch: batch)
        random.fillNormal(noise.buffer)
        return noise
    }

    /// An empty tensor of the discriminator's input shape, e.g. for real images.
    public func makeImageBatch(batch: Int) throws -> Tensor { try discriminator.makeInput(batch: batch) }

    private func stepBuffers(batch: Int) throws -> StepBuffers {
        if let existing = buffers[batch] { return existing }
        let made = try StepBuffers(generator: generator, discriminator: discriminator, context: context, batch: batch)
        buffers[batch] = made
        return made
    }

    /// The BCE of some of D's outputs against `target` (no gradient).
    private func lossValue(_ values: [Float], target: Float) -> Float {
        values.withUnsafeBufferPointer {
            config.bceFrom == .logits ? BinaryCrossEntropyWithLogits.loss($0, target: target) : BinaryCrossEntropy.loss($0, target: target)
        }
    }

    /// The BCE of D's output (N, 1, 1, 1) against `target`, its gradient × `scale` into `gradient`,
    /// and the mean probability D gave: from probabilities (the seed's) or from logits (`bceFrom`).
    private func loss(_ output: Tensor, target: Float, scale: Float, gradient: Tensor) -> (loss: Float, meanProbability: Float) {
        context.phase("loss") { () -> (loss: Float, meanProbability: Float) in
            let values = UnsafeBufferPointer(output.buffer)
            let count = Float(values.count)
            if config.bceFrom == .logits {
                BinaryCrossEntropyWithLogits.gradient(values, target: target, scale: scale, into: gradient.buffer)
                return (BinaryCrossEntropyWithLogits.loss(values, target: target),
                        values.reduce(0) { $0 + BinaryCrossEntropyWithLogits.sigmoid($1) } / count)
            }
            BinaryCrossEntropy.gradient(values, target: target, scale: scale, into: gradient.buffer)
            return (BinaryCrossEntropy.loss(values, target: target), values.reduce(0, +) / count)
        }
    }
}
