import CPNG
import Foundation

/// 8-bit RGB images to and from PNG, through libpng's simplified API.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major, interleaved R, G, B bytes.
    public var bytes: [UInt8]

    public init(width: Int, height: Int, bytes: [UInt8]) {
        precondition(bytes.count == width * height * 3, "RGBImage: \(bytes.count) bytes for \(width)×\(height)")
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    public init(width: Int, height: Int, fill: UInt8 = 0) {
        self.init(width: width, height: height, bytes: Array(repeating: fill, count: width * height * 3))
    }

    /// One planar image (3 × h × w) with values in [-1, 1] (the generator's range), as
    /// torchvision's `save_image(normalize=True, value_range=(-1, 1))`: v ↦ round(255·(v + 1)/2).
    public init(planar values: UnsafeBufferPointer<Float>, width: Int, height: Int) {
        precondition(values.count == 3 * width * height)
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        let plane = width * height
        for channel in 0..<3 {
            for i in 0..<plane {
                let unit = min(1, max(0, (values[channel * plane + i] + 1) / 2))
                bytes[i * 3 + channel] = UInt8((unit * 255).rounded())
            }
        }
        self.init(width: width, height: height, bytes: bytes)
    }

    /// Copies `image` with its top-left corner at (x, y).
    public mutating func paste(_ image: RGBImage, x: Int, y: Int) {
        for row in 0..<image.height {
            let source = row * image.width * 3
            let target = ((y + row) * width + x) * 3
            bytes.replaceSubrange(target..<(target + image.width * 3), with: image.bytes[source..<(source + image.width * 3)])
        }
    }

    /// A grid like torchvision's `make_grid(nrow: columns, padding: 2, pad_value: 0)`.
    public static func grid(_ images: [RGBImage], columns: Int, padding: Int = 2) -> RGBImage {
        precondition(!images.isEmpty && columns > 0)
        let columns = min(columns, images.count)
        let rows = (images.count + columns - 1) / columns
        let (w, h) = (images[0].width, images[0].height)
        var grid = RGBImage(width: columns * (w + padding) + padding, height: rows * (h + padding) + padding)
        for (index, image) in images.enumerated() {
            grid.paste(image, x: padding + (index % columns) * (w + padding), y: padding + (index / columns) * (h + padding))
        }
        return grid
    }

    public struct PNGError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The PNG file's bytes.
    public func pngData() throws(PNGError) -> Data {
        var image = png_image()
        image.version = dcgan_png_image_version()
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = dcgan_png_format_rgb()
        var size: Int = 0
        let rowStride = Int32(width * 3)
        guard bytes.withUnsafeBufferPointer({ png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, rowStride, nil) }) != 0 else {
            throw PNGError(description: "PNG encoding failed: \(Self.message(&image))")
        }
        var data = Data(count: size)
        let ok = data.withUnsafeMutableBytes { out in
            bytes.withUnsafeBufferPointer { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, rowStride, nil) }
        }
        png_image_free(&image)
        guard ok != 0 else { throw PNGError(description: "PNG encoding failed: \(Self.message(&image))") }
        return data.prefix(size)
    }

    /// Writes the PNG atomically.
    public func writePNG(to path: String) throws {
        try AtomicFile.write(try pngData(), to: path)
    }

    /// Reads a PNG file as 8-bit RGB (any PNG colour type is converted by libpng).
    public static func readPNG(_ path: String) throws(PNGError) -> RGBImage {
        var image = png_image()
        image.version = dcgan_png_image_version()
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw PNGError(description: "\(path): not a readable PNG (\(message(&image)))")
        }
        image.format = dcgan_png_format_rgb()
        let (width, height) = (Int(image.width), Int(image.height))
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        let ok = bytes.withUnsafeMutableBufferPointer { png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * 3), nil) }
        guard ok != 0 else {
            png_image_free(&image)
            throw PNGError(description: "\(path): corrupt PNG (\(message(&image)))")
        }
        return RGBImage(width: width, height: height, bytes: bytes)
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
