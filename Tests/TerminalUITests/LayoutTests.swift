import XCTest
@testable import TerminalUI
import TrainerProtocol

final class LayoutTests: XCTestCase {
    func testEveryPanelFitsAndNothingIsNegative() {
        for width in stride(from: DashboardLayout.minimumWidth, through: 320, by: 7) {
            for height in stride(from: DashboardLayout.minimumHeight, through: 120, by: 5) {
                guard let layout = DashboardLayout(width: width, height: height) else {
                    return XCTFail("no layout at \(width)×\(height)")
                }
                let panels = [layout.header, layout.lossChart, layout.probabilityChart, layout.preview, layout.machine,
                              layout.controls, layout.hints]
                for rect in panels {
                    XCTAssertGreaterThan(rect.width, 0)
                    XCTAssertGreaterThan(rect.height, 0)
                    XCTAssertGreaterThanOrEqual(rect.x, 0)
                    XCTAssertGreaterThanOrEqual(rect.y, 0)
                    XCTAssertLessThanOrEqual(rect.maxX, width)
                    XCTAssertLessThanOrEqual(rect.maxY, height)
                }
                XCTAssertGreaterThanOrEqual(layout.lossChart.height, 5)
                XCTAssertGreaterThanOrEqual(layout.machine.height, DashboardLayout.machineRows)
            }
        }
    }

    /// With quality measured the left column holds three charts, one under the other, when they
    /// have the rows; otherwise the two as before.
    func testTheQualityChartFitsUnderTheOthersWhenThereIsRoom() {
        for width in stride(from: DashboardLayout.minimumWidth, through: 320, by: 13) {
            for height in stride(from: DashboardLayout.minimumHeight, through: 120, by: 3) {
                guard let plain = DashboardLayout(width: width, height: height),
                      let layout = DashboardLayout(width: width, height: height, showsQuality: true) else {
                    return XCTFail("no layout at \(width)×\(height)")
                }
                let column = plain.lossChart.height + plain.probabilityChart.height
                guard let quality = layout.qualityChart else {
                    XCTAssertLessThan(column, DashboardLayout.qualityChartMinimumHeight, "\(width)×\(height)")
                    XCTAssertEqual(layout, plain)
                    continue
                }
                XCTAssertGreaterThanOrEqual(column, DashboardLayout.qualityChartMinimumHeight)
                XCTAssertEqual(layout.lossChart.maxY, layout.probabilityChart.y)
                XCTAssertEqual(layout.probabilityChart.maxY, quality.y)
                XCTAssertEqual(quality.maxY, plain.probabilityChart.maxY, "the column ends where it did")
                XCTAssertEqual(quality.width, plain.lossChart.width)
                for chart in [layout.lossChart, layout.probabilityChart, quality] {
                    XCTAssertGreaterThanOrEqual(chart.height, 5, "\(width)×\(height)")
                }
                XCTAssertEqual(layout.preview, plain.preview)
            }
        }
        XCTAssertNotNil(DashboardLayout(width: 80, height: 24, showsQuality: true)?.qualityChart)
        XCTAssertNil(DashboardLayout(width: 60, height: 20, showsQuality: true)?.qualityChart)
    }

    /// The quality chart: precision and TV of what sampling draws, the modes covered and the step
    /// of the run's first clean faces; absent when the run does not measure quality.
    func testTheDashboardShowsTheQualityChart() {
        var state = UIState()
        var info = TestData.info
        info.measuresQuality = true
        _ = state.apply(.started(info), now: 0)
        for i in 1...40 { _ = state.apply(.step(TestData.step(i)), now: 0) }
        var buffer = DashboardRenderer.render(state, now: 1, width: 100, height: 35, capabilities: .full)
        XCTAssertTrue(buffer.contains(text: "Quality"))
        XCTAssertEqual(buffer.text.components(separatedBy: "waiting for data").count, 2, "only the quality chart waits")

        let clean = QualityMark(iteration: 40, seconds: 40, score: TestData.quality(40, precision: 0.95).sampled)
        _ = state.apply(.quality(TestData.quality(20, precision: 0.5, modes: 13, tv: 0.35)), now: 0)
        _ = state.apply(.quality(TestData.quality(40, precision: 0.95, modes: 16, tv: 0.12, firstClean: clean)), now: 0)
        buffer = DashboardRenderer.render(state, now: 1, width: 100, height: 35, capabilities: .full)
        let title = buffer.text(row: (1..<35).first { buffer.text(row: $0).contains("Quality") } ?? 0)
        for part in ["precision 0.95", "TV 0.12", "16/16, clean at 40"] {
            XCTAssertTrue(title.contains(part), "\(part) in \(title)")
        }
        XCTAssertFalse(buffer.contains(text: "waiting for data"))
        let ascii = DashboardRenderer.render(state, now: 1, width: 100, height: 35, capabilities: .asciiMonochrome)
        XCTAssertTrue(ascii.contains(text: "- Quality - precision 0.95 - TV 0.12 - 16/16, clean at 40 -"), ascii.text)

        let notYet = QualityReport(iteration: 40, epoch: 1, seconds: 40, samples: 256, train: clean.score,
                                   eval: TestData.quality(40, precision: 0.6, modes: 14).sampled)
        _ = state.apply(.quality(notYet), now: 0)
        buffer = DashboardRenderer.render(state, now: 1, width: 100, height: 35, capabilities: .full)
        XCTAssertTrue(buffer.contains(text: "14/16, not clean"))

        let unmeasured = TestData.running(steps: 40)
        XCTAssertFalse(DashboardRenderer.render(unmeasured, now: 1, width: 100, height: 35, capabilities: .full).contains(text: "Quality"))
    }

    func testBelowMinimumThereIsNoLayout() {
        XCTAssertNil(DashboardLayout(width: 59, height: 40))
        XCTAssertNil(DashboardLayout(width: 200, height: 19))
        XCTAssertNotNil(DashboardLayout(width: 60, height: 20))
    }

    func testFullDashboardRendersAtManySizes() {
        var state = TestData.running(steps: 50)
        _ = state.apply(.samples(TestData.flatBatch(count: 64, size: 64, rgb: (1, 1, -1)), iteration: 50), now: 0)
        for (w, h) in [(60, 20), (80, 24), (61, 21), (132, 43), (300, 90)] {
            let buffer = DashboardRenderer.render(state, now: 1, width: w, height: h, capabilities: .full)
            XCTAssertEqual(buffer.width, w)
            XCTAssertTrue(buffer.text(row: 0).contains("RUNNING"), "\(w)×\(h)")
            XCTAssertTrue(buffer.contains(text: "Loss"))
            XCTAssertTrue(buffer.contains(text: "Samples"))
            XCTAssertTrue(buffer.contains(text: "Machine"))
            XCTAssertTrue(buffer.cells.contains { $0.character == "▀" }, "a face at \(w)×\(h)")
        }
    }
}
