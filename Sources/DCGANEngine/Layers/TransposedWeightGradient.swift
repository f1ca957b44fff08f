import CDNNL

/// dL/dW of a strided convolution (or transposed convolution) computed as a *forward*
/// convolution with the batch and channel axes swapped, because oneDNN 2.6's forward kernels are
/// faster than its backward-weights kernels for these shapes (measured, batch 64, bf16: 283 →
/// 531 GFLOP/s for 256→512 at 8×8, 354 → 514 at 16×16, 403 → 492 at 32×32; float32 only at 8×8,
/// 225 → 268).
///
/// For a convolution with stride s and padding p, image X (N, C, H, W) and output gradient
/// dY (N, O, h, w):
///   dW[o, c, ky, kx] = Σ_n Σ_{y,x} dY[n, o, y, x] · X[n, c, s·y + ky − p, s·x + kx − p],
/// which is a convolution of X' = X as (C, N, H, W) (batch C, channels N) with the kernel
/// dY' = dY as (O, N, h, w), dilated by s, stride 1, padding p: its output (C, O, k, k) is dWᵀ.
/// A transposed convolution's weight gradient has the same form with the roles of its input and
/// output swapped (image: dL/dy, kernel: x), and its output (Cout, Cin, k, k) is oneDNN's
/// logical layout of that weight already.
/// The swapped views are memory descriptors over the tensors' own buffers (no copy); two
/// reorders bring them into the kernel's blocked layouts, one reorder writes the plain gradient.
final class TransposedWeightGradient {
    let implementation: String
    private let imageView: Tensor
    private let kernelView: Tensor
    private let toSource: Execution
    private let toWeights: Execution
    private let convolution: Execution
    private let toGradient: Execution

    /// `image`, `kernel`: tensors (or placeholders) in the layouts the runs will pass; each run
    /// points the swapped views at the buffers it is given. nil when oneDNN has no optimised kernel.
    init?(_ context: DNNLContext, kind: Convolution2d.Kind, image: Tensor, kernel: Tensor, kernelSize k: Int,
          stride: Int, padding: Int, dataType: dnnl_data_type_t, weightGradient: Tensor, label: LayerLabel,
          flops: Double) throws {
        let swap: [Int32] = [1, 0, 2, 3]
        func swapped(_ desc: dnnl_memory_desc_t) throws -> dnnl_memory_desc_t {
            var input = desc, output = dnnl_memory_desc_t()
            try dnnlCheck(dnnl_memory_desc_permute_axes(&output, &input, swap), "dnnl_memory_desc_permute_axes")
            return output
        }
        let imageDims = [image.dims[1], image.dims[0], image.dims[2], image.dims[3]]
        let kernelDims = [kernel.dims[1], kernel.dims[0], kernel.dims[2], kernel.dims[3]]
        let outputDims = [imageDims[0], kernelDims[0], k, k]
        imageView = try Tensor(context, placeholder: swapped(image.desc))
        kernelView = try Tensor(context, placeholder: swapped(kernel.desc))

        var src = try MemoryDescriptor.any(dims: imageDims, dataType: dataType)
        var weights = try MemoryDescriptor.any(dims: kernelDims, dataType: dataType)
        var dst = try MemoryDescriptor.any(dims: outputDims, dataType: dnnl_f32)
        let (size, span) = (imageDims[2], kernelDims[2])
        let rightPadding = k - size - padding + (span - 1) * stride
        let primitive = try Primitive.make(context, dnnl_convolution_desc_t(), name: "weight gradient as forward \(label.name)") {
            dnnl_dilated_convolution_forward_desc_init(&$0, dnnl_forward_training, dnnl_convolution_direct, &src, &weights,
                                                       nil, &dst, dnnlDims([1, 1]), dnnlDims([stride - 1, stride - 1]),
                                                       dnnlDims([padding, padding]), dnnlDims([rightPadding, rightPadding]))
        }
        implementation = primitive.implementationName
        guard implementation.hasPrefix("jit") || implementation.hasPrefix("brg") else { return nil }
        let source = try Tensor(context, desc: primitive.memoryDescriptor(for: DNNL_ARG_SRC)!)
        let kernelWeights = try Tensor(context, desc: primitive.memoryDescriptor(for: DNNL_ARG_WEIGHTS)!)
        let output = try Tensor(context, desc: primitive.memoryDescriptor(for: DNNL_ARG_DST)!)
        let reorderTag = label.tag(.reorder, .backwardWeights)
        toSource = try Reorder(context, from: imageView.desc, to: source.desc).execution(imageView, source, tag: reorderTag)
        toWeights = try Reorder(context, from: kernelView.desc, to: kernelWeights.desc)
            .execution(kernelView, kernelWeights, tag: reorderTag)
        convolution = Execution(primitive, [(DNNL_ARG_SRC, source), (DNNL_ARG_WEIGHTS, kernelWeights), (DNNL_ARG_DST, output)],
                                tag: label.tag(.convolution, .backwardWeights, flops: flops))
        // A convolution's gradient is (O, C, k, k): the output (C, O, k, k) seen swapped. A
        // transposed convolution's is (Cout, Cin, k, k): the output as it is.
        let result = kind == .convolution
            ? try Tensor(context, desc: swapped(output.desc), external: UnsafeMutableRawPointer(output.pointer))
            : output
        toGradient = try Reorder(context, from: result.desc, to: weightGradient.desc)
            .execution(result, weightGradient, tag: label.tag(.weightReorder, .backwardWeights))
    }

    /// Writes dL/dW into the weight gradient buffer. `image` and `kernel` must have the layouts
    /// given at construction (a convolution: x and dL/dy; a transposed one: dL/dy and x).
    func run(image: Tensor, kernel: Tensor) {
        imageView.rebind(raw: UnsafeMutableRawPointer(image.pointer))
        kernelView.rebind(raw: UnsafeMutableRawPointer(kernel.pointer))
        toSource.run()
        toWeights.run()
        convolution.run()
        toGradient.run()
    }
}
