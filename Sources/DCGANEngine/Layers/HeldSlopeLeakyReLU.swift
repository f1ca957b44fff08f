import CDNNL

/// LeakyReLU whose slopes can be held: y = s ⊙ x with s = 1 where x > 0, else `slope`, and
/// s either taken from this pass's input (recording) or kept from the last recording pass (held).
///   x: (N, C, H, W) → y: (N, C, H, W)
/// For the R1 penalty's difference quotient (`GradientPenalty`): autograd differentiates a
/// LeakyReLU as if its slopes were constant, and a difference of passes at x ± h·g only agrees
/// with that when the slopes stay those of x (the kinks lie closer together than float32 resolves).
/// Element-wise in whatever float32 layout it is given (the padding of blocked layouts included,
/// which holds zeros); plain Swift loops: it runs only in R1's passes.
final class HeldSlopeLeakyReLU: Layer {
    let outputDesc: dnnl_memory_desc_t
    let summary: LayerSummary
    /// Whether `forward` keeps the slopes of the last recording pass.
    var holdsSlopes = false
    private let slope: Float
    private let inputAdapter: LayoutAdapter
    private let gradientAdapter: LayoutAdapter
    private let output: Tensor
    private let slopes: Tensor
    private let inputGradient: LazyTensor
    /// Floats in a buffer of this layout (padding included).
    private let elementCount: Int

    init(_ context: DNNLContext, slope: Float, dataDesc: dnnl_memory_desc_t, label: LayerLabel) throws {
        precondition(dataDesc.data_type == dnnl_f32, "HeldSlopeLeakyReLU computes in float32 only")
        self.slope = slope
        inputAdapter = try LayoutAdapter(context, desc: dataDesc, tag: label.tag(.reorder, .forward))
        gradientAdapter = try LayoutAdapter(context, desc: dataDesc, tag: label.tag(.reorder, .backwardData))
        output = try Tensor(context, desc: dataDesc)
        slopes = try Tensor(context, desc: dataDesc)
        inputGradient = try LazyTensor(context, desc: dataDesc)
        elementCount = output.byteCount / MemoryLayout<Float>.stride
        outputDesc = dataDesc
        let layout = MemoryDescriptor.describe(dataDesc)
        summary = LayerSummary(module: label.module, name: label.name + " (held slopes)", input: layout, output: layout,
                               implementations: "swift")
    }

    func forward(_ x: Tensor) -> Tensor {
        let source = inputAdapter.conform(x).pointer, s = slopes.pointer, y = output.pointer
        if !holdsSlopes {
            for i in 0..<elementCount { s[i] = source[i] > 0 ? 1 : slope }
        }
        for i in 0..<elementCount { y[i] = source[i] * s[i] }
        return output
    }

    func backward(_ dy: Tensor, inputGradient wantInput: Bool, weightGradients: Bool) -> Tensor? {
        guard wantInput else { return nil }
        let gradient = gradientAdapter.conform(dy).pointer, s = slopes.pointer
        let destination = inputGradient.value, dx = destination.pointer
        for i in 0..<elementCount { dx[i] = gradient[i] * s[i] }
        return destination
    }
}
