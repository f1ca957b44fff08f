import CDNNL

/// Element-wise activations through oneDNN's eltwise primitive.
///   x: (N, C, H, W) → y: (N, C, H, W)
/// The backward pass uses the saved output (the `*_use_dst_for_bwd` variants), which is exact
/// for ReLU, LeakyReLU with a positive slope, tanh (1 − y²) and sigmoid (y(1 − y)).
final class Activation: Layer {
    enum Kind: Equatable {
        case relu
        case leakyReLU(slope: Float)
        case tanh
        case sigmoid

        var algorithm: dnnl_alg_kind_t {
            switch self {
            case .relu, .leakyReLU: return dnnl_eltwise_relu_use_dst_for_bwd
            case .tanh: return dnnl_eltwise_tanh_use_dst_for_bwd
            case .sigmoid: return dnnl_eltwise_logistic_use_dst_for_bwd
            }
        }

        var alpha: Float {
            if case .leakyReLU(let slope) = self { return slope }
            return 0
        }
    }

    private let output: Tensor
    private let inputGradient: Tensor
    private let forwardPrimitive: Primitive
    private let backwardPrimitive: Primitive

    init(_ context: DNNLContext, kind: Kind, shape: [Int]) throws {
        output = try Tensor(context, dims: shape)
        inputGradient = try Tensor(context, dims: shape)
        var dataDesc = output.desc
        let (algorithm, alpha) = (kind.algorithm, kind.alpha)
        forwardPrimitive = try Primitive.make(context, dnnl_eltwise_desc_t(), name: "eltwise fwd \(kind)") {
            dnnl_eltwise_forward_desc_init(&$0, dnnl_forward_training, algorithm, &dataDesc, alpha, 0)
        }
        backwardPrimitive = try Primitive.make(context, dnnl_eltwise_desc_t(), hint: forwardPrimitive,
                                               name: "eltwise bwd \(kind)") {
            dnnl_eltwise_backward_desc_init(&$0, algorithm, &dataDesc, &dataDesc, alpha, 0)
        }
    }

    func forward(_ x: Tensor) -> Tensor {
        forwardPrimitive.execute([(DNNL_ARG_SRC, x), (DNNL_ARG_DST, output)])
        return output
    }

    func backward(_ dy: Tensor, inputGradient wantInput: Bool, weightGradients: Bool) -> Tensor? {
        guard wantInput else { return nil }
        backwardPrimitive.execute([(DNNL_ARG_DST, output), (DNNL_ARG_DIFF_DST, dy), (DNNL_ARG_DIFF_SRC, inputGradient)])
        return inputGradient
    }
}
