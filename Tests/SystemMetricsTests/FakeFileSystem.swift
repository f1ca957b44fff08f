@testable import SystemMetrics

/// A file system made of strings; records every path read so tests can see what was retried.
final class FakeFileSystem: MetricFileSystem {
    var files: [String: String]
    var directories: [String: [String]]
    private(set) var reads: [String] = []

    init(files: [String: String] = [:], directories: [String: [String]] = [:]) {
        self.files = files
        self.directories = directories
    }

    func read(_ path: String) -> String? {
        reads.append(path)
        return files[path]
    }

    func list(_ directory: String) -> [String]? { directories[directory] }

    func readCount(_ path: String) -> Int { reads.filter { $0 == path }.count }
}

/// A GPU source that works until told to fail.
final class FakeGPUSource: GPUSource {
    var failing = false
    private(set) var calls = 0

    func read() -> [GPUReading]? {
        calls += 1
        return failing ? nil : [GPUReading(name: "Fake GPU", utilizationPercent: 42, memoryUsedBytes: 1 << 30,
                                           memoryTotalBytes: 8 << 30)]
    }
}
