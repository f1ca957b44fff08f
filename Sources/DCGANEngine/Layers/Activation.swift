import CDNNL

/// Element-wise activations through oneDNN's eltwise primitive.
///   x: (N, C, H, W) → y: (N, C, H, W)
/// The backward pass uses the saved output (the `*_use_dst_for_bwd` variants), which is exact
/// for ReLU, LeakyReLU with a positive slope, tanh (1 − y²) and sigmoid (y(1 − y)).
/// It computes in the layout it is given (`dataDesc`, plain float32 by default), and may work in
/// place (y over x, dL/dx over dL/dy) inside a network, where nothing else reads those buffers.
final class Activation: Layer {
    enum Kind: Equatable {
        case relu
        case leakyReLU(slope: Float)
        case tanh
        case sigmoid

        /// The backward algorithm (from the output) and the forward one it pairs with.
        var algorithm: dnnl_alg_kind_t {
            switch self {
            case .relu, .leakyReLU: return dnnl_eltwise_relu_use_dst_for_bwd
            case .tanh: return dnnl_eltwise_tanh_use_dst_for_bwd
            case .sigmoid: return dnnl_eltwise_logistic_use_dst_for_bwd
            }
        }

        /// The same function as a convolution post-op (post-ops take the plain algorithms).
        var forwardAlgorithm: dnnl_alg_kind_t {
            switch self {
            case .relu, .leakyReLU: return dnnl_eltwise_relu
            case .tanh: return dnnl_eltwise_tanh
            case .sigmoid: return dnnl_eltwise_logistic
            }
        }

        var alpha: Float {
            if case .leakyReLU(let slope) = self { return slope }
            return 0
        }

        var name: String {
            switch self {
            case .relu: return "relu"
            case .leakyReLU: return "leaky"
            case .tanh: return "tanh"
            case .sigmoid: return "sigmoid"
            }
        }
    }

    let outputDesc: dnnl_memory_desc_t
    let summary: LayerSummary
    private let inPlace: Bool
    private let inputAdapter: LayoutAdapter
    private let gradientAdapter: LayoutAdapter
    private let output: Tensor
    private let inputGradient: LazyTensor
    private let forwardExecution: Execution
    private let backwardExecution: Execution

    convenience init(_ context: DNNLContext, kind: Kind, shape: [Int]) throws {
        try self.init(context, kind: kind, shape: shape, dataDesc: nil)
    }

    /// `dataDesc`: the layout to compute in (nil: plain float32, and plain results).
    /// `inPlace`: y overwrites the input buffer and dL/dx overwrites dL/dy, when those arrive in `dataDesc`.
    init(_ context: DNNLContext, kind: Kind, shape: [Int], dataDesc: dnnl_memory_desc_t?, inPlace: Bool = false,
         label: LayerLabel = .standalone("act")) throws {
        let plainDesc = try MemoryDescriptor.plain(dims: shape)
        var data = dataDesc ?? plainDesc
        self.inPlace = inPlace
        inputAdapter = try LayoutAdapter(context, desc: data, tag: label.tag(.reorder, .forward))
        gradientAdapter = try LayoutAdapter(context, desc: data, tag: label.tag(.reorder, .backwardData))
        // In place, y and dL/dx live in the incoming buffers: no buffers of its own.
        output = inPlace ? try Tensor(context, placeholder: data) : try Tensor(context, desc: data)
        inputGradient = try LazyTensor(context, desc: data)
        let (algorithm, alpha) = (kind.algorithm, kind.alpha)
        let forwardPrimitive = try Primitive.make(context, dnnl_eltwise_desc_t(), name: "eltwise fwd \(kind)") {
            dnnl_eltwise_forward_desc_init(&$0, dnnl_forward_training, algorithm, &data, alpha, 0)
        }
        let backwardPrimitive = try Primitive.make(context, dnnl_eltwise_desc_t(), hint: forwardPrimitive,
                                                   name: "eltwise bwd \(kind)") {
            dnnl_eltwise_backward_desc_init(&$0, algorithm, &data, &data, alpha, 0)
        }
        forwardExecution = Execution(forwardPrimitive, [(DNNL_ARG_SRC, inputAdapter.placeholder), (DNNL_ARG_DST, output)],
                                     tag: label.tag(.activation, .forward))
        backwardExecution = Execution(backwardPrimitive, [(DNNL_ARG_DST, output), (DNNL_ARG_DIFF_DST, gradientAdapter.placeholder),
                                                          (DNNL_ARG_DIFF_SRC, inputGradient.placeholder)],
                                      tag: label.tag(.activation, .backwardData))
        outputDesc = data
        summary = LayerSummary(module: label.module, name: label.name, input: MemoryDescriptor.describe(data),
                               output: MemoryDescriptor.describe(data), implementations: forwardPrimitive.implementationName)
    }

    func forward(_ x: Tensor) -> Tensor {
        let source = inputAdapter.conform(x)
        let destination = inPlace ? source : output
        forwardExecution.bind(DNNL_ARG_SRC, source)
        forwardExecution.bind(DNNL_ARG_DST, destination)
        backwardExecution.bind(DNNL_ARG_DST, destination)
        forwardExecution.run()
        return destination
    }

    func backward(_ dy: Tensor, inputGradient wantInput: Bool, weightGradients: Bool) -> Tensor? {
        guard wantInput else { return nil }
        let gradient = gradientAdapter.conform(dy)
        let destination = inPlace ? gradient : inputGradient.value
        backwardExecution.bind(DNNL_ARG_DIFF_DST, gradient)
        backwardExecution.bind(DNNL_ARG_DIFF_SRC, destination)
        backwardExecution.run()
        return destination
    }
}
