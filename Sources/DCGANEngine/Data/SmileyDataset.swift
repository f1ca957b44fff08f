/// The seed's built-in data set: smiley faces drawn on a white 64×64 canvas. Each image is one of
/// 16 prototypes (4 face colours × glasses or not × hat or not), so the data set is stored as its
/// attributes and images are rendered once per prototype.
public struct SmileyDataset: Sendable {
    public static let imageSize = 64
    public static let defaultCount = 2000
    public static let pixelsPerImage = 3 * imageSize * imageSize
    public static let glassesProbability = 0.3
    public static let hatProbability = 0.2

    public enum FaceColor: Int, CaseIterable, Sendable {
        case yellow, blue, green, pink

        public var rgb: (Float, Float, Float) {
            switch self {
            case .yellow: return (1, 1, 0)
            case .blue: return (0, 0, 1)
            case .green: return (0, 1, 0)
            case .pink: return (1, 0.75, 0.8)
            }
        }
    }

    public struct Attributes: Hashable, Sendable {
        public var color: FaceColor
        public var glasses: Bool
        public var hat: Bool

        public init(color: FaceColor, glasses: Bool, hat: Bool) {
            self.color = color
            self.glasses = glasses
            self.hat = hat
        }

        /// 0..<16: colour × 4 + glasses × 2 + hat.
        public var prototypeIndex: Int { color.rawValue * 4 + (glasses ? 2 : 0) + (hat ? 1 : 0) }

        public static let all: [Attributes] = FaceColor.allCases.flatMap { color in
            [false, true].flatMap { glasses in [false, true].map { Attributes(color: color, glasses: glasses, hat: $0) } }
        }
    }

    public let items: [Attributes]

    /// Draws `count` faces: colour uniform over the four, glasses with p = 0.3, hat with p = 0.2.
    public init(count: Int = SmileyDataset.defaultCount, random: inout RandomGenerator) {
        items = (0..<count).map { _ in
            let color = FaceColor(rawValue: min(3, Int(random.unit() * 4)))!
            let glasses = random.unit() < SmileyDataset.glassesProbability
            let hat = random.unit() < SmileyDataset.hatProbability
            return Attributes(color: color, glasses: glasses, hat: hat)
        }
    }

    public var count: Int { items.count }

    /// The 16 prototype images, planar RGB, mapped to [-1, 1] (v·2 − 1) as the generator's range.
    public static let prototypes: [[Float]] = Attributes.all.map { render($0).map { $0 * 2 - 1 } }

    /// Renders one face, planar RGB (3 × 64 × 64), values in [0, 1]; x is the column, y the row.
    /// Draw order as the seed: face, eyes, glasses, hat, mouth.
    public static func render(_ attributes: Attributes) -> [Float] {
        let size = imageSize
        var image = [Float](repeating: 1, count: pixelsPerImage)
        func paint(_ x: Int, _ y: Int, _ rgb: (Float, Float, Float)) {
            guard (0..<size).contains(x), (0..<size).contains(y) else { return }
            image[y * size + x] = rgb.0
            image[size * size + y * size + x] = rgb.1
            image[2 * size * size + y * size + x] = rgb.2
        }
        func disk(_ cx: Int, _ cy: Int, _ radius: Int, _ rgb: (Float, Float, Float)) {
            for y in (cy - radius)...(cy + radius) {
                for x in (cx - radius)...(cx + radius) where (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius {
                    paint(x, y, rgb)
                }
            }
        }
        let black: (Float, Float, Float) = (0, 0, 0)
        disk(32, 32, 27, attributes.color.rgb)
        disk(16, 22, 3, black)
        disk(48, 22, 3, black)
        if attributes.glasses {
            disk(24, 21, 3, black)
            disk(40, 21, 3, black)
            for x in 27...37 { paint(x, 21, black) }
        }
        if attributes.hat {
            for y in 8..<16 { for x in 22..<42 { paint(x, y, black) } }
        }
        for x in 16..<48 {
            let t = Double(x - 32) / 16
            paint(x, Int((42 - t * t * 6).rounded(.down)), black)
        }
        return image
    }
}
