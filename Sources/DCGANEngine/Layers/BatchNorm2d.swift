import CDNNL

/// Running statistics of one BatchNorm2d, shared by all batch sizes and modes of a network
/// (PyTorch's buffers `running_mean`, `running_var`, `num_batches_tracked`).
final class BatchNormStatistics {
    let runningMean: Tensor
    let runningVariance: Tensor
    var batchesTracked: Int64 = 0

    init(_ context: DNNLContext, channels: Int) throws {
        runningMean = try Tensor(context, dims: [channels])
        runningVariance = try Tensor(context, dims: [channels])
        runningVariance.fill(1)
    }
}

/// BatchNorm2d with affine scale (γ) and shift (β), eps 1e-5, momentum 0.1, as PyTorch's.
///   x: (N, C, H, W) → y: (N, C, H, W)
/// Training: normalises with the batch mean and biased variance, and updates the running
/// statistics with the unbiased variance. Evaluation: normalises with the running statistics.
final class BatchNorm2d: Layer {
    static let epsilon: Float = 1e-5
    static let momentum: Float = 0.1

    private let training: Bool
    private let scale: Tensor, shift: Tensor
    private let scaleGradient: Tensor, shiftGradient: Tensor
    private let statistics: BatchNormStatistics
    private let batchMean: Tensor, batchVariance: Tensor
    private let output: Tensor
    private let inputGradient: Tensor
    private let forwardPrimitive: Primitive
    private let backwardPrimitive: Primitive?
    /// Elements per channel: N·H·W, for the unbiased variance.
    private let reductionSize: Int
    private var input: Tensor?

    init(_ context: DNNLContext, shape: [Int], training: Bool, scale: Tensor, shift: Tensor,
         scaleGradient: Tensor, shiftGradient: Tensor, statistics: BatchNormStatistics) throws {
        let channels = shape[1]
        self.training = training
        self.scale = scale
        self.shift = shift
        self.scaleGradient = scaleGradient
        self.shiftGradient = shiftGradient
        self.statistics = statistics
        reductionSize = shape[0] * shape[2] * shape[3]
        batchMean = try Tensor(context, dims: [channels])
        batchVariance = try Tensor(context, dims: [channels])
        output = try Tensor(context, dims: shape)
        inputGradient = try Tensor(context, dims: shape)
        var dataDesc = output.desc
        let affine = dnnl_use_scale.rawValue | dnnl_use_shift.rawValue
        let eps = BatchNorm2d.epsilon
        if training {
            let forward = try Primitive.make(context, dnnl_batch_normalization_desc_t(), name: "bn fwd train \(shape)") {
                dnnl_batch_normalization_forward_desc_init(&$0, dnnl_forward_training, &dataDesc, eps, affine)
            }
            forwardPrimitive = forward
            backwardPrimitive = try Primitive.make(context, dnnl_batch_normalization_desc_t(), hint: forward,
                                                   name: "bn bwd \(shape)") {
                dnnl_batch_normalization_backward_desc_init(&$0, dnnl_backward, &dataDesc, &dataDesc, eps, affine)
            }
        } else {
            let flags = affine | dnnl_use_global_stats.rawValue
            forwardPrimitive = try Primitive.make(context, dnnl_batch_normalization_desc_t(), name: "bn fwd eval \(shape)") {
                dnnl_batch_normalization_forward_desc_init(&$0, dnnl_forward_inference, &dataDesc, eps, flags)
            }
            backwardPrimitive = nil
        }
    }

    func forward(_ x: Tensor) -> Tensor {
        input = x
        guard training else {
            forwardPrimitive.execute([(DNNL_ARG_SRC, x), (DNNL_ARG_MEAN, statistics.runningMean),
                                      (DNNL_ARG_VARIANCE, statistics.runningVariance), (DNNL_ARG_SCALE, scale),
                                      (DNNL_ARG_SHIFT, shift), (DNNL_ARG_DST, output)])
            return output
        }
        forwardPrimitive.execute([(DNNL_ARG_SRC, x), (DNNL_ARG_SCALE, scale), (DNNL_ARG_SHIFT, shift),
                                  (DNNL_ARG_DST, output), (DNNL_ARG_MEAN, batchMean),
                                  (DNNL_ARG_VARIANCE, batchVariance)])
        updateRunningStatistics()
        return output
    }

    /// running = (1 − m)·running + m·batch, with the variance made unbiased (n / (n − 1)).
    private func updateRunningStatistics() {
        let m = BatchNorm2d.momentum
        let unbias = Float(reductionSize) / Float(max(reductionSize - 1, 1))
        let mean = statistics.runningMean.pointer, variance = statistics.runningVariance.pointer
        for c in 0..<batchMean.count {
            mean[c] = (1 - m) * mean[c] + m * batchMean.pointer[c]
            variance[c] = (1 - m) * variance[c] + m * batchVariance.pointer[c] * unbias
        }
        statistics.batchesTracked += 1
    }

    func backward(_ dy: Tensor, inputGradient wantInput: Bool, weightGradients: Bool) -> Tensor? {
        guard let backwardPrimitive, let input else {
            preconditionFailure("BatchNorm2d.backward needs a training-mode forward first")
        }
        // dγ and dβ come out of the same pass as dx; oneDNN computes them together.
        backwardPrimitive.execute([(DNNL_ARG_SRC, input), (DNNL_ARG_MEAN, batchMean),
                                   (DNNL_ARG_VARIANCE, batchVariance), (DNNL_ARG_DIFF_DST, dy),
                                   (DNNL_ARG_SCALE, scale), (DNNL_ARG_SHIFT, shift), (DNNL_ARG_DIFF_SRC, inputGradient),
                                   (DNNL_ARG_DIFF_SCALE, scaleGradient), (DNNL_ARG_DIFF_SHIFT, shiftGradient)])
        return inputGradient
    }
}
