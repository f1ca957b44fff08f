import CDNNL


/// A named learnable tensor: its PyTorch state-dict name, PyTorch shape and place in the flat buffer.
public struct ParameterInfo: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
}

/// All learnable parameters of one network in a single flat buffer (so the optimizer is one pass),
/// with oneDNN tensors viewing each parameter and its gradient. The gradient has one or more
/// slots: the discriminator keeps its real-batch and fake-batch gradients apart, and Adam sums them.
public final class ParameterStore {
    public let parameters: [ParameterInfo]
    public let values: UnsafeMutableBufferPointer<Float>
    let gradientSlots: [UnsafeMutableBufferPointer<Float>]
    /// oneDNN views, in `parameters` order.
    let valueTensors: [Tensor]
    let gradientTensors: [Tensor]
    public private(set) var selectedSlot = 0

    /// `layouts` gives, per parameter, the oneDNN logical dims and format tag of its view.
    init(_ context: DNNLContext, parameters: [(name: String, shape: [Int], view: TensorView)], gradientSlots: Int) throws {
        var infos: [ParameterInfo] = []
        var offset = 0
        for p in parameters {
            infos.append(ParameterInfo(name: p.name, shape: p.shape, offset: offset))
            offset += p.shape.reduce(1, *)
        }
        self.parameters = infos
        values = .allocate(capacity: offset)
        values.initialize(repeating: 0)
        self.gradientSlots = (0..<gradientSlots).map { _ in
            let slot = UnsafeMutableBufferPointer<Float>.allocate(capacity: offset)
            slot.initialize(repeating: 0)
            return slot
        }
        var valueTensors: [Tensor] = [], gradientTensors: [Tensor] = []
        for (info, p) in zip(infos, parameters) {
            valueTensors.append(try Tensor(context, dims: p.view.dims, tag: p.view.tag,
                                           external: values.baseAddress! + info.offset))
            gradientTensors.append(try Tensor(context, dims: p.view.dims, tag: p.view.tag,
                                              external: self.gradientSlots[0].baseAddress! + info.offset))
        }
        self.valueTensors = valueTensors
        self.gradientTensors = gradientTensors
    }

    deinit {
        values.deallocate()
        gradientSlots.forEach { $0.deallocate() }
    }

    public var count: Int { values.count }

    /// Makes backward passes write their weight gradients into slot `slot`.
    public func selectGradientSlot(_ slot: Int) {
        guard slot != selectedSlot else { return }
        for (info, tensor) in zip(parameters, gradientTensors) {
            tensor.rebind(to: gradientSlots[slot].baseAddress! + info.offset)
        }
        selectedSlot = slot
    }

    public func gradient(slot: Int) -> UnsafeMutableBufferPointer<Float> { gradientSlots[slot] }

    public func index(of name: String) -> Int? { parameters.firstIndex { $0.name == name } }

    /// The values of one parameter, in PyTorch's layout.
    public func values(of index: Int) -> UnsafeMutableBufferPointer<Float> {
        let info = parameters[index]
        return UnsafeMutableBufferPointer(rebasing: values[info.offset..<(info.offset + info.count)])
    }
}

/// How oneDNN sees a parameter: logical dims and format tag (e.g. a transposed convolution's
/// PyTorch weight (Cin, Cout, k, k) is oneDNN's (Cout, Cin, k, k) in `iohw`).
struct TensorView {
    let dims: [Int]
    let tag: dnnl_format_tag_t
}
