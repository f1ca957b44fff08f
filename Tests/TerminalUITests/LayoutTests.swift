import XCTest
@testable import TerminalUI

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
