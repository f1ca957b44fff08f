/// AMD GPUs via amdgpu's sysfs files: /sys/class/drm/cardN/device/gpu_busy_percent and
/// mem_info_vram_used / mem_info_vram_total.
public struct AMDGPUSource: GPUSource {
    let fileSystem: MetricFileSystem
    /// Device directories such as /sys/class/drm/card0/device that report gpu_busy_percent.
    let devices: [String]

    /// Nil when no card exposes gpu_busy_percent.
    public init?(fileSystem: MetricFileSystem, drmDirectory: String = "/sys/class/drm") {
        self.fileSystem = fileSystem
        // "card0" yes, connector entries like "card0-DP-1" no.
        let cards = (fileSystem.list(drmDirectory) ?? []).filter { name in
            name.hasPrefix("card") && !name.dropFirst(4).isEmpty && name.dropFirst(4).allSatisfy(\.isNumber)
        }
        devices = cards.map { "\(drmDirectory)/\($0)/device" }
            .filter { fileSystem.read("\($0)/gpu_busy_percent") != nil }
        if devices.isEmpty { return nil }
    }

    public func read() -> [GPUReading]? {
        var readings: [GPUReading] = []
        for (index, device) in devices.enumerated() {
            guard let busy = fileSystem.read("\(device)/gpu_busy_percent").flatMap(Self.number) else { return nil }
            let name = fileSystem.read("\(device)/product_name")
                .map { $0.trimmingWhitespace() }
                .flatMap { $0.isEmpty ? nil : $0 } ?? "AMD GPU \(index)"
            readings.append(GPUReading(
                name: name,
                utilizationPercent: Double(busy),
                memoryUsedBytes: fileSystem.read("\(device)/mem_info_vram_used").flatMap(Self.number),
                memoryTotalBytes: fileSystem.read("\(device)/mem_info_vram_total").flatMap(Self.number)))
        }
        return readings
    }

    static func number(_ text: String) -> UInt64? { UInt64(text.trimmingWhitespace()) }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
