import XCTest
@testable import TerminalUI
import SystemMetrics
import TrainerProtocol

final class WidgetTests: XCTestCase {
    func testHeaderShowsStateProgressThroughputAndTimes() {
        var state = TestData.running(steps: 100, now: 10)
        var buffer = ScreenBuffer(width: 140, height: 1)
        HeaderWidget(state: state, now: 70).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        let text = buffer.text(row: 0)
        XCTAssertTrue(text.contains("RUNNING"))
        XCTAssertTrue(text.contains("epoch 2/5"))
        XCTAssertTrue(text.contains("step 100/500"))
        XCTAssertTrue(text.contains("100 img/s"))
        XCTAssertTrue(text.contains("1:00"), "elapsed")
        // 400 steps × 64 images at 100 img/s = 256 s.
        XCTAssertTrue(text.contains("ETA 4:16"))
        let badge = buffer.cells.first { $0.character == "R" && $0.style.background == .green }
        XCTAssertNotNil(badge, "RUNNING badge is green")

        _ = state.apply(.stateChanged(.diverged), now: 80)
        buffer = ScreenBuffer(width: 140, height: 1)
        HeaderWidget(state: state, now: 80).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssertTrue(buffer.text(row: 0).contains("DIVERGED"))
        XCTAssertTrue(buffer.text(row: 0).contains("ETA --"))
    }

    func testHeaderShowsFinished() {
        var state = TestData.running(steps: 5)
        _ = state.apply(.finished(RunSummary(iterations: 5, epochs: 1, seconds: 3, imagesPerSecond: 100, lastDLoss: 1,
                                             lastGLoss: 2, state: .finished)), now: 3)
        var buffer = ScreenBuffer(width: 100, height: 1)
        HeaderWidget(state: state, now: 50).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssertTrue(buffer.text(row: 0).contains("FINISHED"))
        XCTAssertTrue(buffer.text(row: 0).contains("0:03"), "elapsed frozen at the end")
        XCTAssertFalse(buffer.text(row: 0).contains("ETA"))
    }

    func testMachinePanel() {
        let snapshot = SystemSnapshot(cpuTotal: 0.5, cpuPerCore: [0, 1, 0.5], processCPU: 1.5,
                                      processRSSBytes: 1536 << 20, processThreads: 9,
                                      memory: MemInfo(totalBytes: 16 << 30, availableBytes: 12 << 30),
                                      cgroup: CgroupLimits(memoryLimitBytes: 8 << 30, memoryCurrentBytes: 2 << 30,
                                                           cpuLimit: 2),
                                      gpu: .none)
        var buffer = ScreenBuffer(width: 40, height: 6)
        MachinePanelWidget(snapshot: snapshot).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssertTrue(buffer.text(row: 1).hasPrefix("CPU   "))
        XCTAssertTrue(buffer.text(row: 1).contains("50%"))
        XCTAssertTrue(buffer.text(row: 1).contains("lim 2"))
        XCTAssertTrue(buffer.text(row: 2).contains("▁█▅"))
        XCTAssertTrue(buffer.text(row: 3).contains("150% RSS 1.5G 9 thr"))
        XCTAssertTrue(buffer.text(row: 4).contains("4.0G/16G cg 2.0G/8.0G"))
        XCTAssertTrue(buffer.text(row: 5).contains("no GPU"))

        var withGPU = snapshot
        withGPU.gpu = .devices([GPUReading(name: "H200", utilizationPercent: 45, memoryUsedBytes: 12 << 30,
                                           memoryTotalBytes: 140 << 30)])
        buffer = ScreenBuffer(width: 40, height: 6)
        MachinePanelWidget(snapshot: withGPU).draw(in: buffer.bounds, into: &buffer, capabilities: .asciiMonochrome)
        XCTAssertTrue(buffer.text(row: 5).contains("H200 45% 12G/140G"))
        XCTAssertTrue(buffer.text(row: 1).contains("#"), "ASCII bar")
    }

    func testControlsShowLearningRatesSelectionPendingAndEvents() {
        var state = TestData.running(steps: 10)
        _ = state.apply(.checkpointSaved(path: "runs/test/ckpt-10.safetensors", iteration: 10), now: 1)
        _ = state.handle(.character("+"), now: 2)
        var buffer = ScreenBuffer(width: 100, height: 4)
        ControlsWidget(state: state, now: 2).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        let title = buffer.text(row: 0)
        XCTAssertTrue(title.contains("▶G 2.00e-04 pending"), title)
        XCTAssertTrue(title.contains(" D 2.00e-04"))
        XCTAssertFalse(title.contains("D 2.00e-04 pending"))
        XCTAssertTrue(buffer.contains(text: "checkpoint saved to runs/test/ckpt-10.safetensors"))
        let saved = buffer.cells.first { $0.character == "k" && $0.style.foreground == .green }
        XCTAssertNotNil(saved, "success events are green")
    }

    func testKeyHintsFollowState() {
        var state = TestData.running(steps: 1)
        var buffer = ScreenBuffer(width: 120, height: 1)
        KeyHintWidget(state: state).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssertTrue(buffer.text(row: 0).contains("space pause"))
        XCTAssertTrue(buffer.text(row: 0).contains("? help"))
        _ = state.apply(.stateChanged(.paused), now: 0)
        buffer = ScreenBuffer(width: 120, height: 1)
        KeyHintWidget(state: state).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssertTrue(buffer.text(row: 0).contains("space resume"))
    }

    func testHelpOverlayListsEveryKey() {
        var state = TestData.running(steps: 1)
        _ = state.handle(.character("?"), now: 0)
        let buffer = DashboardRenderer.render(state, now: 0, width: 80, height: 24, capabilities: .full)
        for binding in KeyBinding.all {
            XCTAssertTrue(buffer.contains(text: binding.action), binding.action)
        }
        XCTAssertTrue(buffer.contains(text: "any key closes this help"))
    }

    func testHelpFitsTheMinimumSize() {
        var state = TestData.running(steps: 1)
        _ = state.handle(.character("?"), now: 0)
        let buffer = DashboardRenderer.render(state, now: 0, width: DashboardLayout.minimumWidth,
                                              height: DashboardLayout.minimumHeight, capabilities: .full)
        XCTAssertTrue(buffer.contains(text: "space"))
        XCTAssertTrue(buffer.contains(text: "ctrl-C"))
    }

    func testQuitPromptOverlay() {
        var state = TestData.running(steps: 42)
        _ = state.handle(.character("q"), now: 0)
        let buffer = DashboardRenderer.render(state, now: 0, width: 80, height: 24, capabilities: .full)
        XCTAssertTrue(buffer.contains(text: "Save checkpoint before quitting? [y]es / [n]o / esc cancel"))
        XCTAssertTrue(buffer.contains(text: "42 steps since the last checkpoint."))
    }

    func testTooSmallMessage() {
        let state = TestData.running(steps: 1)
        let buffer = DashboardRenderer.render(state, now: 0, width: 59, height: 30, capabilities: .full)
        XCTAssertTrue(buffer.contains(text: "terminal too small: need 60×20, have 59×30"))
        let ascii = DashboardRenderer.render(state, now: 0, width: 50, height: 10, capabilities: .asciiMonochrome)
        XCTAssertTrue(ascii.contains(text: "need 60x20, have 50x10"))
        // Tiny sizes wrap or cut the message but never crash.
        for (w, h) in [(0, 0), (1, 1), (3, 40), (200, 2)] {
            _ = DashboardRenderer.render(state, now: 0, width: w, height: h, capabilities: .full)
        }
    }

    func testASCIIDashboardHasNoNonASCIIGlyphs() {
        var state = TestData.running(steps: 300)
        _ = state.apply(.samples(TestData.flatBatch(count: 16, size: 64, rgb: (0.5, 0.2, -0.3)), iteration: 300), now: 0)
        state.system = SystemSnapshot(cpuTotal: 0.3, cpuPerCore: [0.3, 0.2], gpu: .none)
        let buffer = DashboardRenderer.render(state, now: 5, width: 100, height: 30,
                                              capabilities: .asciiMonochrome)
        let offenders = buffer.cells.filter { !$0.character.isASCII }.map(\.character)
        XCTAssertEqual(offenders, [])
    }
}
