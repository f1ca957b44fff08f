import Foundation
import XCTest
@testable import TerminalUI

final class LineChartTests: XCTestCase {
    private func history(_ values: [Float]) -> SeriesHistory {
        var h = SeriesHistory()
        for (i, v) in values.enumerated() { h.append(v, step: i + 1) }
        return h
    }

    /// A 2-column, 1-row plot (4×4 dots) behind the 7-column gutter.
    private func render(raw: [Float], smooth: [Float], unicode: Bool = true) -> ScreenBuffer {
        let chart = LineChart(title: "T", series: [
            .init(name: "G", raw: history(raw), smooth: history(smooth), color: .red, asciiMark: "G", latest: nil),
        ], fixedRange: 0...1)
        var buffer = ScreenBuffer(width: 9, height: 2)
        chart.draw(in: buffer.bounds, into: &buffer, capabilities: DisplayCapabilities(unicode: unicode, color: true))
        return buffer
    }

    func testBrailleDotsForAKnownSeries() {
        // Samples 1,0,1,0: one per dot column; 1 → top dot, 0 → bottom dot.
        let buffer = render(raw: [1, 0, 1, 0], smooth: [])
        // Dots 1 (top-left, 0x01) and 8 (bottom-right, 0x80).
        XCTAssertEqual(buffer[7, 1].character, "\u{2881}")
        XCTAssertEqual(buffer[8, 1].character, "\u{2881}")
        XCTAssertEqual(buffer[7, 1].style.foreground, .red)
        XCTAssertTrue(buffer[7, 1].style.attributes.contains(.dim), "raw trace is dim")
    }

    func testSmoothedTraceIsAConnectedLine() {
        // 0 then 1: bottom-left dot, then the whole right column from bottom to top.
        let buffer = render(raw: [], smooth: [0, 1])
        XCTAssertEqual(buffer[7, 1].character, Character(Unicode.Scalar(0x2800 + 0x40 + 0x08 + 0x10 + 0x20 + 0x80)!))
        XCTAssertFalse(buffer[7, 1].style.attributes.contains(.dim))
        XCTAssertEqual(buffer[8, 1].character, " ")
    }

    func testASCIIMarks() {
        let buffer = render(raw: [0.5], smooth: [1, 1], unicode: false)
        XCTAssertEqual(buffer[7, 1].character, "G")
        XCTAssertEqual(buffer[8, 1].character, "G")
    }

    func testAutoScaleLabelsAndLogScale() {
        var chart = LineChart(title: "Loss", series: [
            .init(name: "D", raw: history([1, 10, 100]), smooth: history([1, 10, 100]), color: .cyan, asciiMark: "D",
                  latest: 100),
        ])
        var buffer = ScreenBuffer(width: 30, height: 8)
        chart.draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssert(buffer.text(row: 0).contains("Loss"))
        XCTAssert(buffer.text(row: 0).contains("D 100"))
        // Top label is above the maximum, bottom below the minimum.
        let top = Double(buffer.text(row: 1).prefix(6).trimmingCharacters(in: .whitespaces)) ?? 0
        let bottom = Double(buffer.text(row: 7).prefix(6).trimmingCharacters(in: .whitespaces)) ?? 1e9
        XCTAssertGreaterThanOrEqual(top, 100)
        XCTAssertLessThanOrEqual(bottom, 1)

        chart.logScale = true
        buffer = ScreenBuffer(width: 30, height: 8)
        chart.draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        // On a log scale 1, 10, 100 are evenly spaced: the middle sample sits mid-height.
        let rows = (1..<8).filter { row in (7..<30).contains { buffer[$0, row].character != " " } }
        XCTAssertEqual(rows.first, 1)
        XCTAssertEqual(rows.last, 7)
    }

    func testNoDataSaysWaiting() {
        let chart = LineChart(title: "Loss", series: [
            .init(name: "G", raw: SeriesHistory(), smooth: SeriesHistory(), color: .red, asciiMark: "G", latest: nil),
        ])
        var buffer = ScreenBuffer(width: 40, height: 6)
        chart.draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssertTrue(buffer.contains(text: "waiting for data"))

        var fixed = chart
        fixed.fixedRange = 0...1 // a fixed range is no data
        buffer = ScreenBuffer(width: 40, height: 6)
        fixed.draw(in: buffer.bounds, into: &buffer, capabilities: .full)
        XCTAssertTrue(buffer.contains(text: "waiting for data"))
    }

    func testSeriesHistoryStaysBoundedAndResamples() {
        var h = SeriesHistory(capacity: 8)
        for i in 1...100 { h.append(Float(i), step: i) }
        XCTAssertLessThan(h.values.count, 8)
        XCTAssertGreaterThan(h.stride, 1)
        XCTAssertEqual(h.firstStep, 1)
        XCTAssertEqual(h.lastStep, 100)
        h.append(.nan, step: 101)
        XCTAssertEqual(h.lastStep, 100, "NaN is skipped")
        let r = SeriesHistory(capacity: 64)
        XCTAssertEqual(r.resampled(to: 4), [])
        var g = SeriesHistory(capacity: 64)
        for v: Float in [1, 3, 5, 7] { g.append(v, step: 0) }
        XCTAssertEqual(g.resampled(to: 2), [2, 6])
        XCTAssertEqual(g.resampled(to: 10), [1, 3, 5, 7])
    }
}
