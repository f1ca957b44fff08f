/// cgroup v2 limits and usage of the cgroup this process runs in.
public struct CgroupLimits: Sendable, Equatable {
    /// memory.max; nil when "max" (unlimited).
    public var memoryLimitBytes: UInt64?
    /// memory.current.
    public var memoryCurrentBytes: UInt64?
    /// cpu.max quota / period, in CPUs; nil when "max" (unlimited).
    public var cpuLimit: Double?

    public init(memoryLimitBytes: UInt64? = nil, memoryCurrentBytes: UInt64? = nil, cpuLimit: Double? = nil) {
        self.memoryLimitBytes = memoryLimitBytes
        self.memoryCurrentBytes = memoryCurrentBytes
        self.cpuLimit = cpuLimit
    }

    public var hasAnyLimit: Bool { memoryLimitBytes != nil || cpuLimit != nil }
}

/// Parsers for the single-line cgroup v2 interface files.
public enum CgroupParser {
    /// What a value file such as memory.max holds.
    public enum Value: Sendable, Equatable {
        case unlimited
        case bytes(UInt64)
    }

    /// memory.max / memory.current: a number or "max". Nil when neither.
    public static func parseValue(_ text: String) -> Value? {
        let word = text.split(whereSeparator: { $0 == " " || $0.isNewline }).first
        guard let word else { return nil }
        if word == "max" { return .unlimited }
        return UInt64(word).map(Value.bytes)
    }

    /// What cpu.max holds.
    public enum CPUMax: Sendable, Equatable {
        case unlimited
        /// Quota over period, in CPUs.
        case cpus(Double)

        var limit: Double? {
            if case .cpus(let cpus) = self { return cpus }
            return nil
        }
    }

    /// cpu.max: "$QUOTA $PERIOD" with QUOTA possibly "max"; PERIOD defaults to 100000.
    /// Nil when unparsable.
    public static func parseCPUMax(_ text: String) -> CPUMax? {
        let words = text.split(whereSeparator: { $0 == " " || $0.isNewline })
        guard let quota = words.first else { return nil }
        let period = words.count > 1 ? UInt64(words[1]) : 100_000
        guard let period, period > 0 else { return nil }
        if quota == "max" { return .unlimited }
        guard let q = UInt64(quota) else { return nil }
        return .cpus(Double(q) / Double(period))
    }

    /// The cgroup v2 path from /proc/self/cgroup (the "0::/path" line), nil when v1 only.
    public static func unifiedPath(_ procSelfCgroup: String) -> String? {
        for line in procSelfCgroup.split(whereSeparator: \.isNewline) where line.hasPrefix("0::") {
            return String(line.dropFirst(3))
        }
        return nil
    }
}
