/// How a training session runs beyond the recipe: previews, where files go, when it ends.
public struct SessionOptions: Sendable, Equatable {
    /// Faces in the fixed-noise preview batch.
    public var previewCount = 16
    /// Send a preview every this many steps (0: only on request).
    public var previewEvery = 25
    /// Where checkpoints are written.
    public var runDirectory = "runs"
    /// After the last step, keep serving commands (save, samples) until `.stop` (the TUI);
    /// otherwise end at once (headless).
    public var waitForStopAfterFinishing = false
    /// oneDNN threads; nil leaves OpenMP's default (all cores).
    public var threads: Int?

    public init() {}
}
