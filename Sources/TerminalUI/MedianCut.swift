/// Reduces a weighted set of colours to at most `limit` representatives (median cut, with
/// the cut at the weighted mean rather than the median so that separate clusters of
/// colour end up in separate boxes): the box with the widest channel range is split until
/// there are `limit` boxes; each box becomes its weighted mean colour.
enum MedianCut {
    /// Each input colour's representative index, and the representatives.
    static func reduce(_ colors: [RGB: Int], to limit: Int) -> (palette: [RGB], index: [RGB: Int]) {
        guard limit > 0, !colors.isEmpty else { return ([], [:]) }
        var boxes: [[(RGB, Int)]] = [colors.map { ($0.key, $0.value) }]
        while boxes.count < limit {
            // The box whose widest channel spans the most (ties: more colours) is split next.
            var best = -1, bestSpan = 0
            for (i, box) in boxes.enumerated() where box.count > 1 {
                let span = widestChannel(box).span
                if span > bestSpan { best = i; bestSpan = span }
            }
            guard best >= 0 else { break }
            let box = boxes[best]
            let channel = widestChannel(box).channel
            let sorted = box.sorted { value($0.0, channel) < value($1.0, channel) }
            let total = sorted.reduce(0) { $0 + $1.1 }
            let weightedSum = sorted.reduce(0) { $0 + Int(value($1.0, channel)) * $1.1 }
            let mean = Double(weightedSum) / Double(max(1, total))
            let firstAbove = sorted.firstIndex { Double(value($0.0, channel)) > mean } ?? sorted.count
            let cut = min(max(1, firstAbove), sorted.count - 1)
            boxes[best] = Array(sorted[..<cut])
            boxes.append(Array(sorted[cut...]))
        }
        var palette: [RGB] = []
        var index: [RGB: Int] = [:]
        for box in boxes {
            var r = 0, g = 0, b = 0, weight = 0
            for (color, count) in box {
                r += Int(color.r) * count; g += Int(color.g) * count; b += Int(color.b) * count
                weight += count
                index[color] = palette.count
            }
            let w = max(1, weight)
            palette.append(RGB(r: UInt8(r / w), g: UInt8(g / w), b: UInt8(b / w)))
        }
        return (palette, index)
    }

    private static func value(_ c: RGB, _ channel: Int) -> UInt8 { channel == 0 ? c.r : channel == 1 ? c.g : c.b }

    private static func widestChannel(_ box: [(RGB, Int)]) -> (channel: Int, span: Int) {
        var low: [UInt8] = [255, 255, 255], high: [UInt8] = [0, 0, 0]
        for (c, _) in box {
            low[0] = min(low[0], c.r); high[0] = max(high[0], c.r)
            low[1] = min(low[1], c.g); high[1] = max(high[1], c.g)
            low[2] = min(low[2], c.b); high[2] = max(high[2], c.b)
        }
        let spans = (0..<3).map { Int(high[$0]) - Int(low[$0]) }
        let channel = spans.firstIndex(of: spans.max()!)!
        return (channel, spans[channel])
    }
}
