/// The R1 gradient penalty (Mescheder et al. 2018), added to D's loss at the real batch x:
///   R1 = γ/2 · (1/N) · ‖g‖²,  g = ∇ₓ Σᵢ D(xᵢ)
/// on D's output (its logits with BCE from logits), as `quality_pytorch.py --r1` computes it with
/// autograd's double backward. It pulls D flat around the real images, the fix for GANs that
/// circle a mixture of point masses instead of settling, which is what the smiley data set is.
///
/// Its gradient for D's weights θ is γ/N · (∂g/∂θ)ᵀ g, the derivative of ∇θ Σᵢ D(xᵢ + t·gᵢ) at
/// t = 0; oneDNN has no second-order passes, so it is the central difference of two ordinary
/// backward passes at x ± h·g, with D's LeakyReLU slopes held at those of x (`HeldSlopeLeakyReLU`:
/// autograd differentiates them as constants, and the kinks lie closer together than any step
/// float32 resolves). What is left is BatchNorm's curvature, O(h²), and float32's rounding: with
/// a step of about 1e-3 of a pixel it agreed with float64 autograd to 2–5e-4 of the gradient's
/// norm (the fixture's D, and a width-16 D on the smileys; at 1e-2 the curvature makes it 2%,
/// below 1e-3 the rounding gains nothing). Three more forward and backward passes of D over the
/// real batch: one for g, two for the difference.
///
/// Lazily (`interval` k > 1, StyleGAN2's lazy regularisation) it runs at every k-th step only,
/// with k·γ, so that on average D gets the same pull at 1/k of the passes.
final class GradientPenalty {
    /// γ.
    let weight: Float
    /// Other γs from given steps on, in the order they apply (none, one or two).
    let stages: [LateGradientPenalty]
    /// Steps between penalised steps (1: every step).
    let interval: Int
    /// R1 (at γ) where it was last computed: what the steps in between report in d_loss (kept in
    /// checkpoints, so a resumed run reports what the uninterrupted one does).
    var lastValue: Float = 0
    /// Root-mean-square change of a pixel (in [-1, 1] units) between x and x ± h·g.
    static let pixelStep: Float = 1e-3
    /// D's gradient slot for the difference's passes (after the real and fake halves' 0 and 1).
    static let slot = 2
    private var buffers: [Int: Buffers] = [:]

    /// Per batch size: dL/dD(·) of the passes, the direction g and the shifted batch (plain float32).
    private final class Buffers {
        let outputGradient: Tensor
        let direction: Tensor
        let shifted: Tensor

        init(_ discriminator: Network, batch: Int) throws {
            outputGradient = try discriminator.makeTensor(dims: [batch, 1, 1, 1])
            direction = try discriminator.makeInput(batch: batch)
            shifted = try discriminator.makeInput(batch: batch)
        }
    }

    init(weight: Float, interval: Int = 1, stages: [LateGradientPenalty] = []) {
        self.weight = weight
        self.interval = interval
        self.stages = stages
    }

    /// γ of the step after `completedSteps`.
    func weight(after completedSteps: Int) -> Float {
        stages.weight(after: completedSteps, base: weight)
    }

    /// Whether the step after `completedSteps` is penalised: steps 0, k, 2k, … counted from 0.
    func applies(after completedSteps: Int) -> Bool { completedSteps % interval == 0 }

    /// On a penalised step (`applies(after:)`), adds k·R1's gradient to D's gradient slot 0; returns
    /// R1 at γ, on the other steps as last computed.
    func step(after completedSteps: Int, discriminator: Network, real: Tensor) throws -> Float {
        if applies(after: completedSteps) {
            let weight = weight(after: completedSteps) * Float(interval)
            lastValue = try apply(discriminator: discriminator, real: real, weight: weight) / Float(interval)
        }
        return lastValue
    }

    /// Adds the gradient of R1 with γ = `weight` to D's gradient slot 0 and returns that R1.
    /// `real`: plain float32, the batch D saw in this step; D's weights as in that step's passes.
    /// D's running statistics are left as they were (PyTorch's penalty reuses the loss's forward
    /// pass and adds none).
    private func apply(discriminator: Network, real: Tensor, weight: Float) throws -> Float {
        let batch = real.dims[0]
        let buffers = try self.buffers[batch] ?? Buffers(discriminator, batch: batch)
        self.buffers[batch] = buffers
        // The difference's passes write into slot 2, so slots 0 and 1 keep the loss's gradients.
        let previousSlot = discriminator.parameters.selectedSlot
        discriminator.parameters.selectGradientSlot(Self.slot)
        defer { discriminator.parameters.selectGradientSlot(previousSlot) }
        return try discriminator.preservingStatistics {
            _ = try discriminator.forward(real, training: true, weightsChanged: false, slopes: .record)
            buffers.outputGradient.fill(1)
            guard let inputGradient = discriminator.backward(buffers.outputGradient, inputGradient: true, weightGradients: false) else {
                preconditionFailure("discriminator returned no input gradient")
            }
            buffers.direction.assign(from: inputGradient)
            let g = UnsafeBufferPointer(buffers.direction.buffer), x = UnsafeBufferPointer(real.buffer)
            let squaredNorm = g.reduce(Float(0)) { $0 + $1 * $1 }
            let penalty = weight / 2 * squaredNorm / Float(batch)
            guard squaredNorm > 0 else { return penalty }
            let h = Self.pixelStep * (Float(g.count) / squaredNorm).squareRoot()
            let shifted = buffers.shifted.buffer
            for sign: Float in [1, -1] {
                for i in shifted.indices { shifted[i] = x[i] + sign * h * g[i] }
                _ = try discriminator.forward(buffers.shifted, training: true, weightsChanged: false, slopes: .hold)
                buffers.outputGradient.fill(sign * weight / (2 * h * Float(batch)))
                discriminator.backward(buffers.outputGradient, inputGradient: false, weightGradients: true)
                let sum = discriminator.parameters.gradient(slot: 0), difference = discriminator.parameters.gradient(slot: Self.slot)
                for i in sum.indices { sum[i] += difference[i] }
            }
            return penalty
        }
    }
}
