import CDNNL

/// One oneDNN CPU engine and the stream primitives execute on. Every tensor and primitive of a
/// trainer belongs to one context; it is used from one thread at a time (the engine thread).
public final class DNNLContext {
    let engine: dnnl_engine_t
    let stream: dnnl_stream_t
    /// When set, every primitive execution is timed into it (the bench); nil in normal training.
    var profiler: ExecutionProfiler?

    public init() throws {
        var engine: dnnl_engine_t?
        try dnnlCheck(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create")
        var stream: dnnl_stream_t?
        try dnnlCheck(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
        self.engine = engine!
        self.stream = stream!
    }

    deinit {
        dnnl_stream_destroy(stream)
        dnnl_engine_destroy(engine)
    }

    /// Waits for all submitted primitives (the CPU stream is synchronous, but this is the contract).
    func wait() { dnnlMust(dnnl_stream_wait(stream), "dnnl_stream_wait") }

    /// Sets oneDNN's OpenMP thread count for this process. Returns false if the runtime has no setter.
    @discardableResult
    public static func setThreads(_ count: Int) -> Bool {
        dcgan_set_omp_threads(Int32(count)) != 0
    }

    /// The number of threads oneDNN will use.
    public static var maxThreads: Int { Int(dcgan_get_omp_max_threads()) }
}
