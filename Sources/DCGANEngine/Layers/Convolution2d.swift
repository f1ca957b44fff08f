import CDNNL

/// Conv2d and ConvTranspose2d without bias, square kernel k, stride s, padding p.
///   Conv2d:          x: (N, Cin, H, W) → y: (N, Cout, (H + 2p − k)/s + 1, …)
///   ConvTranspose2d: x: (N, Cin, H, W) → y: (N, Cout, (H − 1)·s − 2p + k, …)
/// Weights are PyTorch's layouts: Conv2d (Cout, Cin, k, k), ConvTranspose2d (Cin, Cout, k, k);
/// oneDNN's deconvolution with the `iohw` tag reads the latter as it is.
final class Convolution2d: Layer {
    enum Kind { case convolution, transposed }

    let outputShape: [Int]
    private let weight: Tensor
    private let weightGradient: Tensor
    private let output: Tensor
    private let inputGradient: Tensor
    private let forwardPrimitive: Primitive
    private let backwardDataPrimitive: Primitive
    private let backwardWeightsPrimitive: Primitive
    private var input: Tensor?

    init(_ context: DNNLContext, kind: Kind, inputShape: [Int], outChannels: Int, kernel: Int, stride: Int,
         padding: Int, weight: Tensor, weightGradient: Tensor) throws {
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        let outH: Int, outW: Int
        switch kind {
        case .convolution:
            outH = (h + 2 * padding - kernel) / stride + 1
            outW = (w + 2 * padding - kernel) / stride + 1
        case .transposed:
            outH = (h - 1) * stride - 2 * padding + kernel
            outW = (w - 1) * stride - 2 * padding + kernel
        }
        outputShape = [n, outChannels, outH, outW]
        self.weight = weight
        self.weightGradient = weightGradient
        output = try Tensor(context, dims: outputShape)
        inputGradient = try Tensor(context, dims: inputShape)

        var srcDesc = inputGradient.desc
        var weightDesc = weight.desc
        var dstDesc = output.desc
        let strides = dnnlDims([stride, stride])
        let pad = dnnlDims([padding, padding])
        let label = "\(kind) \(inputShape)→\(outputShape)"
        switch kind {
        case .convolution:
            forwardPrimitive = try Primitive.make(context, dnnl_convolution_desc_t(), name: "conv fwd \(label)") {
                dnnl_convolution_forward_desc_init(&$0, dnnl_forward_training, dnnl_convolution_direct, &srcDesc,
                                                   &weightDesc, nil, &dstDesc, strides, pad, pad)
            }
            backwardDataPrimitive = try Primitive.make(context, dnnl_convolution_desc_t(), hint: forwardPrimitive,
                                                       name: "conv bwd data \(label)") {
                dnnl_convolution_backward_data_desc_init(&$0, dnnl_convolution_direct, &srcDesc, &weightDesc,
                                                         &dstDesc, strides, pad, pad)
            }
            backwardWeightsPrimitive = try Primitive.make(context, dnnl_convolution_desc_t(), hint: forwardPrimitive,
                                                          name: "conv bwd weights \(label)") {
                dnnl_convolution_backward_weights_desc_init(&$0, dnnl_convolution_direct, &srcDesc, &weightDesc,
                                                            nil, &dstDesc, strides, pad, pad)
            }
        case .transposed:
            forwardPrimitive = try Primitive.make(context, dnnl_deconvolution_desc_t(), name: "deconv fwd \(label)") {
                dnnl_deconvolution_forward_desc_init(&$0, dnnl_forward_training, dnnl_deconvolution_direct, &srcDesc,
                                                     &weightDesc, nil, &dstDesc, strides, pad, pad)
            }
            backwardDataPrimitive = try Primitive.make(context, dnnl_deconvolution_desc_t(), hint: forwardPrimitive,
                                                       name: "deconv bwd data \(label)") {
                dnnl_deconvolution_backward_data_desc_init(&$0, dnnl_deconvolution_direct, &srcDesc, &weightDesc,
                                                           &dstDesc, strides, pad, pad)
            }
            backwardWeightsPrimitive = try Primitive.make(context, dnnl_deconvolution_desc_t(), hint: forwardPrimitive,
                                                          name: "deconv bwd weights \(label)") {
                dnnl_deconvolution_backward_weights_desc_init(&$0, dnnl_deconvolution_direct, &srcDesc, &weightDesc,
                                                              nil, &dstDesc, strides, pad, pad)
            }
        }
    }

    func forward(_ x: Tensor) -> Tensor {
        input = x
        forwardPrimitive.execute([(DNNL_ARG_SRC, x), (DNNL_ARG_WEIGHTS, weight), (DNNL_ARG_DST, output)])
        return output
    }

    func backward(_ dy: Tensor, inputGradient wantInput: Bool, weightGradients: Bool) -> Tensor? {
        guard let input else { preconditionFailure("Convolution2d.backward before forward") }
        if weightGradients {
            backwardWeightsPrimitive.execute([(DNNL_ARG_SRC, input), (DNNL_ARG_DIFF_DST, dy),
                                              (DNNL_ARG_DIFF_WEIGHTS, weightGradient)])
        }
        guard wantInput else { return nil }
        backwardDataPrimitive.execute([(DNNL_ARG_DIFF_DST, dy), (DNNL_ARG_WEIGHTS, weight),
                                       (DNNL_ARG_DIFF_SRC, inputGradient)])
        return inputGradient
    }
}
