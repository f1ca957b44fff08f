import TrainerProtocol

/// Box-filter downscaling of one image of a batch to RGB bytes, for the preview.
enum ImageScaler {
    /// Image `index` of `batch` resampled to `width`×`height`, row-major. Each target pixel
    /// averages the source pixels its area covers (at least one), so thin strokes survive.
    static func scale(_ batch: ImageBatch, index: Int, width: Int, height: Int) -> [RGB] {
        guard index >= 0, index < batch.count, width > 0, height > 0 else { return [] }
        var out: [RGB] = []
        out.reserveCapacity(width * height)
        let plane = batch.height * batch.width
        let base = index * 3 * plane
        for ty in 0..<height {
            let y0 = ty * batch.height / height
            let y1 = max(y0 + 1, (ty + 1) * batch.height / height)
            for tx in 0..<width {
                let x0 = tx * batch.width / width
                let x1 = max(x0 + 1, (tx + 1) * batch.width / width)
                var sum: (Float, Float, Float) = (0, 0, 0)
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let offset = base + y * batch.width + x
                        sum.0 += batch.pixels[offset]
                        sum.1 += batch.pixels[offset + plane]
                        sum.2 += batch.pixels[offset + 2 * plane]
                    }
                }
                let n = Float((y1 - y0) * (x1 - x0))
                out.append(RGB(r: byte(sum.0 / n), g: byte(sum.1 / n), b: byte(sum.2 / n)))
            }
        }
        return out
    }

    /// [-1, 1] (tanh range) to 0...255.
    static func byte(_ v: Float) -> UInt8 {
        guard v.isFinite else { return 0 }
        return UInt8((min(1, max(0, (v + 1) / 2)) * 255).rounded())
    }
}
