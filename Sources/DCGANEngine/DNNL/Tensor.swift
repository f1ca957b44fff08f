import CDNNL

/// A oneDNN memory with its logical dimensions. Plain (row-major) layouts only here: the pointer
/// is the data in PyTorch's order, so Swift code (losses, optimizer, data loading) reads and
/// writes it without copies. The memory is either allocated by oneDNN or views an external buffer
/// (a slice of a flat parameter buffer).
public final class Tensor {
    public let dims: [Int]
    public let count: Int
    let memory: dnnl_memory_t
    var desc: dnnl_memory_desc_t
    /// The start of the data; valid as long as the tensor lives (and its external buffer, if any).
    public private(set) var pointer: UnsafeMutablePointer<Float>

    /// A plain tensor with the format tag `tag` (default: row-major for its rank).
    /// With `external`, the tensor views that buffer instead of owning memory.
    init(_ context: DNNLContext, dims: [Int], tag: dnnl_format_tag_t? = nil,
         external: UnsafeMutablePointer<Float>? = nil) throws {
        self.dims = dims
        self.count = dims.reduce(1, *)
        var desc = dnnl_memory_desc_t()
        let dimsArray = dnnlDims(dims)
        let formatTag = tag ?? Tensor.plainTag(rank: dims.count)
        try dnnlCheck(dnnl_memory_desc_init_by_tag(&desc, Int32(dims.count), dimsArray, dnnl_f32, formatTag),
                      "dnnl_memory_desc_init_by_tag \(dims)")
        var memory: dnnl_memory_t?
        let handle = external.map { UnsafeMutableRawPointer($0) } ?? dcgan_dnnl_memory_allocate()
        try dnnlCheck(dnnl_memory_create(&memory, &desc, context.engine, handle), "dnnl_memory_create \(dims)")
        self.memory = memory!
        self.desc = desc
        var data: UnsafeMutableRawPointer?
        try dnnlCheck(dnnl_memory_get_data_handle(memory, &data), "dnnl_memory_get_data_handle")
        self.pointer = data!.assumingMemoryBound(to: Float.self)
        if external == nil { pointer.update(repeating: 0, count: count) }
    }

    deinit { dnnl_memory_destroy(memory) }

    static func plainTag(rank: Int) -> dnnl_format_tag_t {
        switch rank {
        case 1: return dnnl_a
        case 2: return dnnl_ab
        case 3: return dnnl_abc
        case 4: return dnnl_abcd
        default: preconditionFailure("Tensor: rank \(rank) not supported")
        }
    }

    /// Points this tensor at another external buffer of the same size (used to switch gradient slots).
    func rebind(to buffer: UnsafeMutablePointer<Float>) {
        dnnlMust(dnnl_memory_set_data_handle(memory, buffer), "dnnl_memory_set_data_handle")
        pointer = buffer
    }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    public func toArray() -> [Float] { Array(buffer) }

    public func copy(from values: [Float]) {
        precondition(values.count == count, "Tensor.copy: \(values.count) values for \(dims)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    public func copy(from other: Tensor) {
        precondition(other.count == count, "Tensor.copy: \(other.dims) into \(dims)")
        pointer.update(from: other.pointer, count: count)
    }

    public func fill(_ value: Float) { pointer.update(repeating: value, count: count) }
}
