// The vocabulary shared by the engine and any front end (headless printer, terminal UI).
// Everything here is a plain Sendable value: the engine thread publishes events, the UI
// sends commands, and neither side sees the other's objects.

/// Which network a command is about.
public enum NetSelection: String, Sendable, CaseIterable {
    case generator = "G"
    case discriminator = "D"
    case both = "G+D"
}

/// The engine's run state, as a front end shows it.
public enum RunState: String, Sendable {
    case running = "RUNNING"
    case paused = "PAUSED"
    case finished = "FINISHED"
    case diverged = "DIVERGED"
    case stopped = "STOPPED"
    /// Could not start, or a step failed: an error event says why.
    case failed = "FAILED"
}

/// What is fixed for the whole run; sent once when training starts.
public struct RunInfo: Sendable, Equatable {
    public var epochs: Int
    public var iterationsPerEpoch: Int
    /// Total optimisation steps this run will take (iterations limit or epochs × per-epoch).
    public var totalIterations: Int
    /// Step the run starts from (non-zero when resuming).
    public var startIteration: Int
    public var batchSize: Int
    public var latentSize: Int
    public var featureMaps: Int
    public var threads: Int
    public var seed: UInt64
    public var runDirectory: String
    /// The run measures the quality of its faces (`.quality` events will come).
    public var measuresQuality: Bool

    public init(epochs: Int, iterationsPerEpoch: Int, totalIterations: Int, startIteration: Int,
                batchSize: Int, latentSize: Int, featureMaps: Int, threads: Int, seed: UInt64,
                runDirectory: String, measuresQuality: Bool = false) {
        self.epochs = epochs
        self.iterationsPerEpoch = iterationsPerEpoch
        self.totalIterations = totalIterations
        self.startIteration = startIteration
        self.batchSize = batchSize
        self.latentSize = latentSize
        self.featureMaps = featureMaps
        self.threads = threads
        self.seed = seed
        self.runDirectory = runDirectory
        self.measuresQuality = measuresQuality
    }
}

/// One training step (D step + G step), as reported by the engine.
public struct StepMetrics: Sendable, Equatable {
    /// 1-based epoch the step belongs to.
    public var epoch: Int
    /// 1-based global step counter.
    public var iteration: Int
    public var dLoss: Float
    public var gLoss: Float
    /// Mean D(x) over the real batch (D step).
    public var dX: Float
    /// Mean D(G(z)) over the fake batch of the D step, before D's update.
    public var dGZ: Float
    public var lrG: Float
    public var lrD: Float
    /// Throughput of this step in images per second (batch size / step wall time).
    public var imagesPerSecond: Double

    public init(epoch: Int, iteration: Int, dLoss: Float, gLoss: Float, dX: Float, dGZ: Float,
                lrG: Float, lrD: Float, imagesPerSecond: Double) {
        self.epoch = epoch
        self.iteration = iteration
        self.dLoss = dLoss
        self.gLoss = gLoss
        self.dX = dX
        self.dGZ = dGZ
        self.lrG = lrG
        self.lrD = lrD
        self.imagesPerSecond = imagesPerSecond
    }

    /// A loss that is NaN or infinite means training diverged.
    public var isFinite: Bool { dLoss.isFinite && gLoss.isFinite }
}

/// A batch of RGB images, planar NCHW, values in [-1, 1] (the generator's tanh range).
public struct ImageBatch: Sendable, Equatable {
    public enum Source: String, Sendable { case generated, real }
    public var source: Source
    public var count: Int
    public var height: Int
    public var width: Int
    /// count × 3 × height × width floats.
    public var pixels: [Float]

    public init(source: Source, count: Int, height: Int, width: Int, pixels: [Float]) {
        precondition(pixels.count == count * 3 * height * width, "ImageBatch: pixel count mismatch")
        self.source = source
        self.count = count
        self.height = height
        self.width = width
        self.pixels = pixels
    }

    /// Pixel of image `index`, channel `channel`, row `y`, column `x`, mapped to [0, 1].
    public func unitValue(index: Int, channel: Int, y: Int, x: Int) -> Float {
        let v = pixels[((index * 3 + channel) * height + y) * width + x]
        return min(1, max(0, (v + 1) / 2))
    }
}

/// Final numbers of a run.
public struct RunSummary: Sendable, Equatable {
    public var iterations: Int
    public var epochs: Int
    public var seconds: Double
    public var imagesPerSecond: Double
    public var lastDLoss: Float
    public var lastGLoss: Float
    public var state: RunState
    /// The run's first measurement with clean faces (`QualityMetrics.isClean`), before a resume
    /// or after; nil when none was clean (or quality was not measured).
    public var firstClean: QualityMark?

    public init(iterations: Int, epochs: Int, seconds: Double, imagesPerSecond: Double,
                lastDLoss: Float, lastGLoss: Float, state: RunState, firstClean: QualityMark? = nil) {
        self.iterations = iterations
        self.epochs = epochs
        self.seconds = seconds
        self.imagesPerSecond = imagesPerSecond
        self.lastDLoss = lastDLoss
        self.lastGLoss = lastGLoss
        self.state = state
        self.firstClean = firstClean
    }
}

/// Everything the engine tells a front end.
public enum TrainingEvent: Sendable, Equatable {
    case started(RunInfo)
    /// A resumed run's earlier steps (from the checkpoint's `metrics.jsonl`, oldest first), sent
    /// once before its first step so that charts continue where they stopped.
    case history([StepMetrics])
    /// A resumed run's earlier quality measurements (from the same `metrics.jsonl`), oldest first,
    /// sent after `history`.
    case qualityHistory([QualityReport])
    case step(StepMetrics)
    case epochEnded(epoch: Int, iteration: Int)
    /// A preview batch: generated from the fixed preview noise, or real training images.
    case samples(ImageBatch, iteration: Int)
    case checkpointSaved(path: String, iteration: Int)
    /// A quality measurement (data sets with prototypes only), every `--quality-every` steps.
    case quality(QualityReport)
    case stateChanged(RunState)
    case learningRatesChanged(generator: Float, discriminator: Float)
    /// Acknowledges a command once the engine has applied it (at a step boundary).
    case commandApplied(TrainingCommand)
    case warning(String)
    case error(String)
    case finished(RunSummary)
}

/// Everything a front end can ask of the engine. Applied at the next step boundary.
public enum TrainingCommand: Sendable, Equatable {
    case pause
    case resume
    case saveCheckpoint
    /// Multiply the learning rate of the selected net(s) by `factor` (e.g. 1.25 or 1/1.25).
    case scaleLearningRate(NetSelection, factor: Float)
    case setLearningRate(NetSelection, value: Float)
    /// Draw a new fixed noise batch for the preview and send fresh samples.
    case newPreviewNoise
    /// Send a preview batch now: generated faces or real training images.
    case requestSamples(ImageBatch.Source)
    /// Finish the current step and end the run.
    case stop
}

/// The handle a front end holds on a running engine.
public protocol TrainingController: AnyObject, Sendable {
    /// The event stream; it finishes after `.finished`.
    var events: AsyncStream<TrainingEvent> { get }
    func send(_ command: TrainingCommand)
}
