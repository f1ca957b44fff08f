/// The fields of /proc/self/stat this program shows: CPU time and thread count.
public struct ProcessStat: Sendable, Equatable {
    /// User plus system time, in clock ticks (`sysconf(_SC_CLK_TCK)` per second).
    public var cpuTicks: UInt64
    public var threads: Int

    public init(cpuTicks: UInt64, threads: Int) {
        self.cpuTicks = cpuTicks
        self.threads = threads
    }

    /// Parses /proc/<pid>/stat. The command name is in parentheses and may itself contain
    /// spaces or ')', so fields are counted from the *last* ')'.
    public static func parse(_ text: String) -> ProcessStat? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        // After ")": field 3 (state) is index 0, so field n is index n - 3.
        let fields = text[text.index(after: close)...].split(whereSeparator: { $0 == " " || $0.isNewline })
        func field(_ n: Int) -> Substring? { n - 3 < fields.count ? fields[n - 3] : nil }
        guard let utime = field(14).flatMap({ UInt64($0) }),
              let stime = field(15).flatMap({ UInt64($0) }),
              let threads = field(20).flatMap({ Int($0) }) else { return nil }
        return ProcessStat(cpuTicks: utime &+ stime, threads: threads)
    }
}

/// /proc/self/statm: sizes in pages; only the resident set is used.
public enum ProcessStatm {
    /// Resident pages (second column), or nil when absent.
    public static func residentPages(_ text: String) -> UInt64? {
        let columns = text.split(whereSeparator: { $0 == " " || $0.isNewline })
        guard columns.count >= 2 else { return nil }
        return UInt64(columns[1])
    }
}
