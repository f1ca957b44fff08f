/// One metric's values over the run, kept to a bounded number of points.
///
/// When `capacity` is reached, neighbouring pairs are averaged and every later point stands
/// for twice as many steps (`stride`), so memory stays fixed however long training runs
/// while the whole run stays visible. Non-finite values are skipped: a chart can't draw
/// NaN, and divergence is shown by the run state instead.
public struct SeriesHistory: Sendable, Equatable {
    public let capacity: Int
    public private(set) var values: [Float] = []
    /// Steps each stored point stands for.
    public private(set) var stride = 1
    public private(set) var firstStep: Int?
    public private(set) var lastStep: Int?
    private var partialSum: Double = 0
    private var partialCount = 0

    public init(capacity: Int = 2048) {
        self.capacity = max(2, capacity - capacity % 2)
    }

    public var isEmpty: Bool { values.isEmpty }
    public var last: Float? { values.last }

    public mutating func append(_ value: Float, step: Int) {
        guard value.isFinite else { return }
        if firstStep == nil { firstStep = step }
        lastStep = step
        partialSum += Double(value)
        partialCount += 1
        guard partialCount == stride else { return }
        values.append(Float(partialSum / Double(partialCount)))
        partialSum = 0
        partialCount = 0
        if values.count >= capacity { halve() }
    }

    private mutating func halve() {
        values = Swift.stride(from: 0, to: values.count - 1, by: 2).map { (values[$0] + values[$0 + 1]) / 2 }
        stride *= 2
    }

    /// At most `count` points covering the whole history: bucket means when longer.
    public func resampled(to count: Int) -> [Float] {
        guard count > 0 else { return [] }
        guard values.count > count else { return values }
        return (0..<count).map { bucket in
            let start = bucket * values.count / count
            let end = max(start + 1, (bucket + 1) * values.count / count)
            var sum: Float = 0
            for i in start..<end { sum += values[i] }
            return sum / Float(end - start)
        }
    }
}

/// A metric's raw values and an exponential moving average of them, both bounded.
public struct SmoothedSeries: Sendable, Equatable {
    public private(set) var raw: SeriesHistory
    public private(set) var smooth: SeriesHistory
    /// Weight of the newest value in the moving average.
    public let alpha: Float
    private var average: Float?

    public init(alpha: Float = 0.05, capacity: Int = 2048) {
        self.alpha = alpha
        raw = SeriesHistory(capacity: capacity)
        smooth = SeriesHistory(capacity: capacity)
    }

    public mutating func append(_ value: Float, step: Int) {
        guard value.isFinite else { return }
        raw.append(value, step: step)
        let next = average.map { $0 + alpha * (value - $0) } ?? value
        average = next
        smooth.append(next, step: step)
    }

    /// The latest raw value.
    public var latest: Float? { raw.last }
    /// The current moving average.
    public var smoothed: Float? { average }
}
