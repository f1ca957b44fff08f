import CDNNL

/// A oneDNN primitive and its descriptor, created once for one set of shapes and executed many times.
final class Primitive {
    let descriptor: dnnl_primitive_desc_t
    let primitive: dnnl_primitive_t
    private unowned let context: DNNLContext

    /// `opDesc` points at an initialised op descriptor (convolution, eltwise, …).
    /// `hint` is the forward primitive for a backward one.
    init(_ context: DNNLContext, opDesc: UnsafeRawPointer, hint: Primitive? = nil, name: String) throws {
        var descriptor: dnnl_primitive_desc_t?
        try dnnlCheck(dnnl_primitive_desc_create(&descriptor, opDesc, nil, context.engine,
                                                 hint?.descriptor), "primitive_desc_create \(name)")
        var primitive: dnnl_primitive_t?
        let status = dnnl_primitive_create(&primitive, descriptor)
        if status != dnnl_success {
            dnnl_primitive_desc_destroy(descriptor)
            throw DNNLError(status: status, call: "primitive_create \(name)")
        }
        self.descriptor = descriptor!
        self.primitive = primitive!
        self.context = context
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }

    /// Creates a primitive from an op descriptor built by `initialise`.
    static func make<Desc>(_ context: DNNLContext, _ desc: Desc, hint: Primitive? = nil, name: String,
                           _ initialise: (inout Desc) -> dnnl_status_t) throws -> Primitive {
        var desc = desc
        try dnnlCheck(initialise(&desc), "\(name) desc_init")
        return try withUnsafePointer(to: &desc) { try Primitive(context, opDesc: UnsafeRawPointer($0), hint: hint, name: name) }
    }

    /// The memory descriptor the primitive wants for an execution argument (e.g. workspace).
    func memoryDescriptor(for arg: Int32) -> dnnl_memory_desc_t? {
        dnnl_primitive_desc_query_md(descriptor, dnnl_query_exec_arg_md, arg)?.pointee
    }

    func execute(_ args: [(Int32, Tensor)]) {
        var execArgs: [dnnl_exec_arg_t] = []
        execArgs.reserveCapacity(args.count)
        for (arg, tensor) in args { execArgs.append(dnnl_exec_arg_t(arg: arg, memory: tensor.memory)) }
        dnnlMust(dnnl_primitive_execute(primitive, context.stream, Int32(execArgs.count), &execArgs), "primitive_execute")
    }
}

/// Dims for oneDNN's C API (`const dnnl_dims_t`, an array parameter), padded to DNNL_MAX_NDIMS.
/// An array, not the imported tuple: `&tuple.0` is only guaranteed to point at one element.
func dnnlDims(_ values: [Int]) -> [dnnl_dim_t] {
    values.map { dnnl_dim_t($0) } + Array(repeating: 0, count: max(0, Int(DNNL_MAX_NDIMS) - values.count))
}
