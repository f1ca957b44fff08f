/// One GPU's load as last read.
public struct GPUReading: Sendable, Equatable {
    public var name: String
    /// 0...100, nil when the driver does not report it.
    public var utilizationPercent: Double?
    public var memoryUsedBytes: UInt64?
    public var memoryTotalBytes: UInt64?

    public init(name: String, utilizationPercent: Double?, memoryUsedBytes: UInt64?, memoryTotalBytes: UInt64?) {
        self.name = name
        self.utilizationPercent = utilizationPercent
        self.memoryUsedBytes = memoryUsedBytes
        self.memoryTotalBytes = memoryTotalBytes
    }
}

/// What the machine panel says about GPUs.
public enum GPUStatus: Sendable, Equatable {
    /// No GPU found.
    case none
    /// A GPU exists but its load can't be read (e.g. NVIDIA card without libnvidia-ml).
    case unreadable(String)
    case devices([GPUReading])
}
