import CDNNL

/// A oneDNN primitive and its descriptor, created once for one set of shapes and executed many times.
final class Primitive {
    let descriptor: dnnl_primitive_desc_t
    let primitive: dnnl_primitive_t
    unowned let context: DNNLContext

    /// `opDesc` points at an initialised op descriptor (convolution, eltwise, …).
    /// `hint` is the forward primitive for a backward one; `attributes` carries post-ops.
    convenience init(_ context: DNNLContext, opDesc: UnsafeRawPointer, hint: Primitive? = nil,
         attributes: PrimitiveAttributes? = nil, name: String) throws {
        var descriptor: dnnl_primitive_desc_t?
        try dnnlCheck(dnnl_primitive_desc_create(&descriptor, opDesc, attributes?.attributes, context.engine,
                                                 hint?.descriptor), "primitive_desc_create \(name)")
        try self.init(context, descriptor: descriptor!, name: name)
    }

    /// Takes ownership of a primitive descriptor (e.g. a reorder's).
    init(_ context: DNNLContext, descriptor: dnnl_primitive_desc_t, name: String) throws {
        var primitive: dnnl_primitive_t?
        let status = dnnl_primitive_create(&primitive, descriptor)
        if status != dnnl_success {
            dnnl_primitive_desc_destroy(descriptor)
            throw DNNLError(status: status, call: "primitive_create \(name)")
        }
        self.descriptor = descriptor
        self.primitive = primitive!
        self.context = context
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }

    /// Creates a primitive from an op descriptor built by `initialise`.
    static func make<Desc>(_ context: DNNLContext, _ desc: Desc, hint: Primitive? = nil,
                           attributes: PrimitiveAttributes? = nil, name: String,
                           _ initialise: (inout Desc) -> dnnl_status_t) throws -> Primitive {
        var desc = desc
        try dnnlCheck(initialise(&desc), "\(name) desc_init")
        return try withUnsafePointer(to: &desc) {
            try Primitive(context, opDesc: UnsafeRawPointer($0), hint: hint, attributes: attributes, name: name)
        }
    }

    /// The memory descriptor the primitive wants for an execution argument (src, weights, workspace…);
    /// nil when it takes no such argument.
    func memoryDescriptor(for arg: Int32) -> dnnl_memory_desc_t? {
        guard let md = dnnl_primitive_desc_query_md(descriptor, dnnl_query_exec_arg_md, arg)?.pointee,
              md.ndims > 0 else { return nil }
        return md
    }

    /// The implementation oneDNN chose (e.g. "jit:avx512_core", "gemm:jit"), for the bench's layer table.
    var implementationName: String {
        var name: UnsafePointer<CChar>?
        guard dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &name) == dnnl_success,
              let name else { return "?" }
        return String(cString: name)
    }

    /// The execution arguments whose memory descriptors describe how a primitive computes.
    static let layoutArguments = [DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_WEIGHTS,
                                 DNNL_ARG_DIFF_DST]

    /// One-off execution with an argument list (tests, conversions); hot paths use `Execution`.
    func execute(_ args: [(Int32, Tensor)]) {
        var execArgs = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1.memory) }
        dnnlMust(dnnl_primitive_execute(primitive, context.stream, Int32(execArgs.count), &execArgs), "primitive_execute")
    }
}

/// Primitive attributes: post-ops (a fused element-wise operation).
final class PrimitiveAttributes {
    let attributes: dnnl_primitive_attr_t

    init() throws {
        var attributes: dnnl_primitive_attr_t?
        try dnnlCheck(dnnl_primitive_attr_create(&attributes), "dnnl_primitive_attr_create")
        self.attributes = attributes!
    }

    deinit { dnnl_primitive_attr_destroy(attributes) }

    /// Appends an element-wise post-op `alg(alpha, beta)` applied to the primitive's output.
    static func eltwise(_ algorithm: dnnl_alg_kind_t, alpha: Float, beta: Float = 0) throws -> PrimitiveAttributes {
        let result = try PrimitiveAttributes()
        var postOps: dnnl_post_ops_t?
        try dnnlCheck(dnnl_post_ops_create(&postOps), "dnnl_post_ops_create")
        defer { dnnl_post_ops_destroy(postOps) }
        try dnnlCheck(dnnl_post_ops_append_eltwise(postOps, 1, algorithm, alpha, beta), "dnnl_post_ops_append_eltwise")
        try dnnlCheck(dnnl_primitive_attr_set_post_ops(result.attributes, postOps), "dnnl_primitive_attr_set_post_ops")
        return result
    }
}

/// What an execution is, for the profiler: which network and module, what kind of work, which pass.
struct ExecutionTag: Hashable, Sendable {
    enum Role: String, Sendable { case convolution, batchNorm, activation, reorder, weightReorder }
    enum Pass: String, Sendable { case forward, backwardData, backwardWeights }
    var network: String
    /// PyTorch module index in the network's `nn.Sequential` (−1 outside a network).
    var module: Int
    var layer: String
    var role: Role
    var pass: Pass
    /// Nominal floating-point operations of one execution (convolutions only).
    var flops: Double = 0

    static func standalone(_ layer: String, _ role: Role, _ pass: Pass) -> ExecutionTag {
        ExecutionTag(network: "", module: -1, layer: layer, role: role, pass: pass)
    }
}

/// A primitive bound once to its argument memories: executing it allocates nothing. Arguments
/// whose tensor changes between calls (a layer's input) are re-pointed with `bind`.
final class Execution {
    let primitive: Primitive
    let tag: ExecutionTag
    private let args: UnsafeMutablePointer<dnnl_exec_arg_t>
    private let argCount: Int
    /// The tensors bound, kept alive as long as the execution may use them.
    private var bound: [Tensor]

    init(_ primitive: Primitive, _ args: [(Int32, Tensor)], tag: ExecutionTag) {
        self.primitive = primitive
        self.tag = tag
        argCount = args.count
        self.args = .allocate(capacity: max(args.count, 1))
        for (i, (arg, tensor)) in args.enumerated() {
            (self.args + i).initialize(to: dnnl_exec_arg_t(arg: arg, memory: tensor.memory))
        }
        bound = args.map(\.1)
    }

    deinit { args.deallocate() }

    /// Re-points argument `arg` at `tensor` (which must have the layout the primitive was made for).
    @inline(__always)
    func bind(_ arg: Int32, _ tensor: Tensor) {
        for i in 0..<argCount where args[i].arg == arg {
            if args[i].memory != tensor.memory {
                args[i].memory = tensor.memory
                bound[i] = tensor
            }
            return
        }
        preconditionFailure("Execution.bind: argument \(arg) not bound")
    }

    @inline(__always)
    func run() {
        let context = primitive.context
        if let profiler = context.profiler {
            let start = profiler.now()
            dnnlMust(dnnl_primitive_execute(primitive.primitive, context.stream, Int32(argCount), args), "primitive_execute")
            profiler.record(tag, seconds: profiler.now() - start)
        } else {
            dnnlMust(dnnl_primitive_execute(primitive.primitive, context.stream, Int32(argCount), args), "primitive_execute")
        }
    }
}

/// A reorder between two layouts/data types, created once.
final class Reorder {
    let primitive: Primitive
    let source: dnnl_memory_desc_t
    let destination: dnnl_memory_desc_t

    init(_ context: DNNLContext, from source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t) throws {
        var src = source, dst = destination
        var descriptor: dnnl_primitive_desc_t?
        try dnnlCheck(dnnl_reorder_primitive_desc_create(&descriptor, &src, context.engine, &dst, context.engine, nil),
                      "reorder \(MemoryDescriptor.describe(source)) → \(MemoryDescriptor.describe(destination))")
        primitive = try Primitive(context, descriptor: descriptor!, name: "reorder")
        self.source = source
        self.destination = destination
    }

    /// A bound execution `from` → `to`.
    func execution(_ from: Tensor, _ to: Tensor, tag: ExecutionTag) -> Execution {
        Execution(primitive, [(DNNL_ARG_FROM, from), (DNNL_ARG_TO, to)], tag: tag)
    }

    /// One-off run.
    func run(_ from: Tensor, _ to: Tensor) {
        primitive.execute([(DNNL_ARG_FROM, from), (DNNL_ARG_TO, to)])
    }
}

/// Where a layer receives a tensor in a layout it does not compute in: converts it into its own
/// buffer (reorders created on first sight of each layout, then reused); a tensor already in the
/// wanted layout passes through untouched. The buffer is allocated on the first conversion (inside
/// a network most adapters never convert); executions are first bound to `placeholder`.
final class LayoutAdapter {
    let desc: dnnl_memory_desc_t
    let placeholder: Tensor
    private let context: DNNLContext
    private let tag: ExecutionTag
    private var buffer: Tensor?
    private var reorders: [(source: dnnl_memory_desc_t, execution: Execution)] = []

    init(_ context: DNNLContext, desc: dnnl_memory_desc_t, tag: ExecutionTag) throws {
        self.context = context
        self.desc = desc
        placeholder = try Tensor(context, placeholder: desc)
        self.tag = tag
    }

    /// The conversion buffer (allocated on first use).
    var target: Tensor {
        if let buffer { return buffer }
        let made = try! Tensor(context, desc: desc)
        buffer = made
        return made
    }

    func conform(_ x: Tensor) -> Tensor {
        if x.hasLayout(desc) { return x }
        let target = self.target
        for entry in reorders where x.hasLayout(entry.source) {
            entry.execution.bind(DNNL_ARG_FROM, x)
            entry.execution.run()
            return target
        }
        let reorder = try! Reorder(context, from: x.desc, to: desc)
        let execution = reorder.execution(x, target, tag: tag)
        reorders.append((x.desc, execution))
        execution.run()
        return target
    }
}

/// Dims for oneDNN's C API (`const dnnl_dims_t`, an array parameter), padded to DNNL_MAX_NDIMS.
/// An array, not the imported tuple: `&tuple.0` is only guaranteed to point at one element.
func dnnlDims(_ values: [Int]) -> [dnnl_dim_t] {
    values.map { dnnl_dim_t($0) } + Array(repeating: 0, count: max(0, Int(DNNL_MAX_NDIMS) - values.count))
}
