import TrainerProtocol

/// Draws one image into cells.
///
/// Colour + Unicode: '▀' with the upper pixel as foreground and the lower as background,
/// two pixels per cell. Otherwise each cell is a character from a brightness ramp
/// (' .:-=+*#%@') of the two pixels' average, coloured with that average when colour is on.
enum FaceRenderer {
    static let shadingRamp: [Character] = Array(" .:-=+*#%@")

    /// Draws image `index` of `batch` at `pixels` wide (height keeps the aspect, rounded to
    /// whole cells) with its top-left cell at (x, y).
    static func draw(_ batch: ImageBatch, index: Int, pixels: Int, x: Int, y: Int,
                     into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        let width = pixels
        var height = max(2, pixels * batch.height / max(1, batch.width))
        height += height % 2
        let image = ImageScaler.scale(batch, index: index, width: width, height: height)
        guard image.count == width * height else { return }
        for row in 0..<(height / 2) {
            for column in 0..<width {
                let top = image[(2 * row) * width + column]
                let bottom = image[(2 * row + 1) * width + column]
                buffer[x + column, y + row] = cell(top: top, bottom: bottom, capabilities: capabilities)
            }
        }
    }

    static func cell(top: RGB, bottom: RGB, capabilities: DisplayCapabilities) -> Cell {
        if capabilities.color && capabilities.unicode {
            return Cell("▀", style: CellStyle(foreground: .rgb(top.r, top.g, top.b),
                                               background: .rgb(bottom.r, bottom.g, bottom.b)))
        }
        let mean = RGB.average(top, bottom)
        let glyph = shade(mean.luminance)
        return capabilities.color ? Cell(glyph, style: .fg(.rgb(mean.r, mean.g, mean.b))) : Cell(glyph)
    }

    /// The ramp character for a brightness 0...1.
    static func shade(_ luminance: Double) -> Character {
        let index = Int((min(1, max(0, luminance)) * Double(shadingRamp.count - 1)).rounded())
        return shadingRamp[index]
    }
}
