#if canImport(Glibc)
import Glibc
#endif

/// Element-wise Swift work (Adam) on oneDNN's own OpenMP thread team, between primitives: the
/// same threads, so nothing ever runs alongside oneDNN's and the machine is never oversubscribed.
/// libdnnl is linked against GNU OpenMP and has loaded it; its entry points are looked up at run
/// time (as the thread-count setter in the CDNNL shim is). Without them the work runs serially.
enum OpenMPTeam {
    private typealias Body = @convention(c) (UnsafeMutableRawPointer?) -> Void
    private typealias Parallel = @convention(c) (Body, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void
    private typealias Query = @convention(c) () -> Int32

    private struct Runtime {
        let parallel: Parallel
        let threadNumber: Query
        let threadCount: Query
    }

    private static let runtime: Runtime? = {
        let handle = UnsafeMutableRawPointer(bitPattern: 0) // RTLD_DEFAULT
        guard let parallel = dlsym(handle, "GOMP_parallel"), let number = dlsym(handle, "omp_get_thread_num"),
              let count = dlsym(handle, "omp_get_num_threads") else { return nil }
        return Runtime(parallel: unsafeBitCast(parallel, to: Parallel.self),
                       threadNumber: unsafeBitCast(number, to: Query.self),
                       threadCount: unsafeBitCast(count, to: Query.self))
    }()

    private struct Job {
        let count: Int
        let alignment: Int
        let body: (Range<Int>) -> Void
        let threadNumber: Query
        let threadCount: Query
    }

    /// Calls `body` on disjoint chunks covering 0..<count, one per team thread (chunk starts are
    /// multiples of `alignment`), and returns when all are done. `body` must only write memory
    /// of its own chunk.
    static func forEachChunk(count: Int, alignment: Int = 64, _ body: (Range<Int>) -> Void) {
        guard let runtime, count >= 4 * alignment, DNNLContext.maxThreads > 1 else {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            var job = Job(count: count, alignment: alignment, body: body, threadNumber: runtime.threadNumber,
                          threadCount: runtime.threadCount)
            withUnsafeMutablePointer(to: &job) { pointer in
                runtime.parallel({ raw in
                    let job = raw!.assumingMemoryBound(to: Job.self).pointee
                    let threads = Int(job.threadCount()), thread = Int(job.threadNumber())
                    let blocks = (job.count + job.alignment - 1) / job.alignment
                    let start = min(blocks * thread / threads * job.alignment, job.count)
                    let end = min(blocks * (thread + 1) / threads * job.alignment, job.count)
                    if start < end { job.body(start..<end) }
                }, UnsafeMutableRawPointer(pointer), 0, 0)
            }
        }
    }
}
