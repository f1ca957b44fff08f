import CDNNL

/// Running statistics of one BatchNorm2d, shared by all batch sizes and modes of a network
/// (PyTorch's buffers `running_mean`, `running_var`, `num_batches_tracked`).
final class BatchNormStatistics {
    let runningMean: Tensor
    let runningVariance: Tensor
    var batchesTracked: Int64 = 0
    /// The weight of a batch in the running statistics; nil: a plain average of all batches since
    /// the last reset (PyTorch's `momentum=None`, factor 1 / num_batches_tracked).
    var momentum: Float? = BatchNorm2d.momentum

    init(_ context: DNNLContext, channels: Int) throws {
        runningMean = try Tensor(context, dims: [channels])
        runningVariance = try Tensor(context, dims: [channels])
        runningVariance.fill(1)
    }

    /// PyTorch's `reset_running_stats`: mean 0, variance 1, no batches.
    func reset() {
        runningMean.fill(0)
        runningVariance.fill(1)
        batchesTracked = 0
    }
}

/// BatchNorm2d with affine scale (γ) and shift (β), eps 1e-5, momentum 0.1, as PyTorch's.
///   x: (N, C, H, W) → y: (N, C, H, W)
/// Training: normalises with the batch mean and biased variance, and updates the running
/// statistics with the unbiased variance. Evaluation: normalises with the running statistics.
/// It computes in the layout it is given (`dataDesc`: blocked or bfloat16 data inside a network;
/// the statistics, γ and β are always float32). With `fuseReLU` it is BatchNorm2d followed by
/// ReLU in one pass (oneDNN's fused kernel; the backward pass reads the ReLU mask from a workspace).
final class BatchNorm2d: Layer {
    static let epsilon: Float = 1e-5
    static let momentum: Float = 0.1

    let outputDesc: dnnl_memory_desc_t
    let summary: LayerSummary
    private let training: Bool
    private let statistics: BatchNormStatistics
    private let batchMean: Tensor, batchVariance: Tensor
    private let inputAdapter: LayoutAdapter
    private let gradientAdapter: LayoutAdapter
    private let output: Tensor
    private let inputGradient: LazyTensor
    private let forwardExecution: Execution
    /// dL/dx with dγ and dβ (oneDNN 2.6 has no data-only pass with scale and shift; dγ and dβ
    /// are the same reductions dx needs anyway).
    private let backwardExecution: Execution?
    /// Elements per channel: N·H·W, for the unbiased variance.
    private let reductionSize: Int
    /// Where dγ and dβ go: the parameters' gradient, or (for a pass that only wants dL/dx) scratch,
    /// so such a pass leaves the selected gradient slot alone.
    private let scaleGradient: Tensor, shiftGradient: Tensor
    private let discardedScaleGradient: LazyTensor, discardedShiftGradient: LazyTensor

    convenience init(_ context: DNNLContext, shape: [Int], training: Bool, scale: Tensor, shift: Tensor,
                     scaleGradient: Tensor, shiftGradient: Tensor, statistics: BatchNormStatistics) throws {
        try self.init(context, shape: shape, training: training, scale: scale, shift: shift,
                      scaleGradient: scaleGradient, shiftGradient: shiftGradient, statistics: statistics, dataDesc: nil)
    }

    init(_ context: DNNLContext, shape: [Int], training: Bool, scale: Tensor, shift: Tensor,
         scaleGradient: Tensor, shiftGradient: Tensor, statistics: BatchNormStatistics,
         dataDesc: dnnl_memory_desc_t?, fuseReLU: Bool = false, label: LayerLabel = .standalone("bn")) throws {
        let channels = shape[1]
        self.training = training
        self.scaleGradient = scaleGradient
        self.shiftGradient = shiftGradient
        discardedScaleGradient = try LazyTensor(context, desc: MemoryDescriptor.plain(dims: [channels]))
        discardedShiftGradient = try LazyTensor(context, desc: MemoryDescriptor.plain(dims: [channels]))
        self.statistics = statistics
        reductionSize = shape[0] * shape[2] * shape[3]
        batchMean = try Tensor(context, dims: [channels])
        batchVariance = try Tensor(context, dims: [channels])
        var data = try dataDesc ?? MemoryDescriptor.plain(dims: shape)
        inputAdapter = try LayoutAdapter(context, desc: data, tag: label.tag(.reorder, .forward))
        gradientAdapter = try LayoutAdapter(context, desc: data, tag: label.tag(.reorder, .backwardData))
        output = try Tensor(context, desc: data)
        inputGradient = try LazyTensor(context, desc: data)
        outputDesc = data
        let fuse = fuseReLU ? dnnl_fuse_norm_relu.rawValue : 0
        let affine = dnnl_use_scale.rawValue | dnnl_use_shift.rawValue | fuse
        let eps = BatchNorm2d.epsilon
        let name = label.name + (fuseReLU ? "+relu" : "")
        let source = inputAdapter.placeholder
        if training {
            let forward = try Primitive.make(context, dnnl_batch_normalization_desc_t(), name: "bn fwd train \(shape)") {
                dnnl_batch_normalization_forward_desc_init(&$0, dnnl_forward_training, &data, eps, affine)
            }
            let backward = try Primitive.make(context, dnnl_batch_normalization_desc_t(), hint: forward,
                                              name: "bn bwd \(shape)") {
                dnnl_batch_normalization_backward_desc_init(&$0, dnnl_backward, &data, &data, eps, affine)
            }
            // The fused ReLU's mask, written by the forward pass and read by the backward one.
            let workspace = try forward.memoryDescriptor(for: DNNL_ARG_WORKSPACE).map { try Tensor(context, desc: $0) }
            let workspaceArg = workspace.map { [(DNNL_ARG_WORKSPACE, $0)] } ?? []
            forwardExecution = Execution(forward, [(DNNL_ARG_SRC, source), (DNNL_ARG_SCALE, scale), (DNNL_ARG_SHIFT, shift),
                                                   (DNNL_ARG_DST, output), (DNNL_ARG_MEAN, batchMean),
                                                   (DNNL_ARG_VARIANCE, batchVariance)] + workspaceArg,
                                         tag: label.tag(.batchNorm, .forward))
            let common = [(DNNL_ARG_SRC, source), (DNNL_ARG_MEAN, batchMean), (DNNL_ARG_VARIANCE, batchVariance),
                          (DNNL_ARG_DIFF_DST, gradientAdapter.placeholder), (DNNL_ARG_SCALE, scale), (DNNL_ARG_SHIFT, shift),
                          (DNNL_ARG_DIFF_SRC, inputGradient.placeholder)] + workspaceArg
            backwardExecution = Execution(backward, common + [(DNNL_ARG_DIFF_SCALE, scaleGradient),
                                                              (DNNL_ARG_DIFF_SHIFT, shiftGradient)],
                                          tag: label.tag(.batchNorm, .backwardWeights))
            summary = LayerSummary(module: label.module, name: name, input: MemoryDescriptor.describe(data),
                                   output: MemoryDescriptor.describe(data),
                                   implementations: "fwd \(forward.implementationName), bwd \(backward.implementationName)")
        } else {
            let flags = affine | dnnl_use_global_stats.rawValue
            let forward = try Primitive.make(context, dnnl_batch_normalization_desc_t(), name: "bn fwd eval \(shape)") {
                dnnl_batch_normalization_forward_desc_init(&$0, dnnl_forward_inference, &data, eps, flags)
            }
            forwardExecution = Execution(forward, [(DNNL_ARG_SRC, source), (DNNL_ARG_MEAN, statistics.runningMean),
                                                   (DNNL_ARG_VARIANCE, statistics.runningVariance), (DNNL_ARG_SCALE, scale),
                                                   (DNNL_ARG_SHIFT, shift), (DNNL_ARG_DST, output)],
                                         tag: label.tag(.batchNorm, .forward))
            backwardExecution = nil
            summary = LayerSummary(module: label.module, name: name + " (eval)", input: MemoryDescriptor.describe(data),
                                   output: MemoryDescriptor.describe(data), implementations: "fwd \(forward.implementationName)")
        }
    }

    func forward(_ x: Tensor) -> Tensor {
        let source = inputAdapter.conform(x)
        forwardExecution.bind(DNNL_ARG_SRC, source)
        backwardExecution?.bind(DNNL_ARG_SRC, source)
        forwardExecution.run()
        if training { updateRunningStatistics() }
        return output
    }

    /// running = (1 − m)·running + m·batch, with the variance made unbiased (n / (n − 1)).
    private func updateRunningStatistics() {
        statistics.batchesTracked += 1
        let m = statistics.momentum ?? 1 / Float(statistics.batchesTracked)
        let unbias = Float(reductionSize) / Float(max(reductionSize - 1, 1))
        let mean = statistics.runningMean.pointer, variance = statistics.runningVariance.pointer
        for c in 0..<batchMean.count {
            mean[c] = (1 - m) * mean[c] + m * batchMean.pointer[c]
            variance[c] = (1 - m) * variance[c] + m * batchVariance.pointer[c] * unbias
        }
    }

    func backward(_ dy: Tensor, inputGradient wantInput: Bool, weightGradients: Bool) -> Tensor? {
        guard let backwardExecution else {
            preconditionFailure("BatchNorm2d.backward needs a training-mode forward first")
        }
        let gradient = gradientAdapter.conform(dy)
        // dγ and dβ come out of the same pass as dx; when not wanted they go to scratch.
        backwardExecution.bind(DNNL_ARG_DIFF_SCALE, weightGradients ? scaleGradient : discardedScaleGradient.value)
        backwardExecution.bind(DNNL_ARG_DIFF_SHIFT, weightGradients ? shiftGradient : discardedShiftGradient.value)
        backwardExecution.bind(DNNL_ARG_DIFF_DST, gradient)
        backwardExecution.bind(DNNL_ARG_DIFF_SRC, inputGradient.value)
        backwardExecution.run()
        return inputGradient.value
    }
}
