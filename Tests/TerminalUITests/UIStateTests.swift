import XCTest
@testable import TerminalUI
import TrainerProtocol

final class UIStateTests: XCTestCase {
    func testSpaceSendsPauseAndShowsPendingUntilAcknowledged() {
        var state = TestData.running(steps: 3)
        XCTAssertEqual(state.handle(.character(" "), now: 1), [.send(.pause)])
        XCTAssertEqual(state.stateLabel(), "PAUSING…")
        XCTAssertTrue(state.isPending(.pause))
        _ = state.apply(.stateChanged(.paused), now: 2)
        XCTAssertEqual(state.stateLabel(), "PAUSING…", "still pending until commandApplied")
        _ = state.apply(.commandApplied(.pause), now: 2)
        XCTAssertEqual(state.stateLabel(), "PAUSED")
        XCTAssertEqual(state.handle(.character(" "), now: 3), [.send(.resume)])
        XCTAssertEqual(state.stateLabel(), "RESUMING…")
    }

    func testSpaceTwiceBeforeAcknowledgementTogglesTheIntent() {
        var state = TestData.running(steps: 3)
        XCTAssertEqual(state.handle(.character(" "), now: 1), [.send(.pause)])
        XCTAssertEqual(state.handle(.character(" "), now: 1), [.send(.resume)])
        XCTAssertEqual(state.stateLabel(), "RESUMING…")
    }

    func testPlusScalesTheSelectedNetsRate() {
        var state = TestData.running(steps: 3)
        XCTAssertEqual(state.selection, .generator)
        XCTAssertEqual(state.handle(.character("+"), now: 0), [.send(.scaleLearningRate(.generator, factor: 1.25))])
        XCTAssertTrue(state.learningRatePending(.generator))
        XCTAssertFalse(state.learningRatePending(.discriminator))
        // Steps in between don't overwrite the pending rate with the old one.
        _ = state.apply(.step(TestData.step(4, lrG: 2e-4)), now: 0)
        _ = state.apply(.learningRatesChanged(generator: 2.5e-4, discriminator: 2e-4), now: 0)
        _ = state.apply(.commandApplied(.scaleLearningRate(.generator, factor: 1.25)), now: 0)
        XCTAssertFalse(state.learningRatePending(.generator))
        XCTAssertEqual(state.learningRateG, 2.5e-4)

        _ = state.handle(.tab, now: 0)
        XCTAssertEqual(state.selection, .discriminator)
        XCTAssertEqual(state.handle(.character("-"), now: 0),
                       [.send(.scaleLearningRate(.discriminator, factor: 1 / 1.25))])
        _ = state.handle(.tab, now: 0)
        XCTAssertEqual(state.selection, .both)
        XCTAssertEqual(state.handle(.character("+"), now: 0), [.send(.scaleLearningRate(.both, factor: 1.25))])
        XCTAssertTrue(state.learningRatePending(.generator))
        _ = state.handle(.tab, now: 0)
        XCTAssertEqual(state.selection, .generator)
    }

    func testQuitWithUnsavedStepsPromptsAndEscCancels() {
        var state = TestData.running(steps: 5)
        XCTAssertEqual(state.handle(.character("q"), now: 0), [])
        XCTAssertEqual(state.overlay, .quitPrompt)
        XCTAssertEqual(state.handle(.character("x"), now: 0), [], "other keys do nothing")
        XCTAssertEqual(state.handle(.escape, now: 0), [])
        XCTAssertNil(state.overlay)
        XCTAssertEqual(state.quitFlow, .none)
    }

    func testQuitYesSavesThenStopsThenExits() {
        var state = TestData.running(steps: 5)
        _ = state.handle(.character("q"), now: 0)
        XCTAssertEqual(state.handle(.character("y"), now: 0), [.send(.saveCheckpoint)])
        XCTAssertEqual(state.quitFlow, .savingBeforeStop)
        XCTAssertEqual(state.stateLabel(), "SAVING…")
        XCTAssertEqual(state.handle(.character(" "), now: 0), [], "keys are ignored while quitting")
        XCTAssertEqual(state.apply(.checkpointSaved(path: "runs/x/ckpt.safetensors", iteration: 5), now: 1),
                       [.send(.stop)])
        XCTAssertEqual(state.stateLabel(), "STOPPING…")
        let actions = state.apply(.finished(RunSummary(iterations: 5, epochs: 1, seconds: 2, imagesPerSecond: 160,
                                                       lastDLoss: 1, lastGLoss: 2, state: .stopped)), now: 2)
        guard case .exit(let exit)? = actions.first else { return XCTFail("expected exit, got \(actions)") }
        XCTAssertEqual(exit.code, 0)
        XCTAssertTrue(exit.message.contains("runs/x/ckpt.safetensors"))
    }

    func testQuitYesStopsEvenWhenSavingFails() {
        var state = TestData.running(steps: 5)
        _ = state.handle(.character("q"), now: 0)
        _ = state.handle(.character("y"), now: 0)
        XCTAssertEqual(state.apply(.error("disk full"), now: 1), [.send(.stop)])
        let actions = state.apply(.finished(RunSummary(iterations: 5, epochs: 1, seconds: 2, imagesPerSecond: 1,
                                                       lastDLoss: 1, lastGLoss: 2, state: .stopped)), now: 2)
        XCTAssertEqual(actions, [.exit(TerminalExit(code: 1, message: "error: disk full (at step 5)"))])
    }

    func testQuitNoStopsWithoutSaving() {
        var state = TestData.running(steps: 5)
        _ = state.handle(.character("q"), now: 0)
        XCTAssertEqual(state.handle(.character("n"), now: 0), [.send(.stop)])
        XCTAssertEqual(state.quitFlow, .stopping)
    }

    func testQuitWithoutUnsavedStepsStopsAtOnce() {
        var state = TestData.running(steps: 5)
        _ = state.apply(.checkpointSaved(path: "c", iteration: 5), now: 0)
        XCTAssertEqual(state.unsavedSteps, 0)
        XCTAssertEqual(state.handle(.character("q"), now: 0), [.send(.stop)])
        XCTAssertNil(state.overlay)
    }

    func testQuitAfterTheRunFinishedLeaves() {
        var state = TestData.running(steps: 5)
        XCTAssertEqual(state.apply(.finished(RunSummary(iterations: 5, epochs: 1, seconds: 2, imagesPerSecond: 1,
                                                        lastDLoss: 1, lastGLoss: 2, state: .finished)), now: 1), [],
                       "a finished run stays on screen")
        XCTAssertEqual(state.handle(.character(" "), now: 2), [], "no commands to a finished engine")
        guard case .exit(let exit)? = state.handle(.character("q"), now: 2).first else { return XCTFail() }
        XCTAssertEqual(exit.code, 0)
        XCTAssertTrue(exit.message.hasPrefix("finished after 5 steps"))
    }

    func testStreamEndingWithoutFinishedExitsWithError() {
        var state = TestData.running(steps: 5)
        _ = state.apply(.error("out of memory"), now: 0)
        let actions = state.streamDidEnd(now: 1)
        XCTAssertEqual(actions, [.exit(TerminalExit(code: 1, message: "error: out of memory (at step 5)"))])
    }

    func testDivergedIsShownAndSpaceResumes() {
        var state = TestData.running(steps: 5)
        _ = state.apply(.step(TestData.step(6, gLoss: .nan)), now: 0)
        _ = state.apply(.stateChanged(.diverged), now: 0)
        XCTAssertEqual(state.stateLabel(), "DIVERGED")
        XCTAssertEqual(state.gLoss.raw.lastStep, 5, "NaN not plotted")
        XCTAssertEqual(state.log.last?.severity, .error)
        XCTAssertEqual(state.handle(.character(" "), now: 0), [.send(.resume)])
    }

    func testOtherKeys() {
        var state = TestData.running(steps: 5)
        XCTAssertEqual(state.handle(.character("s"), now: 0), [.send(.saveCheckpoint)])
        XCTAssertEqual(state.handle(.character("n"), now: 0), [.send(.newPreviewNoise)])
        XCTAssertEqual(state.handle(.character("r"), now: 0), [.send(.requestSamples(.real))])
        XCTAssertEqual(state.previewSource, .real)
        XCTAssertEqual(state.handle(.character("r"), now: 0), [.send(.requestSamples(.generated))])
        XCTAssertFalse(state.logScale)
        _ = state.handle(.character("l"), now: 0)
        XCTAssertTrue(state.logScale)
        XCTAssertEqual(state.handle(.redraw, now: 0), [.repaint])
        _ = state.handle(.character("?"), now: 0)
        XCTAssertEqual(state.overlay, .help)
        XCTAssertEqual(state.handle(.character("q"), now: 0), [], "a key closes help and does nothing else")
        XCTAssertNil(state.overlay)

        _ = state.apply(.samples(TestData.flatBatch(count: 3, size: 4, rgb: (0, 0, 0)), iteration: 5), now: 0)
        _ = state.handle(.character("z"), now: 0)
        XCTAssertEqual(state.zoomedFace, 0)
        for _ in 0..<5 { _ = state.handle(.right, now: 0) }
        XCTAssertEqual(state.zoomedFace, 2, "stops at the last face")
        _ = state.handle(.escape, now: 0)
        XCTAssertNil(state.zoomedFace)
    }

    func testCheckpointAndWarningsAreLogged() {
        var state = TestData.running(steps: 5)
        _ = state.handle(.character("s"), now: 0)
        _ = state.apply(.checkpointSaved(path: "runs/a/ckpt-5.safetensors", iteration: 5), now: 1)
        _ = state.apply(.commandApplied(.saveCheckpoint), now: 1)
        _ = state.apply(.warning("slow step"), now: 2)
        XCTAssertTrue(state.pending.isEmpty)
        XCTAssertEqual(state.log.suffix(2).map(\.text), ["checkpoint saved to runs/a/ckpt-5.safetensors", "slow step"])
        XCTAssertEqual(state.unsavedSteps, 0)
    }

    /// A resumed run's earlier steps fill the charts before its own steps continue them.
    func testHistoryFillsTheChartsBeforeTheFirstStep() {
        var state = UIState()
        var info = TestData.info
        info.startIteration = 3
        _ = state.apply(.started(info), now: 0)
        _ = state.apply(.history((1...3).map { TestData.step($0, gLoss: Float($0)) }), now: 0)
        _ = state.apply(.step(TestData.step(4, gLoss: 4)), now: 1)
        XCTAssertEqual(state.gLoss.raw.values, [1, 2, 3, 4])
        XCTAssertEqual(state.gLoss.raw.firstStep, 1)
        XCTAssertEqual(state.dLoss.raw.values.count, 4)
        XCTAssertEqual(state.iteration, 4)
        XCTAssertTrue(state.log.contains { $0.text.contains("steps 1–3") })
    }

    /// Each measurement holds its score over the steps since the one before, so the quality chart
    /// lines up with the loss charts; the run's first clean faces are the engine's word.
    func testQualityMeasurementsFillTheChartStepByStep() {
        var state = UIState()
        var info = TestData.info
        info.measuresQuality = true
        _ = state.apply(.started(info), now: 0)
        XCTAssertTrue(state.showsQuality, "the chart is there before the first measurement")
        for i in 1...4 { _ = state.apply(.step(TestData.step(i)), now: 0) }
        _ = state.apply(.quality(TestData.quality(2, precision: 0.5, modes: 12, tv: 0.4)), now: 0)
        let clean = QualityMark(iteration: 4, seconds: 4, score: TestData.quality(4, precision: 0.95).sampled)
        _ = state.apply(.quality(TestData.quality(4, precision: 0.95, firstClean: clean)), now: 0)
        _ = state.apply(.quality(TestData.quality(4, precision: 0.25)), now: 0) // the same step again: not charted
        XCTAssertEqual(state.qualityPrecision.values, [0.5, 0.5, 0.95, 0.95])
        XCTAssertEqual(state.qualityTV.values, [0.4, 0.4, 0.1, 0.1])
        XCTAssertEqual(state.qualityPrecision.firstStep, state.gLoss.raw.firstStep)
        XCTAssertNil(state.firstClean, "the last measurement's record had no clean faces")
        _ = state.apply(.quality(TestData.quality(6, precision: 0.9, firstClean: clean)), now: 0)
        XCTAssertEqual(state.firstClean, clean)
        XCTAssertEqual(state.qualityPrecision.values.count, 6)
        XCTAssertFalse(TestData.running(steps: 2).showsQuality)
    }

    /// A resumed run's earlier measurements fill the chart from the charts' first step; its first
    /// clean one stands until the engine's first measurement says otherwise.
    func testQualityHistoryFillsTheChartFromTheChartsStart() {
        var state = UIState()
        var info = TestData.info
        info.startIteration = 4
        info.measuresQuality = true
        _ = state.apply(.started(info), now: 0)
        _ = state.apply(.history((1...4).map { TestData.step($0) }), now: 0)
        _ = state.apply(.qualityHistory([TestData.quality(2, precision: 0.92), TestData.quality(4, precision: 0.8, modes: 15)]), now: 0)
        XCTAssertEqual(state.qualityPrecision.values, [0.92, 0.92, 0.8, 0.8])
        XCTAssertEqual(state.firstClean?.iteration, 2)
        XCTAssertNil(state.latestQuality, "the previews' score is the run's own")
        XCTAssertEqual(state.replayedQuality?.iteration, 4)
        _ = state.apply(.step(TestData.step(5)), now: 0)
        _ = state.apply(.quality(TestData.quality(5, precision: 0.95)), now: 0)
        XCTAssertNil(state.firstClean, "measured another way, the engine's record starts afresh")
        XCTAssertEqual(state.qualityPrecision.values.last, 0.95)
    }

    func testLogIsBounded() {
        var state = TestData.running(steps: 1)
        for i in 0..<500 { _ = state.apply(.warning("w\(i)"), now: 0) }
        XCTAssertEqual(state.log.count, UIState.logCapacity)
        XCTAssertEqual(state.log.last?.text, "w499")
    }
}
