import XCTest
@testable import TerminalUI
import TrainerProtocol

final class PreviewTests: XCTestCase {
    /// A 2×2 image: red, green / blue, white.
    private let twoByTwo = ImageBatch(source: .generated, count: 1, height: 2, width: 2, pixels: [
        1, -1, -1, 1,  // R: red, green / blue, white
        -1, 1, -1, 1,  // G
        -1, -1, 1, 1,  // B
    ])

    func testHalfBlocksCarryTopAndBottomPixelColours() {
        var buffer = ScreenBuffer(width: 2, height: 1)
        FaceRenderer.draw(twoByTwo, index: 0, pixels: 2, x: 0, y: 0, into: &buffer, capabilities: .full)
        XCTAssertEqual(buffer[0, 0], Cell("▀", style: CellStyle(foreground: .rgb(255, 0, 0), background: .rgb(0, 0, 255))))
        XCTAssertEqual(buffer[1, 0], Cell("▀", style: CellStyle(foreground: .rgb(0, 255, 0),
                                                                 background: .rgb(255, 255, 255))))
    }

    func testMonochromeShading() {
        var buffer = ScreenBuffer(width: 2, height: 1)
        FaceRenderer.draw(twoByTwo, index: 0, pixels: 2, x: 0, y: 0, into: &buffer,
                          capabilities: .asciiMonochrome)
        // Column 1 averages green and white: bright; column 0 red and blue: dark.
        let ramp = FaceRenderer.shadingRamp
        let left = ramp.firstIndex(of: buffer[0, 0].character)!, right = ramp.firstIndex(of: buffer[1, 0].character)!
        XCTAssertLessThan(left, right)
        XCTAssertEqual(buffer[0, 0].style, .plain)
        XCTAssertEqual(FaceRenderer.shade(0), " ")
        XCTAssertEqual(FaceRenderer.shade(1), "@")
    }

    func testASCIIWithColourUsesRampCharactersInColour() {
        var buffer = ScreenBuffer(width: 2, height: 1)
        FaceRenderer.draw(twoByTwo, index: 0, pixels: 2, x: 0, y: 0, into: &buffer,
                          capabilities: DisplayCapabilities(unicode: false, color: true))
        XCTAssertTrue(FaceRenderer.shadingRamp.contains(buffer[1, 0].character))
        XCTAssertEqual(buffer[1, 0].style.foreground, .rgb(127, 255, 127))
    }

    func testDownscaleAveragesBoxes() {
        let batch = TestData.flatBatch(count: 1, size: 64, rgb: (1, 0, -1))
        let image = ImageScaler.scale(batch, index: 0, width: 16, height: 16)
        XCTAssertEqual(image.count, 256)
        XCTAssertEqual(image[0], RGB(r: 255, g: 128, b: 0))
    }

    func testAtLeastOneFaceFitsAt80x24() throws {
        let layout = try XCTUnwrap(DashboardLayout(width: 80, height: 24))
        let grid = try XCTUnwrap(PreviewGrid.fit(width: layout.preview.width, height: layout.preview.height - 1,
                                                 imageCount: 64, imageSize: 64, maxColumns: 4, maxRows: 2))
        XCTAssertGreaterThanOrEqual(grid.columns * grid.rows, 1)
        XCTAssertGreaterThanOrEqual(grid.pixels, 12)
        XCTAssertLessThanOrEqual(grid.cellWidth, layout.preview.width)
        XCTAssertLessThanOrEqual(grid.cellHeight, layout.preview.height - 1)
    }

    func testGridPrefersMoreFacesThenLarger() {
        let grid = PreviewGrid.fit(width: 70, height: 30, imageCount: 64, imageSize: 64, maxColumns: 4, maxRows: 2)
        XCTAssertEqual(grid, PreviewGrid(columns: 4, rows: 2, pixels: 16))
        let small = PreviewGrid.fit(width: 10, height: 3, imageCount: 64, imageSize: 64, maxColumns: 4, maxRows: 2)
        XCTAssertEqual(small, PreviewGrid(columns: 1, rows: 1, pixels: 6))
        XCTAssertNil(PreviewGrid.fit(width: 1, height: 1, imageCount: 4, imageSize: 64, maxColumns: 2, maxRows: 2))
        XCTAssertEqual(PreviewGrid.fit(width: 200, height: 100, imageCount: 1, imageSize: 64, maxColumns: 4,
                                       maxRows: 4), PreviewGrid(columns: 1, rows: 1, pixels: 64))
    }

    func testPreviewWidgetDrawsFacesAndTitle() {
        var state = TestData.running(steps: 3)
        _ = state.apply(.samples(TestData.flatBatch(count: 8, size: 64, rgb: (1, 1, -1)), iteration: 3), now: 0)
        var buffer = ScreenBuffer(width: 40, height: 12)
        SamplePreviewWidget(state: state).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssertTrue(buffer.text(row: 0).contains("Samples"))
        XCTAssertTrue(buffer.text(row: 0).contains("step 3"))
        let faces = buffer.cells.filter { $0.character == "▀" }
        XCTAssertFalse(faces.isEmpty)
        XCTAssertTrue(faces.allSatisfy { $0.style.foreground == .rgb(255, 255, 0) })
    }

    /// The title shows the score of what sampling draws: eval mode, or the faces truncation keeps.
    func testPreviewTitleShowsTheSampledScore() {
        var state = TestData.running(steps: 3)
        _ = state.apply(.samples(TestData.flatBatch(count: 8, size: 64, rgb: (1, 1, -1)), iteration: 3), now: 0)
        func metrics(_ precision: Double, _ modes: Int) -> QualityMetrics {
            QualityMetrics(precision: precision, modesCovered: modes, modes: 16, totalVariation: 0.1)
        }
        var report = QualityReport(iteration: 3, epoch: 1, seconds: 1, samples: 256, train: metrics(0.5, 12), eval: metrics(0.62, 14))
        _ = state.apply(.quality(report), now: 0)
        var buffer = ScreenBuffer(width: 60, height: 12)
        SamplePreviewWidget(state: state).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssertTrue(buffer.text(row: 0).contains("quality 62% 14/16"), buffer.text(row: 0))
        XCTAssertFalse(buffer.text(row: 0).contains("kept"))
        report.kept = metrics(0.91, 16)
        report.keep = 0.5
        _ = state.apply(.quality(report), now: 0)
        buffer = ScreenBuffer(width: 60, height: 12)
        SamplePreviewWidget(state: state).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssertTrue(buffer.text(row: 0).contains("quality 91% 16/16 (kept 0.50)"), buffer.text(row: 0))
    }

    func testZoomShowsOneFaceAtFullSize() {
        var state = TestData.running(steps: 1)
        _ = state.apply(.samples(TestData.flatBatch(count: 4, size: 64, rgb: (1, -1, -1)), iteration: 1), now: 0)
        _ = state.handle(.character("z"), now: 0)
        var buffer = ScreenBuffer(width: 100, height: 40)
        ZoomOverlay(state: state).draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        let rows = (0..<40).filter { row in (0..<100).contains { buffer[$0, row].character == "▀" } }
        XCTAssertEqual(rows.count, 32, "64 pixel rows in 32 cell rows")
        let width = (0..<100).filter { buffer[$0, rows[0]].character == "▀" }.count
        XCTAssertEqual(width, 64)
        XCTAssertTrue(buffer.contains(text: "face 1/4"))
    }
}
