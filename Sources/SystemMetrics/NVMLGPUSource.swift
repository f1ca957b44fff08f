#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// NVIDIA GPUs through NVML, loaded at run time with dlopen so the program neither links
/// nor requires libnvidia-ml. Only the handful of entry points used are resolved.
public final class NVMLGPUSource: GPUSource {
    // NVML's C signatures; nvmlDevice_t is an opaque pointer, results are nvmlReturn_t (0 = success).
    private typealias InitFn = @convention(c) () -> Int32
    private typealias CountFn = @convention(c) (UnsafeMutablePointer<UInt32>) -> Int32
    private typealias HandleFn = @convention(c) (UInt32, UnsafeMutablePointer<OpaquePointer?>) -> Int32
    private typealias StructFn = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer) -> Int32
    private typealias NameFn = @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>, UInt32) -> Int32

    /// nvmlUtilization_t: two unsigned ints, percent over the last sample period.
    private struct Utilization { var gpu: UInt32 = 0; var memory: UInt32 = 0 }
    /// nvmlMemory_t: three unsigned long longs, in bytes.
    private struct Memory { var total: UInt64 = 0; var free: UInt64 = 0; var used: UInt64 = 0 }

    private let library: UnsafeMutableRawPointer
    private let shutdown: InitFn?
    private let utilization: StructFn
    private let memory: StructFn
    private let devices: [(handle: OpaquePointer?, name: String)]

    /// Nil when the library is missing, a symbol is missing, init fails or there are no devices.
    public init?(libraryName: String = "libnvidia-ml.so.1") {
        guard let library = dlopen(libraryName, RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(library, name).map { unsafeBitCast($0, to: type) }
        }
        guard let initialize = symbol("nvmlInit_v2", as: InitFn.self),
              let count = symbol("nvmlDeviceGetCount_v2", as: CountFn.self),
              let handleByIndex = symbol("nvmlDeviceGetHandleByIndex_v2", as: HandleFn.self),
              let utilization = symbol("nvmlDeviceGetUtilizationRates", as: StructFn.self),
              let memory = symbol("nvmlDeviceGetMemoryInfo", as: StructFn.self),
              let name = symbol("nvmlDeviceGetName", as: NameFn.self),
              initialize() == 0 else {
            dlclose(library)
            return nil
        }
        let shutdown = symbol("nvmlShutdown", as: InitFn.self)
        var deviceCount: UInt32 = 0
        var devices: [(OpaquePointer?, String)] = []
        if count(&deviceCount) == 0 {
            for index in 0..<deviceCount {
                var handle: OpaquePointer?
                guard handleByIndex(index, &handle) == 0 else { continue }
                var buffer = [CChar](repeating: 0, count: 96)  // NVML_DEVICE_NAME_V2_BUFFER_SIZE
                let text = name(handle, &buffer, UInt32(buffer.count)) == 0
                    ? String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    : "NVIDIA GPU \(index)"
                devices.append((handle, text))
            }
        }
        guard !devices.isEmpty else {
            _ = shutdown?()
            dlclose(library)
            return nil
        }
        self.library = library
        self.shutdown = shutdown
        self.utilization = utilization
        self.memory = memory
        self.devices = devices.map { (handle: $0.0, name: $0.1) }
    }

    deinit {
        _ = shutdown?()
        dlclose(library)
    }

    public func read() -> [GPUReading]? {
        var readings: [GPUReading] = []
        for device in devices {
            var rates = Utilization()
            var info = Memory()
            let utilOK = withUnsafeMutableBytes(of: &rates) { utilization(device.handle, $0.baseAddress!) } == 0
            let memOK = withUnsafeMutableBytes(of: &info) { memory(device.handle, $0.baseAddress!) } == 0
            guard utilOK || memOK else { return nil }
            readings.append(GPUReading(
                name: device.name,
                utilizationPercent: utilOK ? Double(rates.gpu) : nil,
                memoryUsedBytes: memOK ? info.used : nil,
                memoryTotalBytes: memOK ? info.total : nil))
        }
        return readings
    }
}
