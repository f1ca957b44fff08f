import XCTest
@testable import DCGANEngine

final class SmileyDatasetTests: XCTestCase {
    /// (r, g, b) of pixel (x = column, y = row) of a rendered face.
    private func pixel(_ image: [Float], x: Int, y: Int) -> [Float] {
        (0..<3).map { image[$0 * 64 * 64 + y * 64 + x] }
    }

    func testGeometryIsPixelExact() {
        let plain = SmileyDataset.render(.init(color: .pink, glasses: false, hat: false))
        XCTAssertEqual(plain.count, 3 * 64 * 64)
        XCTAssertEqual(pixel(plain, x: 0, y: 0), [1, 1, 1], "white background")
        XCTAssertEqual(pixel(plain, x: 32, y: 5), [1, 0.75, 0.8], "top of the face disk (radius 27, inclusive)")
        XCTAssertEqual(pixel(plain, x: 32, y: 4), [1, 1, 1], "just outside the face")
        XCTAssertEqual(pixel(plain, x: 59, y: 32), [1, 0.75, 0.8], "right edge of the face")
        XCTAssertEqual(pixel(plain, x: 16, y: 22), [0, 0, 0], "left eye centre")
        XCTAssertEqual(pixel(plain, x: 48, y: 25), [0, 0, 0], "right eye, radius 3")
        XCTAssertEqual(pixel(plain, x: 48, y: 26), [1, 0.75, 0.8], "outside the right eye")
        XCTAssertEqual(pixel(plain, x: 32, y: 21), [1, 0.75, 0.8], "no bridge without glasses")
        XCTAssertEqual(pixel(plain, x: 32, y: 10), [1, 0.75, 0.8], "no hat")
        // Mouth: y = floor(42 − ((x − 32)/16)² · 6): x = 32 → 42, x = 16 → 36, x = 47 → 36.
        XCTAssertEqual(pixel(plain, x: 32, y: 42), [0, 0, 0])
        XCTAssertEqual(pixel(plain, x: 32, y: 41), [1, 0.75, 0.8])
        XCTAssertEqual(pixel(plain, x: 16, y: 36), [0, 0, 0])
        XCTAssertEqual(pixel(plain, x: 47, y: 36), [0, 0, 0])
        XCTAssertEqual(pixel(plain, x: 40, y: 40), [0, 0, 0], "x = 40: floor(42 − 0.25·6) = 40")
        XCTAssertEqual(pixel(plain, x: 48, y: 36), [1, 0.75, 0.8], "mouth stops at x = 47")

        let dressed = SmileyDataset.render(.init(color: .blue, glasses: true, hat: true))
        XCTAssertEqual(pixel(dressed, x: 24, y: 21), [0, 0, 0], "left lens")
        XCTAssertEqual(pixel(dressed, x: 40, y: 24), [0, 0, 0], "right lens, radius 3")
        XCTAssertEqual(pixel(dressed, x: 32, y: 21), [0, 0, 0], "bridge")
        XCTAssertEqual(pixel(dressed, x: 27, y: 21), [0, 0, 0], "bridge starts at x = 27")
        XCTAssertEqual(pixel(dressed, x: 32, y: 20), [0, 0, 1], "bridge is one pixel high")
        XCTAssertEqual(pixel(dressed, x: 22, y: 8), [0, 0, 0], "hat top-left")
        XCTAssertEqual(pixel(dressed, x: 41, y: 15), [0, 0, 0], "hat bottom-right")
        XCTAssertEqual(pixel(dressed, x: 42, y: 12), [0, 0, 1], "hat is x in [22, 42)")
        XCTAssertEqual(pixel(dressed, x: 30, y: 16), [0, 0, 1], "hat is y in [8, 16)")
        XCTAssertEqual(pixel(dressed, x: 30, y: 7), [0, 0, 1], "above the hat is face again")
    }

    func testSixteenDistinctPrototypesInTanhRange() {
        XCTAssertEqual(SmileyDataset.prototypes.count, 16)
        XCTAssertEqual(Set(SmileyDataset.prototypes.map { $0.map(\.bitPattern) }).count, 16)
        for prototype in SmileyDataset.prototypes {
            XCTAssertEqual(prototype.min(), -1)
            XCTAssertEqual(prototype.max(), 1)
        }
        for (index, attributes) in SmileyDataset.Attributes.all.enumerated() {
            XCTAssertEqual(attributes.prototypeIndex, index)
        }
    }

    func testModeFrequencies() {
        var random = RandomGenerator(seed: 7)
        let dataset = SmileyDataset(count: 2000, random: &random)
        XCTAssertEqual(dataset.count, 2000)
        for color in SmileyDataset.FaceColor.allCases {
            let share = Double(dataset.items.filter { $0.color == color }.count) / 2000
            XCTAssertEqual(share, 0.25, accuracy: 0.04, "\(color)")
        }
        XCTAssertEqual(Double(dataset.items.filter(\.glasses).count) / 2000, 0.3, accuracy: 0.04)
        XCTAssertEqual(Double(dataset.items.filter(\.hat).count) / 2000, 0.2, accuracy: 0.04)
    }

    func testDeterministicUnderASeed() {
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3), c = RandomGenerator(seed: 4)
        let first = SmileyDataset(count: 200, random: &a).items
        XCTAssertEqual(first, SmileyDataset(count: 200, random: &b).items)
        XCTAssertNotEqual(first, SmileyDataset(count: 200, random: &c).items)
    }

    func testLoaderUsesEveryImageOncePerEpochWithAPartialLastBatch() {
        var random = RandomGenerator(seed: 1)
        let dataset = SmileyDataset(count: 2000, random: &random)
        var loader = BatchLoader(dataset: dataset, batchSize: 64, random: random.split())
        XCTAssertEqual(loader.batchesPerEpoch, 32)
        var seen: [Int] = [], sizes: [Int] = []
        for _ in 0..<32 {
            let batch = loader.nextBatch()
            sizes.append(batch.count)
            seen += batch
        }
        XCTAssertEqual(sizes.last, 16)
        XCTAssertEqual(sizes.dropLast().allSatisfy { $0 == 64 }, true)
        XCTAssertEqual(seen.sorted(), Array(0..<2000))
        XCTAssertNotEqual(Array(seen.prefix(64)), Array(0..<64), "shuffled")
        let nextEpoch = Array(loader.nextBatch())
        XCTAssertNotEqual(nextEpoch, Array(seen.prefix(64)), "reshuffled every epoch")
    }
}
