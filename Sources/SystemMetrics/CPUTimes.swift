/// One `cpu` line of /proc/stat: cumulative jiffies spent in each state since boot.
///
/// `guest` and `guestNice` are kept for completeness but are *not* part of `total`:
/// the kernel already counts guest time inside `user` (and guest_nice inside `nice`).
public struct CPUTimes: Sendable, Equatable {
    public var user: UInt64 = 0
    public var nice: UInt64 = 0
    public var system: UInt64 = 0
    public var idle: UInt64 = 0
    public var iowait: UInt64 = 0
    public var irq: UInt64 = 0
    public var softirq: UInt64 = 0
    public var steal: UInt64 = 0
    public var guest: UInt64 = 0
    public var guestNice: UInt64 = 0

    public init() {}

    /// Fields in /proc/stat order; missing trailing fields stay zero (older kernels have fewer).
    public init(fields: [UInt64]) {
        func at(_ i: Int) -> UInt64 { i < fields.count ? fields[i] : 0 }
        user = at(0); nice = at(1); system = at(2); idle = at(3); iowait = at(4)
        irq = at(5); softirq = at(6); steal = at(7); guest = at(8); guestNice = at(9)
    }

    /// Time not doing work: idle plus waiting for I/O.
    public var idleTotal: UInt64 { idle &+ iowait }

    /// All accounted time, guest excluded (already inside user/nice).
    public var total: UInt64 { user &+ nice &+ system &+ idle &+ iowait &+ irq &+ softirq &+ steal }

    /// Fraction of time busy between `earlier` and `self`, in 0...1.
    /// Counters that go backwards (CPU hot-plug, wrap) subtract to zero instead of trapping.
    public func busyFraction(since earlier: CPUTimes) -> Double {
        let totalDelta = total.saturatingSubtract(earlier.total)
        guard totalDelta > 0 else { return 0 }
        let idleDelta = idleTotal.saturatingSubtract(earlier.idleTotal)
        let busyDelta = totalDelta.saturatingSubtract(idleDelta)
        return min(1, max(0, Double(busyDelta) / Double(totalDelta)))
    }
}

extension UInt64 {
    /// `self - other`, or 0 when the counter went backwards.
    @inlinable func saturatingSubtract(_ other: UInt64) -> UInt64 { self >= other ? self - other : 0 }
}
