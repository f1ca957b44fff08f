import Foundation
import TrainerProtocol

/// The files of one run: `metrics.jsonl` (one JSON line per step), `last.safetensors` (end of every
/// epoch and every `saveEvery` steps), `best.safetensors` (lowest mean g_loss of an epoch, the
/// seed's rule), manual `step-<n>.safetensors` (at most `keep` of them) and the fixed-noise grid of
/// every epoch in `samples/epoch-NNNN.png`. `best` follows the quality score unless the run asks
/// for the seed's g_loss rule. Every write is atomic; a failure is reported, never fatal.
final class RunDirectory {
    let path: String
    private let keep: Int
    private var metrics: FileHandle?
    private(set) var bestGeneratorLoss = Float.infinity

    init(path: String, keep: Int) throws {
        self.path = path
        self.keep = keep
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        RunDirectory.removeAbandonedTemporaryFiles(in: path)
        // Appended to (a resumed run may share the directory); a run that cannot log refuses to
        // start rather than train for hours and keep no record.
        let metricsPath = "\(path)/metrics.jsonl"
        let fd = open(metricsPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw AtomicFile.WriteError(description: "cannot open \(metricsPath) for writing: \(String(cString: strerror(errno)))")
        }
        metrics = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    deinit { try? metrics?.close() }

    /// Temporary files of atomic writes whose writer was killed (`.<name>.tmp-<pid>`, pid gone).
    static func removeAbandonedTemporaryFiles(in path: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where name.hasPrefix(".") {
            guard let marker = name.range(of: ".tmp-", options: .backwards), let pid = Int32(name[marker.upperBound...]),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: "\(path)/\(name)")
        }
    }

    /// The steps up to `iteration` logged in the run directory of the checkpoint at
    /// `checkpointPath` (empty when it has no readable `metrics.jsonl`), oldest first. A directory
    /// resumed into more than once logs a step again after the checkpoint it resumed: the later
    /// line is the one that led to the checkpoint.
    static func stepHistory(besideCheckpoint checkpointPath: String, through iteration: Int) -> [StepMetrics] {
        loggedLines(besideCheckpoint: checkpointPath, through: iteration, prefix: "{\"epoch\"") {
            StepMetrics(jsonLine: $0)
        } iteration: { $0.iteration }
    }

    /// The quality measurements up to `iteration` logged beside the checkpoint, as `stepHistory`.
    static func qualityHistory(besideCheckpoint checkpointPath: String, through iteration: Int) -> [QualityReport] {
        loggedLines(besideCheckpoint: checkpointPath, through: iteration, prefix: "{\"quality\"") {
            QualityReport(jsonLine: $0, modes: QualityScore.modeCount)
        } iteration: { $0.iteration }
    }

    /// The lines of the checkpoint's `metrics.jsonl` that start with `prefix` and that `read`
    /// understands, up to `iteration`, the last one logged for each step, in step order.
    private static func loggedLines<Line>(besideCheckpoint checkpointPath: String, through iteration: Int, prefix: String,
                                          read: (Substring) -> Line?, iteration step: (Line) -> Int) -> [Line] {
        let metricsPath = folder(of: checkpointPath) + "/metrics.jsonl"
        guard let data = FileManager.default.contents(atPath: metricsPath) else { return [] }
        var latest: [Int: Line] = [:]
        for text in String(decoding: data, as: UTF8.self).split(separator: "\n") where text.hasPrefix(prefix) {
            guard let line = read(text), step(line) <= iteration else { continue }
            latest[step(line)] = line
        }
        return latest.keys.sorted().compactMap { latest[$0] }
    }

    /// True when the checkpoint at `checkpointPath` lies in the directory at `path` (symbolic links
    /// and relative paths resolved): a run resumed into its own run directory.
    static func holds(checkpoint checkpointPath: String, directory path: String) -> Bool {
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        return resolved(folder(of: checkpointPath)) == resolved(path)
    }

    private static func folder(of checkpointPath: String) -> String {
        let folder = (checkpointPath as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    func log(_ step: StepMetrics) throws { try log(line: step.jsonLine) }

    func log(line: String) throws {
        try metrics?.write(contentsOf: Data((line + "\n").utf8))
    }

    /// `best.safetensors`, chosen by the caller (the quality score).
    func saveBest(_ trainer: DCGANTrainer) throws -> String {
        let file = "\(path)/best.safetensors"
        try Checkpoint.save(trainer, to: file)
        return file
    }

    func saveLast(_ trainer: DCGANTrainer) throws -> String {
        let file = "\(path)/last.safetensors"
        try Checkpoint.save(trainer, to: file)
        return file
    }

    /// Saves `best.safetensors` when the epoch's mean g_loss is the lowest so far; returns its path then.
    func saveIfBest(_ trainer: DCGANTrainer, epochGeneratorLoss: Float) throws -> String? {
        guard epochGeneratorLoss.isFinite, epochGeneratorLoss < bestGeneratorLoss else { return nil }
        let file = "\(path)/best.safetensors"
        try Checkpoint.save(trainer, to: file)
        bestGeneratorLoss = epochGeneratorLoss
        return file
    }

    /// A manual checkpoint; removes the oldest `step-*` files beyond `keep`.
    func saveStep(_ trainer: DCGANTrainer) throws -> String {
        let file = "\(path)/step-\(trainer.iteration).safetensors"
        try Checkpoint.save(trainer, to: file)
        if keep > 0 {
            let steps = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .compactMap { name -> (Int, String)? in
                    guard name.hasPrefix("step-"), name.hasSuffix(".safetensors"),
                          let n = Int(name.dropFirst(5).dropLast(12)) else { return nil }
                    return (n, name)
                }
                .sorted { $0.0 < $1.0 }
            for (_, name) in steps.dropLast(keep) { try? FileManager.default.removeItem(atPath: "\(path)/\(name)") }
        }
        return file
    }

    func saveGrid(_ batch: ImageBatch, epoch: Int, columns: Int = 8) throws -> String {
        let directory = "\(path)/samples"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = String(format: "%@/epoch-%04d.png", directory, epoch)
        try RGBImage.grid(batch.rgbImages(), columns: columns).writePNG(to: file)
        return file
    }
}

extension ImageBatch {
    /// Each image as 8-bit RGB.
    public func rgbImages() -> [RGBImage] {
        let size = 3 * height * width
        return pixels.withUnsafeBufferPointer { all in
            (0..<count).map { RGBImage(planar: UnsafeBufferPointer(rebasing: all[($0 * size)..<(($0 + 1) * size)]), width: width, height: height) }
        }
    }
}
