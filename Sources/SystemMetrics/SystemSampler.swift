#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the machine's metrics about once a second and keeps the latest `SystemSnapshot`.
///
/// Rates (CPU %, process CPU) need two readings, so the first snapshot has none. Any metric
/// whose file can't be read or parsed is switched off for good: a missing /proc file or a
/// failing driver is not going to heal, and retrying it every second only costs time.
/// Not thread-safe: it belongs to the thread that draws the UI.
public final class SystemSampler {
    /// Which metric families are still being read.
    public struct Enabled: Sendable, Equatable {
        public var cpu = true
        public var process = true
        public var memory = true
        public var cgroup = true
        public var gpu = true
    }

    public let interval: Double
    public private(set) var latest: SystemSnapshot
    public private(set) var enabled = Enabled()

    private let fileSystem: MetricFileSystem
    private let clockTicksPerSecond: Double
    private let pageSize: UInt64
    private var gpuSource: GPUSource?
    private var gpuFallback: GPUStatus
    private var cgroupDirectory: String?
    private var previousStat: ProcStat?
    private var previousProcess: (ticks: UInt64, at: Double)?
    private var lastSampleAt: Double?

    /// - Parameters:
    ///   - gpuSource: nil probes NVML, then amdgpu sysfs, then /proc/driver/nvidia.
    ///   - cgroupRoot: mount point of the cgroup v2 hierarchy.
    public init(fileSystem: MetricFileSystem = LiveFileSystem(), gpuSource: GPUSource? = nil,
                probeGPU: Bool = true, cgroupRoot: String = "/sys/fs/cgroup", interval: Double = 1.0,
                clockTicksPerSecond: Double? = nil, pageSize: UInt64? = nil) {
        self.fileSystem = fileSystem
        self.interval = interval
        self.clockTicksPerSecond = clockTicksPerSecond ?? Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
        self.pageSize = pageSize ?? UInt64(max(1, sysconf(Int32(_SC_PAGESIZE))))
        latest = SystemSnapshot()
        if let gpuSource {
            self.gpuSource = gpuSource
            gpuFallback = .none
        } else if probeGPU {
            (self.gpuSource, gpuFallback) = Self.probeGPU(fileSystem)
        } else {
            gpuFallback = .none
        }
        cgroupDirectory = Self.findCgroupDirectory(fileSystem, root: cgroupRoot)
    }

    /// Takes a new reading when `interval` has passed since the last one; nil otherwise.
    public func sampleIfDue(at now: Double) -> SystemSnapshot? {
        if let lastSampleAt, now - lastSampleAt < interval { return nil }
        return sample(at: now)
    }

    /// Takes a reading now.
    @discardableResult
    public func sample(at now: Double) -> SystemSnapshot {
        lastSampleAt = now
        var snapshot = SystemSnapshot(takenAt: now)
        readCPU(into: &snapshot)
        readProcess(into: &snapshot, now: now)
        readMemory(into: &snapshot)
        readCgroup(into: &snapshot)
        readGPU(into: &snapshot)
        latest = snapshot
        return snapshot
    }

    private func readCPU(into snapshot: inout SystemSnapshot) {
        guard enabled.cpu else { return }
        guard let stat = fileSystem.read("/proc/stat").flatMap(ProcStat.parse) else {
            enabled.cpu = false
            return
        }
        if let previousStat {
            let usage = stat.usage(since: previousStat)
            snapshot.cpuTotal = usage.total
            snapshot.cpuPerCore = usage.perCore
        }
        previousStat = stat
    }

    private func readProcess(into snapshot: inout SystemSnapshot, now: Double) {
        guard enabled.process else { return }
        guard let stat = fileSystem.read("/proc/self/stat").flatMap(ProcessStat.parse),
              let resident = fileSystem.read("/proc/self/statm").flatMap(ProcessStatm.residentPages) else {
            enabled.process = false
            return
        }
        snapshot.processThreads = stat.threads
        snapshot.processRSSBytes = resident &* pageSize
        if let previous = previousProcess, now > previous.at {
            let seconds = Double(stat.cpuTicks.saturatingSubtract(previous.ticks)) / clockTicksPerSecond
            snapshot.processCPU = seconds / (now - previous.at)
        }
        previousProcess = (stat.cpuTicks, now)
    }

    private func readMemory(into snapshot: inout SystemSnapshot) {
        guard enabled.memory else { return }
        guard let memory = fileSystem.read("/proc/meminfo").flatMap(MemInfo.parse) else {
            enabled.memory = false
            return
        }
        snapshot.memory = memory
    }

    private func readCgroup(into snapshot: inout SystemSnapshot) {
        guard enabled.cgroup, let directory = cgroupDirectory else { return }
        var limits = CgroupLimits()
        var readAnything = false
        if let max = fileSystem.read("\(directory)/memory.max").flatMap(CgroupParser.parseValue) {
            readAnything = true
            if case .bytes(let bytes) = max { limits.memoryLimitBytes = bytes }
        }
        if let current = fileSystem.read("\(directory)/memory.current").flatMap(CgroupParser.parseValue) {
            readAnything = true
            if case .bytes(let bytes) = current { limits.memoryCurrentBytes = bytes }
        }
        if let cpu = fileSystem.read("\(directory)/cpu.max").flatMap(CgroupParser.parseCPUMax) {
            readAnything = true
            limits.cpuLimit = cpu.limit
        }
        guard readAnything else {
            enabled.cgroup = false
            return
        }
        snapshot.cgroup = limits
    }

    private func readGPU(into snapshot: inout SystemSnapshot) {
        guard enabled.gpu, let source = gpuSource else {
            snapshot.gpu = gpuFallback
            return
        }
        if let readings = source.read() {
            snapshot.gpu = .devices(readings)
        } else {
            enabled.gpu = false
            gpuSource = nil
            gpuFallback = .unreadable("GPU metrics failed; switched off")
            snapshot.gpu = gpuFallback
        }
    }

    /// NVML first (NVIDIA), then amdgpu sysfs; /proc/driver/nvidia only tells that a card exists.
    static func probeGPU(_ fileSystem: MetricFileSystem) -> (GPUSource?, GPUStatus) {
        if let nvml = NVMLGPUSource() { return (nvml, .none) }
        if let amd = AMDGPUSource(fileSystem: fileSystem) { return (amd, .none) }
        if let gpus = fileSystem.list("/proc/driver/nvidia/gpus"), !gpus.isEmpty {
            return (nil, .unreadable("NVIDIA GPU (no libnvidia-ml)"))
        }
        return (nil, .none)
    }

    /// The process's own cgroup directory when it has a memory.max or cpu.max (inside a
    /// container the namespace root is usually the container's cgroup), else nil.
    static func findCgroupDirectory(_ fileSystem: MetricFileSystem, root: String) -> String? {
        var candidates: [String] = []
        if let path = fileSystem.read("/proc/self/cgroup").flatMap(CgroupParser.unifiedPath), path != "/" {
            candidates.append(root + path)
        }
        candidates.append(root)
        return candidates.first { directory in
            fileSystem.read("\(directory)/memory.max") != nil || fileSystem.read("\(directory)/cpu.max") != nil
        }
    }
}
