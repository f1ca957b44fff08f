/// System memory from /proc/meminfo, in bytes.
public struct MemInfo: Sendable, Equatable {
    public var totalBytes: UInt64
    public var availableBytes: UInt64

    public init(totalBytes: UInt64, availableBytes: UInt64) {
        self.totalBytes = totalBytes
        self.availableBytes = availableBytes
    }

    public var usedBytes: UInt64 { totalBytes.saturatingSubtract(availableBytes) }

    /// Parses /proc/meminfo. MemTotal is required; without MemAvailable (kernels before 3.14)
    /// the estimate MemFree + Buffers + Cached is used.
    public static func parse(_ text: String) -> MemInfo? {
        var kib: [Substring: UInt64] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let rest = line[line.index(after: colon)...].split(separator: " ")
            guard let number = rest.first.flatMap({ UInt64($0) }) else { continue }
            // Values are in kB unless a line has no unit (e.g. HugePages_Total), which we don't use.
            kib[key] = number
        }
        guard let total = kib["MemTotal"] else { return nil }
        let available = kib["MemAvailable"]
            ?? (kib["MemFree"] ?? 0) &+ (kib["Buffers"] ?? 0) &+ (kib["Cached"] ?? 0)
        return MemInfo(totalBytes: total &* 1024, availableBytes: min(total, available) &* 1024)
    }
}
