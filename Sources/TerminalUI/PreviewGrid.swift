/// How many faces fit in a preview area and at what size.
///
/// Faces are square, `pixels` wide; with half blocks a cell holds one pixel across and two
/// down, so a face takes `pixels` columns and `pixels / 2` rows, with one blank column
/// between faces. Prefers the most faces at ≥ `preferredPixels`; when not even one fits at
/// that size, shows one face as large as fits (never larger than the source image).
struct PreviewGrid: Sendable, Equatable {
    var columns: Int
    var rows: Int
    /// Face width in pixels (= columns of cells); always even.
    var pixels: Int

    var faceRows: Int { pixels / 2 }
    var cellWidth: Int { columns * pixels + (columns - 1) }
    var cellHeight: Int { rows * faceRows }

    static let preferredPixels = 12

    /// Nil when not even a 2-pixel face fits.
    static func fit(width: Int, height: Int, imageCount: Int, imageSize: Int,
                    maxColumns: Int, maxRows: Int) -> PreviewGrid? {
        guard imageCount > 0, width > 0, height > 0 else { return nil }
        let largest = min(64, imageSize)
        func size(columns: Int, rows: Int) -> Int {
            let byWidth = (width - (columns - 1)) / columns
            let byHeight = 2 * (height / rows)
            let p = min(largest, byWidth, byHeight)
            return p - p % 2
        }
        var best: PreviewGrid?
        for rows in 1...max(1, maxRows) {
            for columns in 1...max(1, maxColumns) where columns * rows <= imageCount {
                let p = size(columns: columns, rows: rows)
                guard p >= min(preferredPixels, largest - largest % 2), p >= 2 else { continue }
                let candidate = PreviewGrid(columns: columns, rows: rows, pixels: p)
                if let current = best {
                    let more = columns * rows > current.columns * current.rows
                    let same = columns * rows == current.columns * current.rows
                    if more || (same && p > current.pixels) { best = candidate }
                } else {
                    best = candidate
                }
            }
        }
        if let best { return best }
        let p = size(columns: 1, rows: 1)
        return p >= 2 ? PreviewGrid(columns: 1, rows: 1, pixels: p) : nil
    }
}
