/// The CPU part of /proc/stat: the aggregate `cpu` line and one entry per `cpuN` line.
public struct ProcStat: Sendable, Equatable {
    public var total: CPUTimes
    /// Keyed by core number; an offline core simply has no entry.
    public var cores: [Int: CPUTimes]

    public init(total: CPUTimes, cores: [Int: CPUTimes]) {
        self.total = total
        self.cores = cores
    }

    /// Parses /proc/stat text. Returns nil when there is no aggregate `cpu` line with at
    /// least user/nice/system/idle. Extra columns are ignored, missing ones are zero,
    /// unparsable numbers (e.g. beyond 64 bits) count as zero.
    public static func parse(_ text: String) -> ProcStat? {
        var total: CPUTimes?
        var cores: [Int: CPUTimes] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard line.hasPrefix("cpu") else { continue }
            let columns = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let name = columns.first, columns.count >= 5 else { continue }
            let fields = columns.dropFirst().map { UInt64($0) ?? 0 }
            let times = CPUTimes(fields: Array(fields))
            if name == "cpu" {
                total = times
            } else if let index = Int(name.dropFirst(3)), index >= 0 {
                cores[index] = times
            }
        }
        guard let total else { return nil }
        return ProcStat(total: total, cores: cores)
    }

    /// Busy fractions of the aggregate and of each core present in both readings, cores in order.
    public func usage(since earlier: ProcStat) -> (total: Double, perCore: [Double]) {
        let perCore = cores.keys.sorted().map { index -> Double in
            guard let before = earlier.cores[index] else { return 0 }
            return cores[index]!.busyFraction(since: before)
        }
        return (total.busyFraction(since: earlier.total), perCore)
    }
}
