/// Serves the data set in shuffled mini-batches, a new permutation every epoch; the last partial
/// batch is used (2000 = 31·64 + 16), as PyTorch's DataLoader with drop_last=False.
public struct BatchLoader: Sendable {
    public let dataset: SmileyDataset
    public let batchSize: Int
    public private(set) var random: RandomGenerator
    public private(set) var order: [Int]
    /// Index into `order` of the next batch's first item.
    public private(set) var position: Int

    public init(dataset: SmileyDataset, batchSize: Int, random: RandomGenerator) {
        precondition(batchSize > 0)
        self.dataset = dataset
        self.batchSize = batchSize
        self.random = random
        self.order = Array(0..<dataset.count)
        self.position = dataset.count // the first call shuffles
    }

    public var batchesPerEpoch: Int { (dataset.count + batchSize - 1) / batchSize }

    /// True when the next batch starts a new epoch.
    public var atEpochStart: Bool { position >= order.count }

    /// Puts the loader back where a checkpoint left it; refuses an order that is not a permutation.
    public mutating func restore(random: RandomGenerator, order: [Int], position: Int) throws(ConfigError) {
        guard order.count == dataset.count, Set(order).count == order.count, order.allSatisfy({ (0..<dataset.count).contains($0) }) else {
            throw ConfigError("data order is not a permutation of the \(dataset.count) images")
        }
        guard (0...order.count).contains(position) else { throw ConfigError("data position \(position) out of range") }
        self.random = random
        self.order = order
        self.position = position
    }

    /// The indices of the next batch (reshuffling first when the epoch is over).
    public mutating func nextBatch() -> ArraySlice<Int> {
        if position >= order.count {
            order = Array(0..<dataset.count)
            // Fisher–Yates with our own generator, so the order never depends on the standard
            // library's shuffle algorithm.
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
            position = 0
        }
        let end = min(position + batchSize, order.count)
        defer { position = end }
        return order[position..<end]
    }

    /// Writes the images of `indices` into `destination` (N × 3 × 64 × 64, values in [-1, 1]).
    public func fill(_ destination: UnsafeMutablePointer<Float>, with indices: ArraySlice<Int>) {
        let stride = SmileyDataset.pixelsPerImage
        for (slot, index) in indices.enumerated() {
            SmileyDataset.prototypes[dataset.items[index].prototypeIndex].withUnsafeBufferPointer {
                (destination + slot * stride).update(from: $0.baseAddress!, count: stride)
            }
        }
    }
}
