import CDNNL

/// Arithmetic of the convolutions.
public enum Precision: String, Sendable, CaseIterable, Codable {
    /// float32 everywhere, as PyTorch's default.
    case f32
    /// bfloat16 activations and weights in the convolutions (and the BatchNorm/activation layers
    /// between them); float32 master weights and weight gradients, float32 BatchNorm statistics,
    /// γ and β, the discriminator's last layer and its output (so the loss is float32), and Adam.
    case bf16

    var dataType: dnnl_data_type_t { self == .bf16 ? dnnl_bf16 : dnnl_f32 }

    /// Whether oneDNN has bfloat16 kernels on this CPU at all (2.x: from AVX-512 on, emulated
    /// where the CPU lacks AVX-512 BF16; none on an AVX2 CPU). Probed once, by building both
    /// networks' bfloat16 graphs, both modes, at a tiny size.
    public static let bf16IsAvailable: Bool = {
        do {
            let context = try DNNLContext()
            let config = ModelConfig(latentSize: 1, featureMaps: 1)
            for network in [try Network.generator(context, config: config), try Network.discriminator(context, config: config)] {
                for training in [true, false] {
                    _ = try NetworkGraph(context, network: network, batch: 1, training: training, precision: .bf16, heldSlopes: false)
                }
            }
            return true
        } catch {
            return false
        }
    }()
}

/// bfloat16 asked of a CPU where oneDNN has no bfloat16 kernels.
public struct BF16UnavailableError: Error, CustomStringConvertible {
    public init() {}
    public var description: String {
        "bfloat16 arithmetic is not available on this CPU (oneDNN has bfloat16 kernels only from AVX-512 on); use f32"
    }
}

/// How a network's layers are compiled: the performance levers, each switchable so the bench can
/// measure what it pays. The defaults are the fastest measured configuration.
public struct GraphOptions: Sendable, Equatable {
    public var precision: Precision = .f32
    /// Activations in the convolutions' preferred layouts (blocked) end to end; off: plain NCHW
    /// everywhere (the convolutions may still pick blocked weights).
    public var preferredLayouts = true
    /// BatchNorm + ReLU in one oneDNN pass (the generator).
    public var fuseBatchNormReLU = true
    /// An activation straight after a convolution as the convolution's post-op.
    public var fuseConvolutionActivation = true
    /// Activations after BatchNorm overwrite its output (and their gradient the incoming one).
    public var inPlaceActivations = true
    /// Weight gradients of the small-spatial layers as a forward convolution with batch and
    /// channels swapped, where measured faster (`TransposedWeightGradient`).
    public var swappedWeightGradients = true
    /// Per-module layout overrides for convolutions (module index → layout), e.g. plain for the
    /// three-channel image layers.
    public var convolutionLayouts: [Int: ConvolutionLayout] = [:]

    public init() {}
}

extension DCGANTrainer {
    /// The convolutions' arithmetic of both networks (float32 by default). Changing it recompiles
    /// the networks' graphs on their next use; parameters, Adam state and statistics are kept.
    public var precision: Precision {
        get { generator.options.precision }
        set {
            generator.options.precision = newValue
            discriminator.options.precision = newValue
        }
    }
}

extension Precision {
    /// Whether the CPU computes bfloat16 natively (AVX-512 BF16 or AMX, as oneDNN sees it); without,
    /// oneDNN emulates it, slower than float32.
    public static var bf16IsNative: Bool {
        let bf16 = dnnl_cpu_isa_avx512_core_bf16.rawValue
        return dnnl_get_effective_cpu_isa().rawValue & bf16 == bf16
    }
}
