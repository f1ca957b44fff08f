/// Settings of the interactive trainer. Sample previews are refreshed by the engine (it
/// sends `.samples` on its own schedule and on `requestSamples`/`newPreviewNoise`); the UI
/// only shows the latest batch.
public struct TerminalOptions: Sendable, Equatable {
    /// No colours even when the terminal has them (also implied by a non-empty NO_COLOR
    /// environment variable or a terminal without colours).
    public var noColor: Bool
    /// Plain ASCII glyphs (also implied when the locale's codeset is not UTF-8).
    public var asciiOnly: Bool
    /// Most faces shown side by side and stacked in the preview; fewer when space is short.
    public var previewColumns: Int
    public var previewRows: Int
    /// Start the loss chart on a log scale.
    public var logScale: Bool
    /// Leave the UI as soon as the run finishes instead of waiting for q.
    public var exitWhenFinished: Bool
    /// Upper bound on redraws per second (at most 10 is honoured).
    public var maxFramesPerSecond: Int
    /// Seconds between machine-metric readings.
    public var systemSampleInterval: Double

    public init(noColor: Bool = false, asciiOnly: Bool = false, previewColumns: Int = 4, previewRows: Int = 2,
                logScale: Bool = false, exitWhenFinished: Bool = false, maxFramesPerSecond: Int = 10,
                systemSampleInterval: Double = 1.0) {
        self.noColor = noColor
        self.asciiOnly = asciiOnly
        self.previewColumns = max(1, previewColumns)
        self.previewRows = max(1, previewRows)
        self.logScale = logScale
        self.exitWhenFinished = exitWhenFinished
        self.maxFramesPerSecond = min(10, max(1, maxFramesPerSecond))
        self.systemSampleInterval = max(0.2, systemSampleInterval)
    }
}
