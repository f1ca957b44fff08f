#if canImport(Glibc)
import Glibc
#endif

/// Accumulates wall time per primitive execution (by `ExecutionTag`) and per named Swift-side
/// phase (Adam, data, loss). Attached to a `DNNLContext` only while benchmarking: oneDNN's CPU
/// stream is synchronous, so the time around `dnnl_primitive_execute` is the primitive's time.
final class ExecutionProfiler {
    struct Totals {
        var seconds = 0.0
        var calls = 0
        var flops = 0.0
    }

    private(set) var executions: [ExecutionTag: Totals] = [:]
    private(set) var phases: [String: Totals] = [:]

    @inline(__always)
    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    func record(_ tag: ExecutionTag, seconds: Double) {
        executions[tag, default: Totals()].seconds += seconds
        executions[tag, default: Totals()].calls += 1
        executions[tag, default: Totals()].flops += tag.flops
    }

    /// Times `body` as the named phase.
    func time<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let start = now()
        defer {
            phases[phase, default: Totals()].seconds += now() - start
            phases[phase, default: Totals()].calls += 1
        }
        return try body()
    }

    func reset() {
        executions = [:]
        phases = [:]
    }
}

extension DNNLContext {
    /// Times `body` as a named phase when a profiler is attached; just runs it otherwise.
    @inline(__always)
    func phase<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        guard let profiler else { return try body() }
        return try profiler.time(name, body)
    }
}
