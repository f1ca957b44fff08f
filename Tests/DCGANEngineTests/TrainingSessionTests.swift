import Foundation
import TrainerProtocol
import XCTest
@testable import DCGANEngine

/// The command/event protocol of the engine thread, with the real engine on a tiny model.
final class TrainingSessionTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "dcgan-session-\(UUID().uuidString)"
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func session(iterations: Int = 100_000, runFiles: Bool = true,
                         decay: LearningRateDecay? = nil) throws -> TrainingSession {
        var config = TrainingConfig()
        config.learningRateDecay = decay
        config.model = ModelConfig(latentSize: 8, featureMaps: 4)
        config.batchSize = 8
        config.datasetSize = 64
        config.iterations = iterations
        var options = SessionOptions()
        options.previewCount = 4
        options.previewEvery = 3
        options.runDirectory = directory
        options.writeRunFiles = runFiles
        return try TrainingSession(source: .fresh(config), options: options)
    }

    /// Collects events on a task; `next` waits for the first event matching a predicate.
    final class Recorder: @unchecked Sendable {
        // Guarded by `lock`; written by the collecting task, read by the test.
        private var events: [TrainingEvent] = []
        private let lock = NSLock()

        init(_ stream: AsyncStream<TrainingEvent>) {
            Task { for await event in stream { self.lock.withLock { self.events.append(event) } } }
        }

        var all: [TrainingEvent] { lock.withLock { events } }

        var steps: [StepMetrics] { all.compactMap { if case let .step(m) = $0 { return m } else { return nil } } }
    }

    private func waitFor(_ recorder: Recorder, _ what: String, timeout: Double = 60,
                         _ predicate: @escaping (TrainingEvent) -> Bool) -> TrainingEvent? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let event = recorder.all.first(where: predicate) { return event }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTFail("timed out waiting for \(what)")
        return nil
    }

    private func waitForFinish(_ recorder: Recorder) {
        _ = waitFor(recorder, "finished") { if case .finished = $0 { return true } else { return false } }
    }

    /// Starts the session and waits until it has finished; the recorder holds all its events.
    @discardableResult
    private func runToEnd(_ session: TrainingSession) -> Recorder {
        let recorder = Recorder(session.events)
        session.start()
        waitForFinish(recorder)
        return recorder
    }

    func testPauseStopsStepsAndResumeContinues() throws {
        let session = try session()
        let recorder = Recorder(session.events)
        session.start()
        _ = waitFor(recorder, "a few steps") { if case let .step(m) = $0 { return m.iteration >= 3 } else { return false } }
        session.send(.pause)
        _ = waitFor(recorder, "pause acknowledged") { $0 == .commandApplied(.pause) }
        XCTAssertTrue(recorder.all.contains(.stateChanged(.paused)))
        let pausedAt = recorder.steps.count
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(recorder.steps.count, pausedAt, "no step while paused")
        session.send(.resume)
        _ = waitFor(recorder, "steps after resume") { _ in recorder.steps.count > pausedAt + 2 }
        session.send(.stop)
        waitForFinish(recorder)
        XCTAssertTrue(session.waitUntilEnded(timeout: 10))
    }

    func testLearningRateCommandsChangeTheOptimizer() throws {
        let session = try session()
        let recorder = Recorder(session.events)
        session.start()
        _ = waitFor(recorder, "first step") { if case .step = $0 { return true } else { return false } }
        session.send(.scaleLearningRate(.generator, factor: 1.25))
        _ = waitFor(recorder, "scale acknowledged") { $0 == .commandApplied(.scaleLearningRate(.generator, factor: 1.25)) }
        XCTAssertTrue(recorder.all.contains(.learningRatesChanged(generator: Float(2e-4) * 1.25, discriminator: 2e-4)))
        session.send(.setLearningRate(.both, value: 1e-3))
        _ = waitFor(recorder, "set applied") { $0 == .commandApplied(.setLearningRate(.both, value: 1e-3)) }
        let count = recorder.steps.count
        let step = waitFor(recorder, "a step at the new rate") { _ in recorder.steps.count > count + 1 }
        XCTAssertNotNil(step)
        XCTAssertEqual(recorder.steps.last?.lrG, 1e-3)
        XCTAssertEqual(recorder.steps.last?.lrD, 1e-3)
        session.send(.setLearningRate(.discriminator, value: -1))
        _ = waitFor(recorder, "refused rate") { if case let .warning(text) = $0 { return text.contains("refused") } else { return false } }
        session.send(.stop)
        XCTAssertTrue(session.waitUntilEnded(timeout: 10))
    }

    /// Under a decay the user sees and sets the rate in use; the schedule keeps scaling it.
    func testLearningRatesUnderADecayAreTheRatesInUse() throws {
        // Factor 1 for the first step, 0.5 from the second on.
        let session = try session(decay: LearningRateDecay(start: 0, steps: 1, floor: 0.5))
        let recorder = Recorder(session.events)
        session.start()
        _ = waitFor(recorder, "two steps") { _ in recorder.steps.count >= 2 }
        XCTAssertEqual(recorder.steps[0].lrG, 2e-4)
        XCTAssertEqual(recorder.steps[1].lrG, 1e-4)
        XCTAssertEqual(recorder.steps[1].lrD, 1e-4)
        session.send(.setLearningRate(.generator, value: 3e-4))
        _ = waitFor(recorder, "set applied") { $0 == .commandApplied(.setLearningRate(.generator, value: 3e-4)) }
        XCTAssertTrue(recorder.all.contains(.learningRatesChanged(generator: 3e-4, discriminator: 1e-4)))
        let count = recorder.steps.count
        _ = waitFor(recorder, "a step at the new rate") { _ in recorder.steps.count > count + 1 }
        XCTAssertEqual(recorder.steps.last?.lrG ?? 0, 3e-4, accuracy: 1e-10)
        XCTAssertEqual(recorder.steps.last?.lrD, 1e-4)
        session.send(.stop)
        XCTAssertTrue(session.waitUntilEnded(timeout: 10))
    }

    func testSaveCheckpointPreviewsAndFinish() throws {
        let session = try session(iterations: 10)
        let recorder = Recorder(session.events)
        session.start()
        session.send(.saveCheckpoint)
        guard case let .checkpointSaved(path, _)? = waitFor(recorder, "checkpoint", { if case .checkpointSaved = $0 { return true } else { return false } }) else { return }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        XCTAssertNoThrow(try CheckpointFile(path: path))
        session.send(.requestSamples(.real))
        _ = waitFor(recorder, "real samples") { if case let .samples(batch, _) = $0 { return batch.source == .real } else { return false } }
        waitForFinish(recorder)
        XCTAssertEqual(recorder.steps.map(\.iteration), Array(1...10))
        // Previews every 3 steps plus the first one.
        let generated = recorder.all.filter { if case let .samples(batch, _) = $0 { return batch.source == .generated } else { return false } }
        XCTAssertGreaterThanOrEqual(generated.count, 4)
        XCTAssertTrue(recorder.all.contains(.stateChanged(.finished)))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(directory!)/last.safetensors"))
        let lines = try String(contentsOfFile: "\(directory!)/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix("{\"epoch\"") }.count, 10, "one line per step")
    }

    /// A save that cannot be written is a warning; training goes on.
    func testFailedSaveIsAWarningAndTrainingGoesOn() throws {
        try FileManager.default.createDirectory(atPath: "\(directory!)/last.safetensors/blocked", withIntermediateDirectories: true)
        var config = TrainingConfig()
        config.model = ModelConfig(latentSize: 8, featureMaps: 4)
        config.batchSize = 8
        config.datasetSize = 16 // 2 steps per epoch: an epoch end (and a save of last) every 2 steps
        config.iterations = 6
        var options = SessionOptions()
        options.previewCount = 2
        options.runDirectory = directory
        let session = try TrainingSession(source: .fresh(config), options: options)
        let recorder = runToEnd(session)
        XCTAssertTrue(recorder.all.contains { if case let .warning(text) = $0 { return text.contains("last checkpoint not saved") } else { return false } })
        XCTAssertEqual(recorder.steps.count, 6, "training went on")
    }

    /// A run directory whose metrics file cannot be opened stops the run before its first step,
    /// naming the file, instead of training without a record.
    func testUnwritableMetricsStopTheRunBeforeItStarts() throws {
        try FileManager.default.createDirectory(atPath: "\(directory!)/metrics.jsonl", withIntermediateDirectories: true)
        let session = try session(iterations: 4)
        let recorder = Recorder(session.events)
        session.start()
        let finished = waitFor(recorder, "finished") { if case .finished = $0 { return true } else { return false } }
        let errors = recorder.all.compactMap { if case let .error(text) = $0 { return text } else { return nil } }
        XCTAssertTrue(errors.contains { $0.contains("cannot start training") && $0.contains("metrics.jsonl") }, "\(errors)")
        XCTAssertEqual(recorder.steps.count, 0)
        guard case let .finished(summary)? = finished else { return XCTFail("no summary") }
        XCTAssertEqual(summary.state, .failed, "a run that never started did not finish")
    }

    /// A resumed session first sends the steps its checkpoint's run logged (for the charts),
    /// read back from metrics.jsonl exactly as they were sent.
    func testResumeSendsTheCheckpointsHistoryFirst() throws {
        let first = try session(iterations: 4)
        let firstRecorder = runToEnd(first)
        let logged = firstRecorder.steps
        XCTAssertEqual(logged.count, 4)

        var options = SessionOptions()
        options.previewCount = 4
        options.runDirectory = directory + "/resumed"
        let file = try CheckpointFile(path: directory + "/last.safetensors")
        let resumed = try TrainingSession(source: .resume(file, ResumeChanges(iterations: 5)), options: options)
        let recorder = runToEnd(resumed)
        let events = recorder.all
        guard let index = events.firstIndex(where: { if case .history = $0 { return true } else { return false } }),
              case let .history(history) = events[index] else { return XCTFail("no history event") }
        XCTAssertLessThan(index, events.firstIndex { if case .step = $0 { return true } else { return false } } ?? 0)
        XCTAssertEqual(history.map(\.iteration), [1, 2, 3, 4])
        XCTAssertEqual(history.map(\.gLoss.bitPattern), logged.map(\.gLoss.bitPattern))
        XCTAssertEqual(history.map(\.dGZ.bitPattern), logged.map(\.dGZ.bitPattern))
        XCTAssertEqual(history.map(\.lrD), logged.map(\.lrD))
        XCTAssertEqual(recorder.steps.map(\.iteration), [5])
    }

    /// A directory resumed into twice logs steps again after the checkpoint: the later lines win;
    /// other lines (quality, summary, damaged) are skipped, steps past the checkpoint left out.
    func testHistoryKeepsTheLinesThatLedToTheCheckpoint() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func line(_ iteration: Int, _ gLoss: Float) -> String {
            StepMetrics(epoch: 1, iteration: iteration, dLoss: 1, gLoss: gLoss, dX: 0.5, dGZ: 0.5, lrG: 2e-4, lrD: 2e-4,
                        imagesPerSecond: 10).jsonLine
        }
        let lines = [line(1, 1), line(2, 2), line(3, 3), "{\"quality\":{\"iteration\":3}}", line(2, 20), "{\"epoch\":1,\"itera",
                     line(3, 30), line(4, 40), "{\"summary\":{}}"]
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/metrics.jsonl", atomically: true, encoding: .utf8)
        let history = RunDirectory.stepHistory(besideCheckpoint: directory + "/last.safetensors", through: 3)
        XCTAssertEqual(history.map(\.iteration), [1, 2, 3])
        XCTAssertEqual(history.map(\.gLoss), [1, 20, 30])
        XCTAssertEqual(RunDirectory.stepHistory(besideCheckpoint: directory + "/nowhere/last.safetensors", through: 3), [])
    }

    private func tinySession(iterations: Int, average: Float? = nil, truncation: JacobianTruncation? = nil,
                             configure: (inout SessionOptions) -> Void) throws -> TrainingSession {
        var config = TrainingConfig()
        config.generatorAverageDecay = average
        config.samplingTruncation = truncation
        config.model = ModelConfig(latentSize: 8, featureMaps: 4)
        config.batchSize = 8
        config.datasetSize = 16 // 2 steps per epoch
        config.iterations = iterations
        var options = SessionOptions()
        options.previewCount = 2
        options.qualitySamples = 8
        options.runDirectory = directory
        configure(&options)
        return try TrainingSession(source: .fresh(config), options: options)
    }

    private func qualityReports(_ recorder: Recorder) -> [QualityReport] {
        recorder.all.compactMap { if case let .quality(report) = $0 { return report } else { return nil } }
    }

    func testQualityEventsAtTheConfiguredCadence() throws {
        let session = try tinySession(iterations: 6) { $0.qualityEvery = 3 }
        let recorder = runToEnd(session)
        XCTAssertEqual(qualityReports(recorder).map(\.iteration), [3, 6])
        XCTAssertEqual(qualityReports(recorder).first?.samples, 8)
        let lines = try String(contentsOfFile: "\(directory!)/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix("{\"quality\"") }.count, 2)

        // Default cadence: every epoch (2 steps), here without the time budget.
        let byEpoch = try tinySession(iterations: 6) { $0.qualityBudget = nil }
        let epochRecorder = runToEnd(byEpoch)
        XCTAssertEqual(qualityReports(epochRecorder).map(\.iteration), [2, 4, 6])
        XCTAssertEqual(qualityReports(epochRecorder).map(\.epoch), [1, 2, 3])

        // With a budget no measurement fits in, only the first epoch end measures.
        let noBudget = try tinySession(iterations: 6) { $0.qualityBudget = 0 }
        let noBudgetRecorder = runToEnd(noBudget)
        XCTAssertEqual(qualityReports(noBudgetRecorder).map(\.iteration), [2])
    }

    func testTheDefaultCadenceSkipsEpochEndsPastTheBudget() {
        var cadence = QualityCadence(every: nil, budget: 0.02)
        XCTAssertFalse(cadence.isDue(iteration: 1, epochEnded: false, trainingSeconds: 10))
        XCTAssertTrue(cadence.isDue(iteration: 2, epochEnded: true, trainingSeconds: 10), "the first epoch end measures")
        cadence.record(cost: 1)
        XCTAssertFalse(cadence.isDue(iteration: 4, epochEnded: true, trainingSeconds: 99), "2 s of measuring in 99 s is over 2%")
        XCTAssertTrue(cadence.isDue(iteration: 6, epochEnded: true, trainingSeconds: 100))
        XCTAssertFalse(cadence.isDue(iteration: 7, epochEnded: false, trainingSeconds: 1000))
        cadence.record(cost: 3)
        XCTAssertEqual(cadence.measuredSeconds, 4)
        XCTAssertFalse(cadence.isDue(iteration: 8, epochEnded: true, trainingSeconds: 300), "the next is expected to cost as the last")
        XCTAssertTrue(cadence.isDue(iteration: 8, epochEnded: true, trainingSeconds: 350))

        let unlimited = QualityCadence(every: nil, budget: nil)
        XCTAssertTrue(unlimited.isDue(iteration: 2, epochEnded: true, trainingSeconds: 0))
        let everyThree = QualityCadence(every: 3, budget: 0.02)
        XCTAssertEqual((1...9).filter { everyThree.isDue(iteration: $0, epochEnded: $0 % 2 == 0, trainingSeconds: 0) }, [3, 6, 9])
        let never = QualityCadence(every: 0, budget: nil)
        XCTAssertFalse(never.isDue(iteration: 2, epochEnded: true, trainingSeconds: 100))
    }

    /// With truncation the previews and the epoch grids are the kept faces (PreviewSamplerTests), as
    /// many as without it.
    func testATruncatedRunPreviewsItsKeptFaces() throws {
        let session = try tinySession(iterations: 4, average: 0.9, truncation: JacobianTruncation(keep: 0.5)) {
            $0.qualityEvery = 2
            $0.previewEvery = 2
        }
        let recorder = runToEnd(session)
        let previews = recorder.all.compactMap { event -> ImageBatch? in
            if case let .samples(batch, _) = event, batch.source == .generated { return batch } else { return nil }
        }
        XCTAssertEqual(previews.count, 3, "the first, then every 2 steps")
        XCTAssertEqual(previews.map(\.count), [2, 2, 2])
        XCTAssertEqual(previews.map(\.pixels.count), [2, 2, 2].map { $0 * 3 * 64 * 64 })
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(directory!)/samples/epoch-0002.png"))
        XCTAssertTrue(recorder.all.contains(.stateChanged(.finished)))
    }

    /// A resumed run to step `iterations` from `file` into `runDirectory`, measured every 2 steps on
    /// 8 samples; its events once finished.
    private func resumedRun(_ file: CheckpointFile, iterations: Int, into runDirectory: String,
                            configure: (inout SessionOptions) -> Void = { _ in }) throws -> [TrainingEvent] {
        var options = SessionOptions()
        options.previewCount = 2
        options.qualitySamples = 8
        options.qualityEvery = 2
        options.runDirectory = runDirectory
        configure(&options)
        let session = try TrainingSession(source: .resume(file, ResumeChanges(iterations: iterations)), options: options)
        let recorder = runToEnd(session)
        return recorder.all
    }

    private func summary(_ events: [TrainingEvent]) -> RunSummary? {
        events.lazy.compactMap { if case let .finished(summary) = $0 { return summary } else { return nil } }.first
    }

    /// A resumed run's quality reports count the training seconds from step 0 (the checkpoint's
    /// and this session's); its summary's seconds are this session's, what its images/s divide.
    func testAResumedRunsQualitySecondsCountTheStepsBeforeIt() throws {
        let first = try tinySession(iterations: 4) { $0.qualityEvery = 0 }
        runToEnd(first)
        let file = try CheckpointFile(path: directory + "/last.safetensors")
        let before = try XCTUnwrap(file.trainingSeconds)
        XCTAssertGreaterThan(before, 0)

        let events = try resumedRun(file, iterations: 6, into: directory + "/resumed")
        guard let summary = summary(events) else { return XCTFail("no summary") }
        let reports = events.compactMap { if case let .quality(report) = $0 { return report } else { return nil } }
        XCTAssertEqual(reports.map(\.iteration), [6])
        XCTAssertEqual(summary.iterations, 6)
        XCTAssertGreaterThan(summary.seconds, 0)
        XCTAssertEqual(reports[0].seconds, before + summary.seconds, accuracy: 1e-9 * reports[0].seconds)
        XCTAssertEqual(try XCTUnwrap(CheckpointFile(path: directory + "/resumed/last.safetensors").trainingSeconds),
                       reports[0].seconds, accuracy: 1e-9 * reports[0].seconds)
    }

    /// An untrained tiny generator scores the same at every measurement, and a tie is not better:
    /// resumed into its own run directory a run keeps its best (step 2) and stops early counting
    /// from it; resumed elsewhere it starts a best of that directory's.
    func testAResumedRunKeepsItsBestInItsOwnDirectory() throws {
        let first = try tinySession(iterations: 4) { $0.qualityEvery = 2 }
        let firstRecorder = runToEnd(first)
        XCTAssertEqual(qualityReports(firstRecorder).map(\.iteration), [2, 4])
        XCTAssertEqual(try CheckpointFile(path: directory + "/best.safetensors").iteration, 2)
        let file = try CheckpointFile(path: directory + "/last.safetensors")
        XCTAssertEqual(file.qualityRecord?.best?.iteration, 2)

        _ = try resumedRun(file, iterations: 8, into: directory)
        XCTAssertEqual(try CheckpointFile(path: directory + "/best.safetensors").iteration, 2, "a tie replaced the run's best")
        XCTAssertEqual(try CheckpointFile(path: directory + "/last.safetensors").qualityRecord?.best?.iteration, 2)

        let elsewhere = directory + "/elsewhere"
        _ = try resumedRun(file, iterations: 8, into: elsewhere)
        XCTAssertEqual(try CheckpointFile(path: elsewhere + "/best.safetensors").iteration, 6)

        // Patience 1 epoch (2 steps) has run out at the first measurement after the resume.
        let stopped = try resumedRun(file, iterations: 8, into: directory) { $0.earlyStopPatience = 1 }
        XCTAssertEqual(stopped.compactMap { if case let .step(m) = $0 { return m.iteration } else { return nil } }, [5, 6])
        XCTAssertTrue(stopped.contains(.warning("early stop: no quality improvement in 1 epoch (best at step 2)")))
    }

    /// A run that measures quality says so when it starts; resumed, it sends the measurements its
    /// checkpoint's run logged (after the steps, before its own first step), as they were logged.
    func testAResumedRunSendsItsQualityHistory() throws {
        let first = runToEnd(try tinySession(iterations: 4) { $0.qualityEvery = 2 })
        XCTAssertTrue(first.all.contains { if case let .started(info) = $0 { return info.measuresQuality } else { return false } })
        let logged = qualityReports(first)
        XCTAssertEqual(logged.map(\.iteration), [2, 4])

        let events = try resumedRun(try CheckpointFile(path: directory + "/last.safetensors"), iterations: 6, into: directory + "/resumed")
        func index(_ matches: (TrainingEvent) -> Bool) -> Int { events.firstIndex(where: matches) ?? -1 }
        let historyAt = index { if case .history = $0 { return true } else { return false } }
        let qualityAt = index { if case .qualityHistory = $0 { return true } else { return false } }
        let firstStepAt = index { if case .step = $0 { return true } else { return false } }
        XCTAssertTrue(historyAt >= 0 && historyAt < qualityAt && qualityAt < firstStepAt, "\(historyAt), \(qualityAt), \(firstStepAt)")
        guard case let .qualityHistory(replayed) = events[max(qualityAt, 0)] else { return XCTFail("no quality history") }
        XCTAssertEqual(replayed.map(\.iteration), [2, 4])
        for (read, sent) in zip(replayed, logged) {
            XCTAssertEqual(read.eval.precision, sent.eval.precision, accuracy: 5e-4) // the log keeps three decimals
            XCTAssertEqual(read.eval.totalVariation, sent.eval.totalVariation, accuracy: 5e-4)
            XCTAssertEqual(read.eval.modesCovered, sent.eval.modesCovered)
            XCTAssertEqual(read.sampled.modes, 16)
            XCTAssertEqual(read.samples, 8)
        }

        let unmeasured = try resumedRun(try CheckpointFile(path: directory + "/last.safetensors"), iterations: 6,
                                        into: directory + "/unmeasured") { $0.qualityEvery = 0 }
        XCTAssertFalse(unmeasured.contains { if case .qualityHistory = $0 { return true } else { return false } })
        XCTAssertTrue(unmeasured.contains { if case let .started(info) = $0 { return !info.measuresQuality } else { return false } })
    }

    /// Quality lines read back with every field they carry (a null as NaN); a repeated step's later
    /// line wins; other lines, and measurements past the checkpoint, are left out.
    func testQualityHistoryReadsTheLoggedLines() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func report(_ iteration: Int, _ precision: Double, tv: Double = 0.25) -> QualityReport {
            let metrics = QualityMetrics(precision: precision, modesCovered: 12, modes: 16, totalVariation: tv, meanRMSE: 0.05)
            return QualityReport(iteration: iteration, epoch: iteration / 2, seconds: Double(iteration), samples: 256, train: metrics,
                                 eval: metrics, kept: metrics, keep: 0.5, keepNeighbours: 16, keepPower: 0.25, arithmetic: "bf16",
                                 costSeconds: 0.125)
        }
        let step = StepMetrics(epoch: 1, iteration: 3, dLoss: 1, gLoss: 1, dX: 0.5, dGZ: 0.5, lrG: 2e-4, lrD: 2e-4, imagesPerSecond: 10)
        let lines = [report(2, 0.5).jsonLine, step.jsonLine, report(4, 0.625).jsonLine, "{\"quality\":{\"iteration\":5}}",
                     report(4, 0.75, tv: .nan).jsonLine, "{\"quality\":{\"itera", report(8, 0.875).jsonLine]
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/metrics.jsonl", atomically: true, encoding: .utf8)
        let history = RunDirectory.qualityHistory(besideCheckpoint: directory + "/last.safetensors", through: 7)
        XCTAssertEqual(history.map(\.iteration), [2, 4])
        XCTAssertEqual(history.first, report(2, 0.5))
        XCTAssertEqual(history.last?.kept?.precision, 0.75)
        XCTAssertEqual(history.last?.kept?.totalVariation.isNaN, true)
        XCTAssertEqual(RunDirectory.qualityHistory(besideCheckpoint: directory + "/nowhere/last.safetensors", through: 7), [])
    }

    /// A resumed run's time to quality is the run's first clean measurement, even from before the
    /// resume, when it measures the same way; measured another way it starts a record of its own.
    func testAResumedRunsTimeToQualityMayPredateTheResume() throws {
        let first = try tinySession(iterations: 4) { $0.qualityEvery = 0 }
        runToEnd(first)
        // A tiny generator never draws clean faces: the record of a run that once did, written in.
        let trainer = try DCGANTrainer(resuming: CheckpointFile(path: directory + "/last.safetensors"))
        let clean = QualityMark(iteration: 3, seconds: 0.5, score: QualityMetrics(precision: 0.95, modesCovered: 16, modes: 16, totalVariation: 0.1))
        let basis = QualityRecord.basis(samples: 8, arithmetic: SessionOptions().qualityArithmetic.resolved(), averaged: false, truncation: nil)
        trainer.qualityRecord = QualityRecord(basis: basis, best: clean, firstClean: clean)
        try Checkpoint.save(trainer, to: directory + "/clean.safetensors")
        let file = try CheckpointFile(path: directory + "/clean.safetensors")

        let resumed = try resumedRun(file, iterations: 6, into: directory + "/same")
        XCTAssertEqual(summary(resumed)?.firstClean, clean)
        XCTAssertEqual(resumed.compactMap { if case let .quality(report) = $0 { return report.firstClean } else { return nil } },
                       [clean], "the measurement tells the dashboard the run's first clean faces")
        XCTAssertEqual(try CheckpointFile(path: directory + "/same/last.safetensors").qualityRecord?.firstClean, clean)
        XCTAssertFalse(resumed.contains { if case .warning = $0 { return true } else { return false } })

        let other = try resumedRun(file, iterations: 6, into: directory + "/other") { $0.qualitySamples = 16 }
        XCTAssertNil(summary(other)?.firstClean)
        XCTAssertTrue(other.contains { if case let .quality(report) = $0 { return report.firstClean == nil } else { return false } })
        XCTAssertTrue(other.contains(.warning("the checkpoint's best and time to quality were measured another way (\(basis)): this run keeps its own")))
        XCTAssertNotEqual(try CheckpointFile(path: directory + "/other/last.safetensors").qualityRecord?.basis, basis)
    }

    /// With a moving average sampling, the trained G is scored too only when asked (a third pass);
    /// every report says in which arithmetic it was measured (f32 here, as asked).
    func testTheTrainedGeneratorIsScoredOnlyWhenAsked() throws {
        for live in [false, true] {
            let session = try tinySession(iterations: 2, average: 0.9) {
                $0.qualityScoresLive = live
                $0.qualityArithmetic = .f32
            }
            let recorder = runToEnd(session)
            let reports = qualityReports(recorder)
            XCTAssertEqual(reports.map(\.iteration), [2])
            XCTAssertEqual(reports.map { $0.live != nil }, [live])
            XCTAssertEqual(reports.map(\.arithmetic), ["f32"])
        }
    }

    /// An untrained tiny generator never improves on its first score: patience 1 epoch stops the
    /// run one epoch after the first measurement, long before its 1000 steps.
    func testEarlyStoppingStops() throws {
        let session = try tinySession(iterations: 1000) {
            $0.earlyStopPatience = 1
            $0.qualityBudget = nil // a measurement at every epoch end, however long it takes
        }
        let recorder = runToEnd(session)
        XCTAssertEqual(recorder.steps.count, 4)
        XCTAssertTrue(recorder.all.contains { if case let .warning(text) = $0 { return text.hasPrefix("early stop") } else { return false } })
        XCTAssertTrue(recorder.all.contains(.stateChanged(.finished)))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(directory!)/best.safetensors"), "best by quality")
    }

    func testInvalidConfigurationFailsBeforeAThreadStarts() {
        var config = TrainingConfig()
        config.batchSize = 0
        XCTAssertThrowsError(try TrainingSession(source: .fresh(config), options: SessionOptions()))
    }
}
