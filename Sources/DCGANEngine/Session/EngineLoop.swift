import Foundation
import TrainerProtocol

/// The body of the engine thread: trains step by step, applies commands between steps, and
/// reports everything as events. All engine objects live and die on this thread.
final class EngineLoop {
    private let config: TrainingConfig
    private let options: SessionOptions
    private let emit: (TrainingEvent) -> Void
    private let inbox: CommandInbox
    private var state = RunState.running
    private var stopRequested = false
    private var trainer: DCGANTrainer!
    private var previewNoise: Tensor!
    private var previewRandom: RandomGenerator
    private var realPreviewRandom: RandomGenerator
    private var last: StepResult?
    private var trainingSeconds = 0.0
    private var imagesSeen = 0

    init(config: TrainingConfig, options: SessionOptions, emit: @escaping (TrainingEvent) -> Void, inbox: CommandInbox) {
        self.config = config
        self.options = options
        self.emit = emit
        self.inbox = inbox
        // Preview streams are separate from training's, so looking never changes the run.
        previewRandom = RandomGenerator(seed: config.seed ^ 0x5052_4556_4945_5721)
        realPreviewRandom = previewRandom.split()
    }

    func run() {
        do {
            if let threads = options.threads { DNNLContext.setThreads(threads) }
            trainer = try DCGANTrainer(config: config)
            previewNoise = try trainer.makeNoise(batch: options.previewCount, random: &previewRandom)
        } catch {
            emit(.error("cannot start training: \(error)"))
            emit(.finished(summary()))
            return
        }
        emit(.started(RunInfo(epochs: config.epochs, iterationsPerEpoch: config.iterationsPerEpoch,
                              totalIterations: config.totalIterations, startIteration: trainer.iteration,
                              batchSize: config.batchSize, latentSize: config.model.latentSize,
                              featureMaps: config.model.featureMaps, threads: DNNLContext.maxThreads,
                              seed: config.seed, runDirectory: options.runDirectory)))
        emit(.stateChanged(.running))
        emit(.learningRatesChanged(generator: trainer.optimizerG.learningRate, discriminator: trainer.optimizerD.learningRate))
        sendPreview(.generated)

        while !stopRequested {
            applyCommands()
            if stopRequested { break }
            if trainer.isFinished {
                if state != .finished { setState(.finished) }
                if !options.waitForStopAfterFinishing { break }
                Thread.sleep(forTimeInterval: 0.02)
                continue
            }
            if state != .running {
                Thread.sleep(forTimeInterval: 0.02)
                continue
            }
            trainOneStep()
        }
        if state == .running || state == .paused { setState(.stopped) }
        emit(.finished(summary()))
    }

    private func trainOneStep() {
        let epochBefore = trainer.epoch
        let start = DispatchTime.now().uptimeNanoseconds
        let result: StepResult
        do {
            result = try trainer.step()
        } catch {
            emit(.error("training step failed: \(error)"))
            stopRequested = true
            return
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        trainingSeconds += seconds
        last = result
        imagesSeen += result.batchSize
        let metrics = StepMetrics(epoch: epochBefore, iteration: trainer.iteration, dLoss: result.dLoss, gLoss: result.gLoss,
                                  dX: result.dX, dGZ: result.dGZ, lrG: trainer.optimizerG.learningRate,
                                  lrD: trainer.optimizerD.learningRate, imagesPerSecond: Double(result.batchSize) / max(seconds, 1e-9))
        emit(.step(metrics))
        if !metrics.isFinite {
            // Nothing is saved from here on unless asked: the weights are no longer trustworthy.
            emit(.warning("loss is \(result.dLoss.isFinite ? result.gLoss : result.dLoss) at step \(trainer.iteration): training diverged and is paused"))
            setState(.diverged)
            return
        }
        if trainer.epoch != epochBefore { emit(.epochEnded(epoch: epochBefore, iteration: trainer.iteration)) }
        if options.previewEvery > 0, trainer.iteration % options.previewEvery == 0 { sendPreview(.generated) }
    }

    private func applyCommands() {
        for command in inbox.take() {
            switch command {
            case .pause:
                if state == .running { setState(.paused) }
            case .resume:
                if state == .paused || state == .diverged { setState(.running) }
            case .stop:
                stopRequested = true
            case .saveCheckpoint:
                saveCheckpoint()
            case let .scaleLearningRate(net, factor):
                setRates(net) { $0 * factor }
            case let .setLearningRate(net, value):
                setRates(net) { _ in value }
            case .newPreviewNoise:
                previewRandom.fillNormal(previewNoise.buffer)
                sendPreview(.generated)
            case let .requestSamples(source):
                sendPreview(source)
            }
            emit(.commandApplied(command))
        }
    }

    private func setRates(_ net: NetSelection, _ change: (Float) -> Float) {
        for (selected, optimizer) in [(NetSelection.generator, trainer.optimizerG), (.discriminator, trainer.optimizerD)]
        where net == .both || net == selected {
            let rate = change(optimizer.learningRate)
            if rate.isFinite && rate > 0 { optimizer.learningRate = rate }
            else { emit(.warning("learning rate \(rate) refused: it must be positive and finite")) }
        }
        emit(.learningRatesChanged(generator: trainer.optimizerG.learningRate, discriminator: trainer.optimizerD.learningRate))
    }

    private func saveCheckpoint() {
        let path = "\(options.runDirectory)/step-\(trainer.iteration).safetensors"
        do {
            try FileManager.default.createDirectory(atPath: options.runDirectory, withIntermediateDirectories: true)
            try Checkpoint.save(trainer, to: path)
            emit(.checkpointSaved(path: path, iteration: trainer.iteration))
        } catch {
            // Training goes on; the previous checkpoint is untouched (the write is atomic).
            emit(.warning("checkpoint not saved: \(error)"))
        }
    }

    /// Generated faces from the fixed preview noise (batch statistics, as in training, with the
    /// running statistics left untouched), or real training images.
    private func sendPreview(_ source: ImageBatch.Source) {
        let count = options.previewCount
        let pixels: [Float]
        do {
            switch source {
            case .generated:
                pixels = try trainer.generator.preservingStatistics { try trainer.generate(noise: previewNoise, training: true) }
            case .real:
                let dataset = trainer.loader.dataset
                let images = try trainer.makeImageBatch(batch: count)
                let indices = (0..<count).map { _ in Int(realPreviewRandom.next() % UInt64(dataset.count)) }
                trainer.loader.fill(images.pointer, with: indices[...])
                pixels = images.toArray()
            }
        } catch {
            emit(.warning("preview failed: \(error)"))
            return
        }
        emit(.samples(ImageBatch(source: source, count: count, height: 64, width: 64, pixels: pixels), iteration: trainer.iteration))
    }

    private func setState(_ new: RunState) {
        state = new
        emit(.stateChanged(new))
    }

    private func summary() -> RunSummary {
        let iterations = trainer?.iteration ?? 0
        let epochs = (iterations + config.iterationsPerEpoch - 1) / config.iterationsPerEpoch
        return RunSummary(iterations: iterations, epochs: epochs, seconds: trainingSeconds,
                          imagesPerSecond: trainingSeconds > 0 ? Double(imagesSeen) / trainingSeconds : 0,
                          lastDLoss: last?.dLoss ?? .nan, lastGLoss: last?.gLoss ?? .nan,
                          state: state == .running ? .finished : state)
    }
}
