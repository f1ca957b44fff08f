import Foundation

/// A line chart of one or more series over training steps, drawn with braille dots
/// (2×4 per cell; two samples per cell column) or, in ASCII, one mark per cell.
///
/// Each series has a raw trace (dim dots) and a smoothed one (bright connected line) drawn
/// on top. The y range fits the visible data unless fixed; on a log scale values are
/// plotted as log10 (non-positive values clamp to `logFloor`). Row 0 of the rect is the
/// title; a left gutter carries the y labels.
struct LineChart {
    struct Series {
        var name: String
        var raw: SeriesHistory
        var smooth: SeriesHistory
        var color: TerminalColor
        /// Mark for the smoothed trace in ASCII mode (raw uses ".").
        var asciiMark: Character
        /// Latest value for the title.
        var latest: Float?
    }

    var title: String
    var series: [Series]
    var logScale = false
    /// Fixed y range (e.g. 0...1 for probabilities); nil fits the data.
    var fixedRange: ClosedRange<Float>?
    /// Extra title text such as "log".
    var note: String?

    static let logFloor: Float = 1e-4
    static let gutterWidth = 7

    func draw(in rect: Rect, into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        guard rect.height >= 2, rect.width > Self.gutterWidth else {
            PanelTitle.draw([TextSpan(title)], in: rect, into: &buffer, capabilities: capabilities)
            return
        }
        var titleParts = [TextSpan(title, .fg(.default, [.bold]))]
        for s in series {
            titleParts.append(TextSpan("\(s.name) \(s.latest.map { Format.number(Double($0)) } ?? "--")",
                                       .fg(s.color, [.bold])))
        }
        if let note { titleParts.append(TextSpan(note, .fg(.gray))) }
        var area = rect
        PanelTitle.draw(titleParts, in: area.takeTop(1), into: &buffer, capabilities: capabilities)

        let plot = Rect(x: area.x + Self.gutterWidth, y: area.y, width: area.width - Self.gutterWidth,
                        height: area.height)
        var canvas = DotCanvas(columns: plot.width, rows: plot.height, braille: capabilities.unicode)
        let samples = canvas.dotWidth

        // Resample every trace to at most one value per dot column.
        let raws = series.map { $0.raw.resampled(to: samples).map(transform) }
        let smooths = series.map { $0.smooth.resampled(to: samples).map(transform) }
        // Nothing to draw yet (a fixed range would otherwise show an empty plot).
        guard (raws + smooths).contains(where: { !$0.isEmpty }), let range = yRange(raws + smooths) else {
            buffer.put("waiting for data", in: plot.inset(dx: 1, dy: plot.height / 2), style: .fg(.gray))
            return
        }
        func dotY(_ v: Float) -> Int {
            let t = (v - range.lowerBound) / (range.upperBound - range.lowerBound)
            let clamped = min(1, max(0, t.isFinite ? t : 0))
            return Int(((1 - clamped) * Float(canvas.dotHeight - 1)).rounded())
        }
        // Layers: raw traces first (0..<n), smoothed on top (n..<2n).
        for (index, values) in raws.enumerated() {
            for (x, v) in values.enumerated() { canvas.set(x, dotY(v), layer: index) }
        }
        for (index, values) in smooths.enumerated() {
            var previous: Int?
            for (x, v) in values.enumerated() {
                let y = dotY(v)
                canvas.setColumnRun(x, from: previous ?? y, to: y, layer: series.count + index)
                previous = y
            }
        }

        let marks: [Character] = series.map { _ in "." } + series.map(\.asciiMark)
        for row in 0..<canvas.rows {
            for column in 0..<canvas.columns {
                guard let (glyph, layer) = canvas.cell(column: column, row: row, asciiMarks: marks) else { continue }
                let owner = series[layer % series.count]
                let isSmooth = layer >= series.count
                var attributes: CellAttributes = isSmooth ? [] : [.dim]
                // Without colour the series differ by weight: first bold, others normal.
                if !capabilities.color && isSmooth && layer == series.count { attributes = [.bold] }
                buffer[plot.x + column, plot.y + row] = Cell(glyph, style: .fg(owner.color, attributes))
            }
        }
        drawLabels(range: range, rows: plot.height, x: area.x, y: area.y, into: &buffer)
    }

    /// Plot-space value: log10 on a log scale.
    private func transform(_ v: Float) -> Float {
        logScale ? Float.log10(max(v, Self.logFloor)) : v
    }

    private func yRange(_ traces: [[Float]]) -> ClosedRange<Float>? {
        if let fixedRange { return fixedRange }
        var lo = Float.infinity, hi = -Float.infinity
        for trace in traces {
            for v in trace where v.isFinite {
                lo = min(lo, v)
                hi = max(hi, v)
            }
        }
        guard lo <= hi else { return nil }
        // A flat line gets a band around it; otherwise a little headroom.
        let span = hi - lo
        let pad = span > 1e-6 ? span * 0.05 : max(abs(hi) * 0.1, logScale ? 0.1 : 0.5)
        return (lo - pad)...(hi + pad)
    }

    private func drawLabels(range: ClosedRange<Float>, rows: Int, x: Int, y: Int, into buffer: inout ScreenBuffer) {
        func label(_ v: Float) -> String {
            let value = logScale ? Float.pow(10, v) : v
            return Format.number(Double(value)).leftPadded(to: Self.gutterWidth - 1)
        }
        let style = CellStyle.fg(.gray)
        buffer.put(label(range.upperBound), x: x, y: y, style: style, limit: x + Self.gutterWidth - 1)
        if rows >= 2 {
            buffer.put(label(range.lowerBound), x: x, y: y + rows - 1, style: style, limit: x + Self.gutterWidth - 1)
        }
        if rows >= 5 {
            let midRow = (rows - 1) / 2
            let mid = range.upperBound - Float(midRow) / Float(rows - 1) * (range.upperBound - range.lowerBound)
            buffer.put(label(mid), x: x, y: y + midRow, style: style, limit: x + Self.gutterWidth - 1)
        }
    }
}

extension Float {
    static func log10(_ x: Float) -> Float { Float(Foundation.log10(Double(x))) }
    static func pow(_ x: Float, _ y: Float) -> Float { Float(Foundation.pow(Double(x), Double(y))) }
}
