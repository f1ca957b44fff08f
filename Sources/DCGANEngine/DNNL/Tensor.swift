import CDNNL

/// A oneDNN memory with its logical dimensions (always PyTorch's order, e.g. (N, C, H, W)).
///
/// Most tensors Swift code touches are *plain*: float32, row-major, so `pointer` and `buffer` are
/// the data in PyTorch's order and losses, the optimizer and data loading read and write them
/// without copies. Activations inside a network may instead be in one of oneDNN's blocked layouts
/// (e.g. nChw16c) or in bfloat16, as the primitives prefer; `toArray()` and `copy(from:)` convert
/// through a reorder for those, while `pointer`/`buffer` are only meaningful for plain tensors.
/// The memory is either allocated by oneDNN or views an external buffer (a slice of a flat
/// parameter buffer).
public final class Tensor {
    public let dims: [Int]
    public let count: Int
    let memory: dnnl_memory_t
    let desc: dnnl_memory_desc_t
    /// True when the data is float32 in PyTorch's order: row-major, or the explicit plain tag the
    /// tensor was made with (a transposed convolution's weight view, `iohw`).
    public let isPlain: Bool
    private let context: DNNLContext
    /// The start of the data; valid as long as the tensor lives (and its external buffer, if any).
    /// Floats in PyTorch's order only when `isPlain`.
    public private(set) var pointer: UnsafeMutablePointer<Float>

    /// A plain float32 tensor with the format tag `tag` (default: row-major for its rank).
    /// With `external`, the tensor views that buffer instead of owning memory.
    convenience init(_ context: DNNLContext, dims: [Int], tag: dnnl_format_tag_t? = nil,
                     external: UnsafeMutablePointer<Float>? = nil) throws {
        let desc = try MemoryDescriptor.make(dims: dims, tag: tag ?? MemoryDescriptor.plainTag(rank: dims.count))
        try self.init(context, desc: desc, external: external.map { UnsafeMutableRawPointer($0) }, plain: true)
    }

    /// A tensor of any layout and data type, zero-filled (blocked layouts keep their padding zero).
    /// It counts as plain when it is float32 row-major (or when `plain` says its tag is PyTorch's order).
    init(_ context: DNNLContext, desc: dnnl_memory_desc_t, external: UnsafeMutableRawPointer? = nil,
         plain: Bool = false) throws {
        var desc = desc
        let rank = Int(desc.ndims)
        let dims = (0..<rank).map { Int(MemoryDescriptor.dim(desc, $0)) }
        self.dims = dims
        self.count = dims.reduce(1, *)
        self.context = context
        var memory: dnnl_memory_t?
        let handle = external ?? dcgan_dnnl_memory_allocate()
        try dnnlCheck(dnnl_memory_create(&memory, &desc, context.engine, handle), "dnnl_memory_create \(dims)")
        self.memory = memory!
        self.desc = desc
        isPlain = plain || MemoryDescriptor.isPlainFloat(desc)
        var data: UnsafeMutableRawPointer?
        try dnnlCheck(dnnl_memory_get_data_handle(memory, &data), "dnnl_memory_get_data_handle")
        self.pointer = data!.assumingMemoryBound(to: Float.self)
        if external == nil { data!.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount) }
    }

    /// A memory object of `desc` without a buffer: the initial binding of an execution argument
    /// that is re-pointed before every run (so buffers that are never needed are never allocated).
    init(_ context: DNNLContext, placeholder desc: dnnl_memory_desc_t) throws {
        var desc = desc
        dims = MemoryDescriptor.dims(desc)
        count = dims.reduce(1, *)
        self.context = context
        var memory: dnnl_memory_t?
        try dnnlCheck(dnnl_memory_create(&memory, &desc, context.engine, dcgan_dnnl_memory_none()), "dnnl_memory_create \(dims)")
        self.memory = memory!
        self.desc = desc
        isPlain = false
        pointer = UnsafeMutablePointer(bitPattern: MemoryLayout<Float>.alignment)! // never dereferenced
    }

    deinit { dnnl_memory_destroy(memory) }

    /// Bytes of the data, including any padding of a blocked layout.
    var byteCount: Int { withUnsafePointer(to: desc) { dnnl_memory_desc_get_size($0) } }

    static func plainTag(rank: Int) -> dnnl_format_tag_t { MemoryDescriptor.plainTag(rank: rank) }

    /// True when `other` has exactly this tensor's layout and data type.
    func hasLayout(_ other: dnnl_memory_desc_t) -> Bool { MemoryDescriptor.equal(desc, other) }

    /// Points this tensor at another external buffer of the same size (used to switch gradient slots).
    func rebind(to buffer: UnsafeMutablePointer<Float>) {
        dnnlMust(dnnl_memory_set_data_handle(memory, buffer), "dnnl_memory_set_data_handle")
        pointer = buffer
    }

    /// Points this tensor (a view) at another buffer holding data of its layout.
    func rebind(raw buffer: UnsafeMutableRawPointer) {
        guard buffer != UnsafeMutableRawPointer(pointer) else { return }
        dnnlMust(dnnl_memory_set_data_handle(memory, buffer), "dnnl_memory_set_data_handle")
        pointer = buffer.assumingMemoryBound(to: Float.self)
    }

    /// The data as floats in PyTorch's order; only for plain tensors.
    public var buffer: UnsafeMutableBufferPointer<Float> {
        precondition(isPlain, "Tensor.buffer of a \(MemoryDescriptor.describe(desc)) tensor: use toArray()")
        return UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    /// The values in PyTorch's order (converted from a blocked or bfloat16 layout when needed).
    public func toArray() -> [Float] {
        if isPlain { return Array(UnsafeBufferPointer(start: pointer, count: count)) }
        let plain = try! Tensor(context, dims: dims)
        plain.assign(from: self)
        return plain.toArray()
    }

    public func copy(from values: [Float]) {
        precondition(values.count == count, "Tensor.copy: \(values.count) values for \(dims)")
        if isPlain {
            values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
            return
        }
        let plain = try! Tensor(context, dims: dims)
        plain.copy(from: values)
        assign(from: plain)
    }

    public func copy(from other: Tensor) {
        precondition(other.count == count, "Tensor.copy: \(other.dims) into \(dims)")
        assign(from: other)
    }

    public func fill(_ value: Float) {
        if isPlain { pointer.update(repeating: value, count: count) } else { copy(from: Array(repeating: value, count: count)) }
    }

    /// Writes `source`'s values into this tensor, converting layout and data type (a one-off reorder;
    /// the hot paths keep theirs in `Reorder`).
    func assign(from source: Tensor) {
        if MemoryDescriptor.equal(desc, source.desc) {
            UnsafeMutableRawPointer(pointer).copyMemory(from: source.pointer, byteCount: byteCount)
            return
        }
        let reorder = try! Reorder(context, from: source.desc, to: desc)
        reorder.run(source, self)
    }
}

/// A tensor allocated on first use; until then executions are bound to its placeholder. For
/// buffers only the backward pass needs: graphs that only ever run forward (previews, quality
/// measurements, sampling, evaluation mode) never allocate them.
final class LazyTensor {
    let desc: dnnl_memory_desc_t
    let placeholder: Tensor
    private let context: DNNLContext
    private var made: Tensor?

    init(_ context: DNNLContext, desc: dnnl_memory_desc_t) throws {
        self.context = context
        self.desc = desc
        placeholder = try Tensor(context, placeholder: desc)
    }

    var value: Tensor {
        if let made { return made }
        let tensor = try! Tensor(context, desc: desc)
        made = tensor
        return tensor
    }
}

/// Helpers for `dnnl_memory_desc_t`.
enum MemoryDescriptor {
    static func make(dims: [Int], dataType: dnnl_data_type_t = dnnl_f32, tag: dnnl_format_tag_t) throws -> dnnl_memory_desc_t {
        var desc = dnnl_memory_desc_t()
        try dnnlCheck(dnnl_memory_desc_init_by_tag(&desc, Int32(dims.count), dnnlDims(dims), dataType, tag),
                      "dnnl_memory_desc_init_by_tag \(dims) \(tag)")
        return desc
    }

    /// "Let the primitive choose" (format `any`).
    static func any(dims: [Int], dataType: dnnl_data_type_t) throws -> dnnl_memory_desc_t {
        try make(dims: dims, dataType: dataType, tag: dnnl_format_tag_any)
    }

    static func plain(dims: [Int], dataType: dnnl_data_type_t = dnnl_f32) throws -> dnnl_memory_desc_t {
        try make(dims: dims, dataType: dataType, tag: plainTag(rank: dims.count))
    }

    static func plainTag(rank: Int) -> dnnl_format_tag_t {
        switch rank {
        case 1: return dnnl_a
        case 2: return dnnl_ab
        case 3: return dnnl_abc
        case 4: return dnnl_abcd
        default: preconditionFailure("Tensor: rank \(rank) not supported")
        }
    }

    static func dim(_ desc: dnnl_memory_desc_t, _ index: Int) -> dnnl_dim_t {
        withUnsafeBytes(of: desc.dims) { $0.load(fromByteOffset: index * MemoryLayout<dnnl_dim_t>.stride, as: dnnl_dim_t.self) }
    }

    static func dims(_ desc: dnnl_memory_desc_t) -> [Int] { (0..<Int(desc.ndims)).map { Int(dim(desc, $0)) } }

    static func equal(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
        withUnsafePointer(to: a) { pa in withUnsafePointer(to: b) { pb in dnnl_memory_desc_equal(pa, pb) == 1 } }
    }

    static func isPlainFloat(_ desc: dnnl_memory_desc_t) -> Bool {
        guard desc.data_type == dnnl_f32, desc.ndims >= 1, desc.ndims <= 4,
              let plain = try? plain(dims: dims(desc)) else { return false }
        return equal(desc, plain)
    }

    /// The same layout with another data type (strides and blocking kept).
    static func withDataType(_ desc: dnnl_memory_desc_t, _ dataType: dnnl_data_type_t) -> dnnl_memory_desc_t {
        var copy = desc
        copy.data_type = dataType
        return copy
    }

    /// A short human name: data type and layout in oneDNN's tag notation, e.g. "f32 abcd", "bf16 aBcd16b".
    static func describe(_ desc: dnnl_memory_desc_t) -> String {
        let type = desc.data_type == dnnl_bf16 ? "bf16" : desc.data_type == dnnl_f32 ? "f32" : "dt\(desc.data_type.rawValue)"
        guard desc.format_kind == dnnl_blocked else { return "\(type) kind\(desc.format_kind.rawValue)" }
        let rank = Int(desc.ndims)
        let blocking = desc.format_desc.blocking
        func entry(_ tuple: dnnl_dims_t, _ i: Int) -> Int {
            withUnsafeBytes(of: tuple) { Int($0.load(fromByteOffset: i * MemoryLayout<dnnl_dim_t>.stride, as: dnnl_dim_t.self)) }
        }
        let letters = Array("abcdef")
        let blocked = Set((0..<Int(blocking.inner_nblks)).map { entry(blocking.inner_idxs, $0) })
        // Outer dimensions by decreasing stride (ties keep the logical order).
        let order = (0..<rank).sorted { entry(blocking.strides, $0) > entry(blocking.strides, $1) }
        var name = order.map { blocked.contains($0) ? String(letters[$0]).uppercased() : String(letters[$0]) }.joined()
        for i in 0..<Int(blocking.inner_nblks) {
            name += "\(entry(blocking.inner_blks, i))\(letters[entry(blocking.inner_idxs, i)])"
        }
        return "\(type) \(name)"
    }
}
