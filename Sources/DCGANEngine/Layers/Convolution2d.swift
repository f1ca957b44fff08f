import CDNNL

/// Conv2d and ConvTranspose2d without bias, square kernel k, stride s, padding p.
///   Conv2d:          x: (N, Cin, H, W) → y: (N, Cout, (H + 2p − k)/s + 1, …)
///   ConvTranspose2d: x: (N, Cin, H, W) → y: (N, Cout, (H − 1)·s − 2p + k, …)
/// Weights are PyTorch's layouts: Conv2d (Cout, Cin, k, k), ConvTranspose2d (Cin, Cout, k, k);
/// oneDNN's deconvolution with the `iohw` tag reads the latter as it is.
///
/// Layouts: each pass (forward, backward-data, backward-weights) takes the layouts for which
/// oneDNN has its best kernel: usually blocked (nChw16c) activations and blocked weights; for the
/// three-channel image layers some passes only have fast kernels with plain activations, and then
/// that pass gets them (an incoming tensor in another layout is converted once, on the way in).
/// The plain weights in the parameter buffer are reordered into each pass's layout (and data
/// type) after each change, and blocked weight gradients reordered back into the plain gradient
/// buffer, so the optimizer and checkpoints only ever see PyTorch's layouts.
/// An optional element-wise activation is fused into the forward pass as a post-op; its
/// backward (from the saved output) runs before the convolution's.
final class Convolution2d: Layer {
    enum Kind { case convolution, transposed }

    struct Options {
        /// Data type of the convolution's src, weights and dst (bf16: f32 weight gradients still).
        var dataType: dnnl_data_type_t = dnnl_f32
        /// Data type of the forward output (default `dataType`): float32 for the generator's image,
        /// so tanh and its gradient 1 − y² (which cancels near ±1) are computed in float32.
        var outputDataType: dnnl_data_type_t?
        /// Activation layout tried first for every pass.
        var layout: ConvolutionLayout = .any
        /// Return y in plain float32 (the discriminator's (N, 1, 1, 1) probabilities, read by the loss).
        var plainResult = false
        /// Return y and dL/dx in plain float32 (standalone layers, the tests).
        var plainOutputs = true
        var activation: Activation.Kind?
        var generation: WeightGeneration?
        var label = LayerLabel.standalone("conv")
        /// Weight gradients as a forward convolution with batch and channels swapped
        /// (`TransposedWeightGradient`); nil: where measured faster (layers with 16 or more
        /// channels on both sides whose smaller side is at most 8×8 in bf16, 4×4 in float32).
        var transposedWeightGradient: Bool?
        /// The layout inputs arrive in (inside a network: the previous layer's output); the
        /// backward-weights pass may read the input in it when that has the better kernel (the
        /// generator's last layer: gemm forward on plain data, jit weight gradient on blocked).
        var inputDesc: dnnl_memory_desc_t?
    }

    let outputShape: [Int]
    let outputDesc: dnnl_memory_desc_t
    /// False when a fused activation landed on a gemm-based forward kernel, whose post-ops are
    /// slow (measured: 6× the convolution's time for tanh on the generator's last layer); the
    /// network then builds the layer without it.
    let fusionPays: Bool
    let flops: Double
    private let options: Options
    private let inputAdapter: LayoutAdapter
    /// The input in the backward-weights pass's layout, when it differs from the forward's.
    private let weightsInputAdapter: LayoutAdapter?
    /// dL/dy as it arrives, in the layout of the fused activation's backward (or of the passes).
    private let gradientAdapter: LayoutAdapter
    /// dL/d(pre-activation) converted for the backward-data pass when it wants another layout.
    private let backwardDataGradientAdapter: LayoutAdapter?
    private let backwardWeightsGradientAdapter: LayoutAdapter?
    private let output: Tensor
    private let inputGradient: LazyTensor
    private let forward: Execution
    private let backwardData: Execution
    private let backwardWeights: Execution
    /// Reordered weight copies: the forward's, and the backward-data's when it wants another layout.
    private let weightCopies: [WeightCopy]
    private let forwardCopy: Int?
    private let backwardCopy: Int?
    private let gradientReorder: Execution?
    private let activationBackward: Execution?
    private let activationGradient: LazyTensor?
    private let plainOutputReorder: Execution?
    private let plainInputGradientReorder: Execution?
    private let returnedOutput: Tensor
    /// dL/dx reordered to plain float32 (standalone layers).
    private let plainInputGradient: LazyTensor?
    /// The blocked weight gradient before its reorder into the plain gradient buffer.
    private let gradientTarget: LazyTensor?
    private let kind: Kind
    /// The swapped weight-gradient pass: planned at construction, made on the first backward pass.
    private let transposedPlan: (() throws -> TransposedWeightGradient?)?
    private var transposedGradient: TransposedWeightGradient?
    private var transposedTried = false
    private let summaryParts: (input: String, output: String, implementations: String, regularWeights: String)
    /// The input of the last forward pass (in the forward's layout), for the weight gradient.
    private var savedInput: Tensor?

    private final class WeightCopy {
        let tensor: LazyTensor
        let reorder: Execution
        /// The copy this one is reordered from (same data type, another blocking), if any.
        let source: Int?
        var generation = -1
        init(tensor: LazyTensor, reorder: Execution, source: Int?) {
            self.tensor = tensor
            self.reorder = reorder
            self.source = source
        }
    }

    convenience init(_ context: DNNLContext, kind: Kind, inputShape: [Int], outChannels: Int, kernel: Int, stride: Int,
                     padding: Int, weight: Tensor, weightGradient: Tensor) throws {
        try self.init(context, kind: kind, inputShape: inputShape, outChannels: outChannels, kernel: kernel,
                      stride: stride, padding: padding, weight: weight, weightGradient: weightGradient, options: Options())
    }

    init(_ context: DNNLContext, kind: Kind, inputShape: [Int], outChannels: Int, kernel: Int, stride: Int,
         padding: Int, weight: Tensor, weightGradient: Tensor, options: Options) throws {
        let (n, inChannels, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let outH: Int, outW: Int
        switch kind {
        case .convolution:
            outH = (h + 2 * padding - kernel) / stride + 1
            outW = (w + 2 * padding - kernel) / stride + 1
            flops = 2.0 * Double(n * outChannels * outH * outW * inChannels * kernel * kernel)
        case .transposed:
            outH = (h - 1) * stride - 2 * padding + kernel
            outW = (w - 1) * stride - 2 * padding + kernel
            flops = 2.0 * Double(n * inChannels * h * w * outChannels * kernel * kernel)
        }
        outputShape = [n, outChannels, outH, outW]
        self.kind = kind
        self.options = options
        let label = options.label

        let geometry = Geometry(kind: kind, inputShape: inputShape, outputShape: outputShape, weightDims: weight.dims,
                                stride: stride, padding: padding,
                                attributes: try options.activation.map {
                                    try PrimitiveAttributes.eltwise($0.forwardAlgorithm, alpha: $0.alpha)
                                }, inputDesc: options.inputDesc)
        // bfloat16 where oneDNN has optimised bfloat16 kernels for all three passes, else float32.
        var types = [options.dataType]
        if options.dataType != dnnl_f32 { types.append(dnnl_f32) }
        var passes: Passes?
        for type in types {
            let outputType = type == dnnl_f32 ? dnnl_f32 : options.outputDataType ?? type
            let candidate = try (try? Passes(context, geometry, layout: options.layout, dataType: type, outputType: outputType))
                ?? Passes(context, geometry, layout: .any, dataType: type, outputType: outputType)
            if passes == nil || candidate.score < passes!.score { passes = candidate }
            if candidate.score == 0 { break }
        }
        let chosen = passes!
        fusionPays = options.activation == nil || !chosen.forward.implementationName.contains("gemm")
        let srcDesc = chosen.forward.memoryDescriptor(for: DNNL_ARG_SRC)!
        let dstDesc = chosen.forward.memoryDescriptor(for: DNNL_ARG_DST)!
        let dataDiffDst = chosen.backwardData.memoryDescriptor(for: DNNL_ARG_DIFF_DST)!
        let dataDiffSrc = chosen.backwardData.memoryDescriptor(for: DNNL_ARG_DIFF_SRC)!
        let weightsDiffDst = chosen.backwardWeights.memoryDescriptor(for: DNNL_ARG_DIFF_DST)!
        let forwardWeightDesc = chosen.forward.memoryDescriptor(for: DNNL_ARG_WEIGHTS)!
        let backwardWeightDesc = chosen.backwardData.memoryDescriptor(for: DNNL_ARG_WEIGHTS)!
        let gradientDesc = chosen.backwardWeights.memoryDescriptor(for: DNNL_ARG_DIFF_WEIGHTS)!

        inputAdapter = try LayoutAdapter(context, desc: srcDesc, tag: label.tag(.reorder, .forward))
        let weightsSrcDesc = chosen.backwardWeights.memoryDescriptor(for: DNNL_ARG_SRC)!
        weightsInputAdapter = MemoryDescriptor.equal(weightsSrcDesc, srcDesc) ? nil
            : try LayoutAdapter(context, desc: weightsSrcDesc, tag: label.tag(.reorder, .backwardWeights))
        output = try Tensor(context, desc: dstDesc)
        inputGradient = try LazyTensor(context, desc: dataDiffSrc)
        let plainY = options.plainOutputs || options.plainResult
        outputDesc = plainY ? try MemoryDescriptor.plain(dims: outputShape) : dstDesc

        // dL/dy arrives in the output's layout (or is converted to it); the fused activation's
        // backward turns it into dL/d(pre-activation); each pass then gets it in its layout.
        gradientAdapter = try LayoutAdapter(context, desc: dstDesc, tag: label.tag(.reorder, .backwardData))
        let preActivationGradient: Tensor
        if let activation = options.activation {
            var data = dstDesc
            let primitive = try Primitive.make(context, dnnl_eltwise_desc_t(), name: "eltwise bwd fused \(label.name)") {
                dnnl_eltwise_backward_desc_init(&$0, activation.algorithm, &data, &data, activation.alpha, 0)
            }
            let gradient = try LazyTensor(context, desc: dstDesc)
            activationBackward = Execution(primitive, [(DNNL_ARG_DST, output), (DNNL_ARG_DIFF_DST, gradientAdapter.placeholder),
                                                       (DNNL_ARG_DIFF_SRC, gradient.placeholder)],
                                           tag: label.tag(.activation, .backwardData))
            activationGradient = gradient
            preActivationGradient = gradient.placeholder
        } else {
            activationBackward = nil
            activationGradient = nil
            preActivationGradient = gradientAdapter.placeholder
        }
        backwardDataGradientAdapter = MemoryDescriptor.equal(dataDiffDst, dstDesc) ? nil
            : try LayoutAdapter(context, desc: dataDiffDst, tag: label.tag(.reorder, .backwardData))
        backwardWeightsGradientAdapter = MemoryDescriptor.equal(weightsDiffDst, dstDesc) ? nil
            : try LayoutAdapter(context, desc: weightsDiffDst, tag: label.tag(.reorder, .backwardWeights))

        // Weights: the parameter buffer's plain view, or reordered copies.
        var copies: [WeightCopy] = []
        // A second copy (the backward-data pass's blocking) is made from the first when both are
        // bfloat16: exact, and half the bytes read.
        func weightSource(_ desc: dnnl_memory_desc_t) throws -> (Tensor, Int?) {
            if weight.hasLayout(desc) { return (weight, nil) }
            if let index = copies.firstIndex(where: { MemoryDescriptor.equal($0.tensor.desc, desc) }) {
                return (copies[index].tensor.placeholder, index)
            }
            let copy = try LazyTensor(context, desc: desc)
            let source = copies.firstIndex { $0.tensor.desc.data_type == desc.data_type && desc.data_type != weight.desc.data_type }
            let from = source.map { copies[$0].tensor.placeholder } ?? weight
            let reorder = try Reorder(context, from: from.desc, to: desc)
                .execution(from, copy.placeholder, tag: label.tag(.weightReorder, .forward))
            copies.append(WeightCopy(tensor: copy, reorder: reorder, source: source))
            return (copy.placeholder, copies.count - 1)
        }
        let (forwardWeights, forwardCopy) = try weightSource(forwardWeightDesc)
        let (backwardWeightsTensor, backwardCopy) = try weightSource(backwardWeightDesc)
        weightCopies = copies
        self.forwardCopy = forwardCopy
        self.backwardCopy = backwardCopy

        if weightGradient.hasLayout(gradientDesc) {
            gradientTarget = nil
            gradientReorder = nil
        } else {
            let target = try LazyTensor(context, desc: gradientDesc)
            gradientTarget = target
            gradientReorder = try Reorder(context, from: gradientDesc, to: weightGradient.desc)
                .execution(target.placeholder, weightGradient, tag: label.tag(.weightReorder, .backwardWeights))
        }

        forward = Execution(chosen.forward, [(DNNL_ARG_SRC, inputAdapter.placeholder), (DNNL_ARG_WEIGHTS, forwardWeights),
                                             (DNNL_ARG_DST, output)],
                            tag: label.tag(.convolution, .forward, flops: flops))
        backwardData = Execution(chosen.backwardData,
                                 [(DNNL_ARG_DIFF_DST, backwardDataGradientAdapter?.placeholder ?? preActivationGradient),
                                  (DNNL_ARG_WEIGHTS, backwardWeightsTensor), (DNNL_ARG_DIFF_SRC, inputGradient.placeholder)],
                                 tag: label.tag(.convolution, .backwardData, flops: flops))
        backwardWeights = Execution(chosen.backwardWeights,
                                    [(DNNL_ARG_SRC, weightsInputAdapter?.placeholder ?? inputAdapter.placeholder),
                                     (DNNL_ARG_DIFF_DST, backwardWeightsGradientAdapter?.placeholder ?? preActivationGradient),
                                     (DNNL_ARG_DIFF_WEIGHTS, gradientTarget?.placeholder ?? weightGradient)],
                                    tag: label.tag(.convolution, .backwardWeights, flops: flops))

        if plainY, !output.isPlain {
            let plain = try Tensor(context, dims: outputShape)
            plainOutputReorder = try Reorder(context, from: dstDesc, to: plain.desc)
                .execution(output, plain, tag: label.tag(.reorder, .forward))
            returnedOutput = plain
        } else {
            plainOutputReorder = nil
            returnedOutput = output
        }
        if options.plainOutputs, !MemoryDescriptor.isPlainFloat(dataDiffSrc) {
            let plain = try LazyTensor(context, desc: MemoryDescriptor.plain(dims: inputShape))
            plainInputGradientReorder = try Reorder(context, from: dataDiffSrc, to: plain.desc)
                .execution(inputGradient.placeholder, plain.placeholder, tag: label.tag(.reorder, .backwardData))
            plainInputGradient = plain
        } else {
            plainInputGradientReorder = nil
            plainInputGradient = nil
        }
        // The weight gradient as a swapped forward convolution, where it is faster (see Options).
        let computeType = srcDesc.data_type
        let smallerSide = min(h * w, outH * outW)
        let applies = min(inChannels, outChannels) >= 16 && smallerSide > 1
        // (At 32×32 the swap's transposing reorders, ~3.8 ms a call, cost more than the faster
        // kernel saves, ~2 ms; measured, bf16, batch 64.)
        let pays = computeType == dnnl_bf16 ? smallerSide <= 64 : smallerSide <= 16
        if options.transposedWeightGradient ?? (applies && pays) {
            let (image, kernelTensor) = kind == .convolution ? (inputAdapter.placeholder, gradientAdapter.placeholder)
                                                             : (gradientAdapter.placeholder, inputAdapter.placeholder)
            let passFlops = flops
            transposedPlan = {
                try TransposedWeightGradient(context, kind: kind, image: image, kernel: kernelTensor, kernelSize: kernel,
                                             stride: stride, padding: padding, dataType: computeType,
                                             weightGradient: weightGradient, label: label, flops: passFlops)
            }
        } else {
            transposedPlan = nil
        }

        let describe = MemoryDescriptor.describe
        summaryParts = (
            describe(srcDesc), describe(dstDesc),
            "fwd \(chosen.forward.implementationName) w \(describe(forwardWeightDesc)); "
                + "bwd-d \(chosen.backwardData.implementationName) \(describe(dataDiffDst))→\(describe(dataDiffSrc)); bwd-w ",
            "\(chosen.backwardWeights.implementationName) \(describe(weightsSrcDesc)), dy \(describe(weightsDiffDst))")
    }

    var summary: LayerSummary {
        let weights: String
        if let transposedGradient {
            weights = "as forward \(transposedGradient.implementation)"
        } else if transposedPlan != nil && !transposedTried {
            weights = "as forward (made on the first backward pass)"
        } else {
            weights = summaryParts.regularWeights
        }
        return LayerSummary(module: options.label.module, name: options.label.name, input: summaryParts.input,
                            output: summaryParts.output, implementations: summaryParts.implementations + weights)
    }

    /// What a convolution computes, independent of layouts.
    private struct Geometry {
        let kind: Kind
        let inputShape: [Int]
        let outputShape: [Int]
        let weightDims: [Int]
        let stride: Int
        let padding: Int
        let attributes: PrimitiveAttributes?
        let inputDesc: dnnl_memory_desc_t?
    }

    /// The three primitives of one configuration, each pass with the best kernel among its layout
    /// candidates (jit kernels before gemm ones before reference ones).
    private struct Passes {
        let forward: Primitive
        let backwardData: Primitive
        let backwardWeights: Primitive
        /// 0: all jit; higher is worse.
        let score: Int

        /// A fixed ranking, not a timing (timings would make the choice, and so the numerics, differ
        /// from run to run): jit kernels first, then gemm ones, then jit kernels that pad a large
        /// few-channel activation to 16-channel blocks (measured on the three-channel image
        /// layers: 2–15× slower than gemm), reference kernels last.
        static func quality(_ primitive: Primitive) -> Int {
            let name = primitive.implementationName
            if name.hasPrefix("ref") { return 100 }
            if name.contains("gemm") { return 10 }
            let padded = [DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_DST].contains { arg in
                guard let desc = primitive.memoryDescriptor(for: arg) else { return false }
                let real = MemoryDescriptor.dims(desc).reduce(1, *) * 4
                let stored = withUnsafePointer(to: desc) { dnnl_memory_desc_get_size($0) }
                return stored >= 2 * real && stored >= 1 << 20
            }
            return padded ? 20 : 0
        }

        /// The first candidate with the best quality (nil when none can be made).
        static func best(_ candidates: [() throws -> Primitive]) -> Primitive? {
            var best: (Primitive, Int)?
            for make in candidates {
                guard let primitive = try? make() else { continue }
                let score = quality(primitive)
                if best == nil || score < best!.1 { best = (primitive, score) }
                if score == 0 { break }
            }
            return best?.0
        }

        init(_ context: DNNLContext, _ g: Geometry, layout: ConvolutionLayout, dataType: dnnl_data_type_t,
             outputType: dnnl_data_type_t) throws {
            let strides = dnnlDims([g.stride, g.stride])
            let pad = dnnlDims([g.padding, g.padding])
            let name = "\(g.kind) \(g.inputShape)→\(g.outputShape)"
            func desc(_ dims: [Int], _ tag: dnnl_format_tag_t, _ type: dnnl_data_type_t = dataType) throws -> dnnl_memory_desc_t {
                try MemoryDescriptor.make(dims: dims, dataType: type, tag: tag)
            }
            // An explicit layout is used for every pass; `any` tries oneDNN's choice, then plain.
            // (Channels-last was measured too: 2–5× slower than these for the three-channel layers.)
            let tags = layout == .any ? [ConvolutionLayout.any.tag, ConvolutionLayout.plain.tag] : [layout.tag]

            // Forward: (src, dst) layout pairs.
            var forwardCandidates: [() throws -> Primitive] = []
            for srcTag in tags {
                for dstTag in tags {
                    forwardCandidates.append {
                        var src = try desc(g.inputShape, srcTag), dst = try desc(g.outputShape, dstTag, outputType)
                        var weights = try desc(g.weightDims, dnnl_format_tag_any)
                        switch g.kind {
                        case .convolution:
                            return try Primitive.make(context, dnnl_convolution_desc_t(), attributes: g.attributes,
                                                      name: "conv fwd \(name)") {
                                dnnl_convolution_forward_desc_init(&$0, dnnl_forward_training, dnnl_convolution_direct, &src,
                                                                   &weights, nil, &dst, strides, pad, pad)
                            }
                        case .transposed:
                            return try Primitive.make(context, dnnl_deconvolution_desc_t(), attributes: g.attributes,
                                                      name: "deconv fwd \(name)") {
                                dnnl_deconvolution_forward_desc_init(&$0, dnnl_forward_training, dnnl_deconvolution_direct,
                                                                     &src, &weights, nil, &dst, strides, pad, pad)
                            }
                        }
                    }
                }
            }
            guard let forward = Passes.best(forwardCandidates) else {
                throw DNNLError(status: dnnl_unimplemented, call: "convolution forward \(name)")
            }
            let srcDesc = forward.memoryDescriptor(for: DNNL_ARG_SRC)!
            let dstDesc = forward.memoryDescriptor(for: DNNL_ARG_DST)!
            // Layout options of the backward passes: the forward's first, then the others.
            // (dL/dy in the compute type: a float32 output's gradient is converted on the way in.)
            let dstOptions: [dnnl_memory_desc_t] = [MemoryDescriptor.withDataType(dstDesc, dataType)]
                + (layout == .any ? try tags.map { try desc(g.outputShape, $0) } : [])
            let srcOptions: [dnnl_memory_desc_t] = [srcDesc] + (layout == .any ? try tags.map { try desc(g.inputShape, $0) } : [])

            // Backward weights: src is the saved input (the forward's layout, or the layout it
            // arrived in); dL/dy in any layout.
            var weightsSources = [srcDesc]
            if let arriving = g.inputDesc, arriving.data_type == dataType, !MemoryDescriptor.equal(arriving, srcDesc) {
                weightsSources.append(arriving)
            }
            var weightsCandidates: [() throws -> Primitive] = []
            for weightsSource in weightsSources {
            for diffDst in dstOptions {
                weightsCandidates.append {
                    var src = weightsSource, dst = diffDst
                    var gradient = try desc(g.weightDims, dnnl_format_tag_any, dnnl_f32)
                    switch g.kind {
                    case .convolution:
                        return try Primitive.make(context, dnnl_convolution_desc_t(), hint: forward, name: "conv bwd weights \(name)") {
                            dnnl_convolution_backward_weights_desc_init(&$0, dnnl_convolution_direct, &src, &gradient,
                                                                        nil, &dst, strides, pad, pad)
                        }
                    case .transposed:
                        return try Primitive.make(context, dnnl_deconvolution_desc_t(), hint: forward,
                                                  name: "deconv bwd weights \(name)") {
                            dnnl_deconvolution_backward_weights_desc_init(&$0, dnnl_deconvolution_direct, &src, &gradient,
                                                                          nil, &dst, strides, pad, pad)
                        }
                    }
                }
            }
            }
            // Backward data: dL/dy and dL/dx in any layouts.
            var dataCandidates: [() throws -> Primitive] = []
            for diffDst in dstOptions {
                for diffSrc in srcOptions {
                    dataCandidates.append {
                        var src = diffSrc, dst = diffDst
                        var weights = try desc(g.weightDims, dnnl_format_tag_any)
                        switch g.kind {
                        case .convolution:
                            return try Primitive.make(context, dnnl_convolution_desc_t(), hint: forward, name: "conv bwd data \(name)") {
                                dnnl_convolution_backward_data_desc_init(&$0, dnnl_convolution_direct, &src, &weights,
                                                                         &dst, strides, pad, pad)
                            }
                        case .transposed:
                            return try Primitive.make(context, dnnl_deconvolution_desc_t(), hint: forward,
                                                      name: "deconv bwd data \(name)") {
                                dnnl_deconvolution_backward_data_desc_init(&$0, dnnl_deconvolution_direct, &src, &weights,
                                                                           &dst, strides, pad, pad)
                            }
                        }
                    }
                }
            }
            guard let backwardWeights = Passes.best(weightsCandidates),
                  let backwardData = Passes.best(dataCandidates) else {
                throw DNNLError(status: dnnl_unimplemented, call: "convolution backward \(name)")
            }
            self.forward = forward
            self.backwardData = backwardData
            self.backwardWeights = backwardWeights
            score = Passes.quality(forward) + Passes.quality(backwardData) + Passes.quality(backwardWeights)
        }
    }

    /// Brings a reordered weight copy up to date with the parameter buffer; returns it.
    @discardableResult
    private func refresh(_ index: Int?) -> Tensor? {
        guard let index else { return nil }
        let copy = weightCopies[index]
        let tensor = copy.tensor.value
        if let source = refresh(copy.source) { copy.reorder.bind(DNNL_ARG_FROM, source) }
        copy.reorder.bind(DNNL_ARG_TO, tensor)
        if let generation = options.generation {
            if copy.generation == generation.value { return tensor }
            copy.generation = generation.value
        }
        copy.reorder.run()
        return tensor
    }

    func forward(_ x: Tensor) -> Tensor {
        // The input (x itself when it is already in the wanted layout) is kept for the weight gradient.
        let source = inputAdapter.conform(x)
        savedInput = source
        forward.bind(DNNL_ARG_SRC, source)
        backwardWeights.bind(DNNL_ARG_SRC, weightsInputAdapter?.conform(x) ?? source)
        if let weights = refresh(forwardCopy) { forward.bind(DNNL_ARG_WEIGHTS, weights) }
        forward.run()
        plainOutputReorder?.run()
        return returnedOutput
    }

    func backward(_ dy: Tensor, inputGradient wantInput: Bool, weightGradients: Bool) -> Tensor? {
        var gradient = gradientAdapter.conform(dy)
        if let activationBackward, let activationGradient {
            activationBackward.bind(DNNL_ARG_DIFF_DST, gradient)
            gradient = activationGradient.value
            activationBackward.bind(DNNL_ARG_DIFF_SRC, gradient)
            activationBackward.run()
        }
        if weightGradients, let transposedPlan, !transposedTried {
            transposedTried = true
            transposedGradient = try? transposedPlan()
        }
        if weightGradients, let transposedGradient, let savedInput {
            // The gradient is in the output's layout here, the input in the forward's: the
            // layouts the transposed pass was made for.
            if kind == .convolution {
                transposedGradient.run(image: savedInput, kernel: gradient)
            } else {
                transposedGradient.run(image: gradient, kernel: savedInput)
            }
        } else if weightGradients {
            let forWeights = backwardWeightsGradientAdapter?.conform(gradient) ?? gradient
            backwardWeights.bind(DNNL_ARG_DIFF_DST, forWeights)
            if let gradientTarget, let gradientReorder {
                backwardWeights.bind(DNNL_ARG_DIFF_WEIGHTS, gradientTarget.value)
                gradientReorder.bind(DNNL_ARG_FROM, gradientTarget.value)
                backwardWeights.run()
                gradientReorder.run()
            } else {
                backwardWeights.run()
            }
        }
        guard wantInput else { return nil }
        let forData = backwardDataGradientAdapter?.conform(gradient) ?? gradient
        backwardData.bind(DNNL_ARG_DIFF_DST, forData)
        if let weights = refresh(backwardCopy) { backwardData.bind(DNNL_ARG_WEIGHTS, weights) }
        let dx = inputGradient.value
        backwardData.bind(DNNL_ARG_DIFF_SRC, dx)
        backwardData.run()
        guard let plainInputGradient, let plainInputGradientReorder else { return dx }
        plainInputGradientReorder.bind(DNNL_ARG_FROM, dx)
        plainInputGradientReorder.bind(DNNL_ARG_TO, plainInputGradient.value)
        plainInputGradientReorder.run()
        return plainInputGradient.value
    }
}
