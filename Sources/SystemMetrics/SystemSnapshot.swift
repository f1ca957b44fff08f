/// One reading of the machine, as plain values the UI can hold and compare.
/// A nil field means that metric is unavailable (absent or switched off after a failure).
public struct SystemSnapshot: Sendable, Equatable {
    /// Whole-machine CPU busy fraction, 0...1.
    public var cpuTotal: Double?
    /// Busy fraction of each online core, by core number.
    public var cpuPerCore: [Double]
    /// This process's CPU use in cores (1.0 = one core fully busy; can exceed 1).
    public var processCPU: Double?
    public var processRSSBytes: UInt64?
    public var processThreads: Int?
    public var memory: MemInfo?
    /// Present when the process runs in a cgroup v2 with readable files.
    public var cgroup: CgroupLimits?
    public var gpu: GPUStatus
    /// Seconds (monotonic) when the reading was taken.
    public var takenAt: Double

    public init(cpuTotal: Double? = nil, cpuPerCore: [Double] = [], processCPU: Double? = nil,
                processRSSBytes: UInt64? = nil, processThreads: Int? = nil, memory: MemInfo? = nil,
                cgroup: CgroupLimits? = nil, gpu: GPUStatus = .none, takenAt: Double = 0) {
        self.cpuTotal = cpuTotal
        self.cpuPerCore = cpuPerCore
        self.processCPU = processCPU
        self.processRSSBytes = processRSSBytes
        self.processThreads = processThreads
        self.memory = memory
        self.cgroup = cgroup
        self.gpu = gpu
        self.takenAt = takenAt
    }
}
