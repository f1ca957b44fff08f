import Foundation
import TrainerProtocol

/// The body of the engine thread: trains step by step, applies commands between steps, and
/// reports everything as events. All engine objects live and die on this thread.
final class EngineLoop {
    private let source: TrainerSource
    private let config: TrainingConfig
    private let options: SessionOptions
    private var runDirectory: RunDirectory?
    /// Sum and count of this epoch's g_loss, for `best.safetensors`.
    private var epochGeneratorLoss: (sum: Float, count: Int) = (0, 0)
    private let emit: (TrainingEvent) -> Void
    private let inbox: CommandInbox
    private var state = RunState.running
    private var stopRequested = false
    private var trainer: DCGANTrainer!
    private var preview: PreviewSampler!
    private let previewRandom: RandomGenerator
    private var realPreviewRandom: RandomGenerator
    private var last: StepResult?
    /// Training seconds of this session (the trainer's count includes the steps before a resume):
    /// what images/s and the measurements' time budget are taken against.
    private var sessionSeconds = 0.0
    private var imagesSeen = 0
    /// Set at the first non-finite loss, for good: from then on nothing is saved automatically,
    /// so `last` and `best` keep the last good weights.
    private var diverged = false
    private var quality: QualityMonitor?
    private var qualityCadence: QualityCadence
    private var earlyStopped = false

    init(source: TrainerSource, options: SessionOptions, emit: @escaping (TrainingEvent) -> Void, inbox: CommandInbox) {
        self.source = source
        let config = source.config
        self.config = config
        self.options = options
        qualityCadence = QualityCadence(every: options.qualityEvery, budget: options.qualityBudget)
        self.emit = emit
        self.inbox = inbox
        // Preview streams are separate from training's, so looking never changes the run.
        var previewRandom = RandomGenerator(seed: config.seed ^ 0x5052_4556_4945_5721)
        realPreviewRandom = previewRandom.split()
        self.previewRandom = previewRandom
    }

    func run() {
        do {
            if let threads = options.threads { DNNLContext.setThreads(threads) }
            switch source {
            case .fresh:
                trainer = try DCGANTrainer(config: config)
            case let .resume(file, changes):
                trainer = try DCGANTrainer(resuming: file, changes: changes)
            }
            if options.writeRunFiles {
                runDirectory = try RunDirectory(path: options.runDirectory, keep: options.keep)
            }
            preview = try PreviewSampler(trainer: trainer, count: options.previewCount, truncation: config.samplingTruncation,
                                         random: previewRandom)
            if options.qualityEvery != 0 {
                // A resumed run goes on from its checkpoint's record: its time to quality, and its best
                // where best.safetensors is that best's (the checkpoint's own run directory).
                var keepsBest = false
                if case let .resume(file, _) = source {
                    keepsBest = RunDirectory.holds(checkpoint: file.path, directory: options.runDirectory)
                }
                let monitor = try QualityMonitor(trainer: trainer, samples: options.qualitySamples, seed: config.seed,
                                                 precision: options.qualityArithmetic.resolved(), scoresLive: options.qualityScoresLive,
                                                 truncation: config.samplingTruncation, continuing: trainer.qualityRecord, keepsBest: keepsBest)
                trainer.qualityRecord = monitor.record
                quality = monitor
            }
        } catch {
            emit(.error("cannot start training: \(error)"))
            state = .failed
            emit(.finished(summary()))
            return
        }
        emit(.started(RunInfo(epochs: config.epochs, iterationsPerEpoch: config.iterationsPerEpoch,
                              totalIterations: config.totalIterations, startIteration: trainer.iteration,
                              batchSize: config.batchSize, latentSize: config.model.latentSize,
                              featureMaps: config.model.featureMaps, threads: DNNLContext.maxThreads,
                              seed: config.seed, runDirectory: options.runDirectory, measuresQuality: quality != nil)))
        if case let .resume(file, _) = source {
            let history = RunDirectory.stepHistory(besideCheckpoint: file.path, through: trainer.iteration)
            if !history.isEmpty { emit(.history(history)) }
            let qualityHistory = quality == nil ? [] : RunDirectory.qualityHistory(besideCheckpoint: file.path, through: trainer.iteration)
            if !qualityHistory.isEmpty { emit(.qualityHistory(qualityHistory)) }
        }
        if let basis = quality?.restartedFrom {
            emit(.warning("the checkpoint's best and time to quality were measured another way (\(basis)): this run keeps its own"))
        }
        emit(.stateChanged(.running))
        emit(.learningRatesChanged(generator: trainer.optimizerG.effectiveLearningRate, discriminator: trainer.optimizerD.effectiveLearningRate))
        sendPreview(.generated)

        while !stopRequested {
            applyCommands()
            if stopRequested { break }
            if trainer.isFinished || earlyStopped {
                if state != .finished {
                    // The last step's weights, unless an epoch end has just written them.
                    if trainer.iteration % config.iterationsPerEpoch != 0 { save("last") { try $0.saveLast(self.trainer) } }
                    setState(.finished)
                }
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
        let secondsBefore = trainer.trainingSeconds
        let result: StepResult
        do {
            result = try trainer.step()
        } catch {
            emit(.error("training step failed: \(error)"))
            setState(.failed)
            stopRequested = true
            return
        }
        let seconds = trainer.trainingSeconds - secondsBefore
        sessionSeconds += seconds
        last = result
        imagesSeen += result.batchSize
        let metrics = StepMetrics(epoch: epochBefore, iteration: trainer.iteration, dLoss: result.dLoss, gLoss: result.gLoss,
                                  dX: result.dX, dGZ: result.dGZ, lrG: trainer.optimizerG.effectiveLearningRate,
                                  lrD: trainer.optimizerD.effectiveLearningRate, imagesPerSecond: Double(result.batchSize) / max(seconds, 1e-9))
        emit(.step(metrics))
        if let runDirectory {
            do { try runDirectory.log(metrics) } catch { emit(.warning("metrics not written: \(error)")) }
        }
        if !metrics.isFinite {
            // Nothing is saved from here on unless asked: the weights are no longer trustworthy.
            diverged = true
            emit(.warning("loss is \(result.dLoss.isFinite ? result.gLoss : result.dLoss) at step \(trainer.iteration): training diverged and is paused"))
            setState(.diverged)
            return
        }
        epochGeneratorLoss = (epochGeneratorLoss.sum + result.gLoss, epochGeneratorLoss.count + 1)
        let epochEnded = trainer.epoch != epochBefore
        if qualityCadence.isDue(iteration: trainer.iteration, epochEnded: epochEnded, trainingSeconds: sessionSeconds) {
            measureQuality()
        }
        if epochEnded {
            endEpoch(epochBefore)
        } else if options.saveEvery > 0, trainer.iteration % options.saveEvery == 0 {
            save("last") { try $0.saveLast(trainer) }
        }
        if options.previewEvery > 0, trainer.iteration % options.previewEvery == 0 { sendPreview(.generated) }
    }

    /// End of an epoch: `last`, maybe `best`, and the fixed-noise grid of the timeline.
    private func endEpoch(_ epoch: Int) {
        emit(.epochEnded(epoch: epoch, iteration: trainer.iteration))
        let meanGeneratorLoss = epochGeneratorLoss.sum / Float(max(epochGeneratorLoss.count, 1))
        epochGeneratorLoss = (0, 0)
        guard runDirectory != nil else { return }
        save("last") { try $0.saveLast(self.trainer) }
        if options.bestBy == .generatorLoss {
            save("best") { try $0.saveIfBest(self.trainer, epochGeneratorLoss: meanGeneratorLoss) }
        }
        if let batch = previewBatch(.generated) {
            do { _ = try runDirectory?.saveGrid(batch, epoch: epoch) } catch { emit(.warning("sample grid not saved: \(error)")) }
        }
    }

    /// Scores the generator on the fixed quality noise, publishes it, keeps `best` by it, warns of
    /// mode collapse, and stops the run when `--early-stop` patience has run out.
    private func measureQuality() {
        guard let quality else { return }
        var report: QualityReport
        do { report = try quality.measure(trainer, seconds: trainer.trainingSeconds) } catch {
            emit(.warning("quality not measured: \(error)"))
            return
        }
        qualityCadence.record(cost: report.costSeconds)
        let isBest = quality.add(report)
        trainer.qualityRecord = quality.record
        report.firstClean = quality.record.firstClean
        emit(.quality(report))
        if let runDirectory {
            do { try runDirectory.log(line: report.jsonLine) } catch { emit(.warning("metrics not written: \(error)")) }
        }
        if isBest, options.bestBy == .quality { save("best") { try $0.saveBest(self.trainer) } }
        if let warning = quality.collapseWarning() { emit(.warning(warning)) }
        if let patience = options.earlyStopPatience, trainer.iteration - quality.bestIteration >= patience * config.iterationsPerEpoch {
            emit(.warning("early stop: no quality improvement in \(patience) epoch\(patience == 1 ? "" : "s") (best at step \(quality.bestIteration))"))
            earlyStopped = true
        }
    }

    /// Runs a save into the run directory and reports it; a failure is a warning and training goes on
    /// (the previous file is intact: writes are atomic).
    private func save(_ what: String, _ body: (RunDirectory) throws -> String?) {
        guard let runDirectory, !diverged || what == "manual" else { return }
        do {
            if let path = try body(runDirectory) { emit(.checkpointSaved(path: path, iteration: trainer.iteration)) }
        } catch {
            emit(.warning("\(what) checkpoint not saved: \(error)"))
        }
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
                preview.redraw()
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
            // The user sees and changes the effective rate; the schedule keeps scaling the base.
            let rate = change(optimizer.effectiveLearningRate)
            if rate.isFinite && rate > 0 { optimizer.learningRate = rate / optimizer.rateFactor }
            else { emit(.warning("learning rate \(rate) refused: it must be positive and finite")) }
        }
        emit(.learningRatesChanged(generator: trainer.optimizerG.effectiveLearningRate, discriminator: trainer.optimizerD.effectiveLearningRate))
    }

    /// The manual checkpoint (the TUI's `s`); without a run directory (writeRunFiles off) it goes
    /// straight to `runDirectory/step-<n>.safetensors`.
    private func saveCheckpoint() {
        if runDirectory != nil {
            save("manual") { try $0.saveStep(self.trainer) }
            return
        }
        let path = "\(options.runDirectory)/step-\(trainer.iteration).safetensors"
        do {
            try FileManager.default.createDirectory(atPath: options.runDirectory, withIntermediateDirectories: true)
            try Checkpoint.save(trainer, to: path)
            emit(.checkpointSaved(path: path, iteration: trainer.iteration))
        } catch {
            emit(.warning("manual checkpoint not saved: \(error)"))
        }
    }

    /// Generated faces from the fixed preview noise (as `sample` draws them: see PreviewSampler), or
    /// real training images.
    private func sendPreview(_ source: ImageBatch.Source) {
        if let batch = previewBatch(source) { emit(.samples(batch, iteration: trainer.iteration)) }
    }

    private func previewBatch(_ source: ImageBatch.Source) -> ImageBatch? {
        let count = options.previewCount
        let pixels: [Float]
        do {
            switch source {
            case .generated:
                pixels = try preview.faces(of: trainer)
            case .real:
                let dataset = trainer.loader.dataset
                let images = try trainer.makeImageBatch(batch: count)
                let indices = (0..<count).map { _ in Int(realPreviewRandom.next() % UInt64(dataset.count)) }
                trainer.loader.fill(images.pointer, with: indices[...])
                pixels = images.toArray()
            }
        } catch {
            emit(.warning("preview failed: \(error)"))
            return nil
        }
        return ImageBatch(source: source, count: count, height: 64, width: 64, pixels: pixels)
    }

    private func setState(_ new: RunState) {
        state = new
        emit(.stateChanged(new))
    }

    private func summary() -> RunSummary {
        let iterations = trainer?.iteration ?? 0
        let epochs = (iterations + config.iterationsPerEpoch - 1) / config.iterationsPerEpoch
        return RunSummary(iterations: iterations, epochs: epochs, seconds: sessionSeconds,
                          imagesPerSecond: sessionSeconds > 0 ? Double(imagesSeen) / sessionSeconds : 0,
                          lastDLoss: last?.dLoss ?? .nan, lastGLoss: last?.gLoss ?? .nan,
                          state: state == .running ? .finished : state, firstClean: trainer?.qualityRecord?.firstClean)
    }
}
