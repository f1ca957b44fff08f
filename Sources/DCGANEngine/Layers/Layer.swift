import CDNNL

/// One step of a sequential network, with its forward and backward pass side by side.
/// A layer owns its output and gradient buffers and its oneDNN primitives, all created for one
/// batch size; the tensors it returns stay valid (and are overwritten) across calls.
///
/// Layouts: a layer accepts its input (and dL/dy) in any layout and data type, converting it
/// once into the layout its primitives compute in when it differs; it returns y and dL/dx in its
/// own layouts (oneDNN's preferred, possibly blocked or bfloat16), or in plain float32 when made
/// with `plainOutputs` (standalone layers, the tests, a network's Swift-facing output).
protocol Layer: AnyObject {
    /// Computes the output for `x` and remembers what the backward pass needs.
    func forward(_ x: Tensor) -> Tensor
    /// Given dL/dy for the last forward, accumulates nothing: it writes the weight gradients
    /// (when `weightGradients`) into the parameter gradient buffers and returns dL/dx when
    /// `inputGradient` is set (nil otherwise).
    func backward(_ dy: Tensor, inputGradient: Bool, weightGradients: Bool) -> Tensor?
    /// The layout and data type of `forward`'s result (what the next layer receives).
    var outputDesc: dnnl_memory_desc_t { get }
    /// Rows of the bench's layer table: what the layer computes, in which layouts, by which kernels.
    var summary: LayerSummary { get }
}

/// Counts changes of a network's parameter values, so layers keep reordered (blocked, bfloat16)
/// copies of their weights and redo them only after a change. Layers without one (standalone,
/// the tests) reorder before every use.
final class WeightGeneration {
    private(set) var value = 0
    func advance() { value += 1 }
}

/// Where a layer sits, for the profiler and the layer table.
struct LayerLabel {
    var network: String
    var module: Int
    var name: String

    static func standalone(_ name: String) -> LayerLabel { LayerLabel(network: "", module: -1, name: name) }

    func tag(_ role: ExecutionTag.Role, _ pass: ExecutionTag.Pass, flops: Double = 0) -> ExecutionTag {
        ExecutionTag(network: network, module: module, layer: name, role: role, pass: pass, flops: flops)
    }
}

/// A layer as the bench's layer table shows it.
public struct LayerSummary: Sendable {
    public var module: Int
    public var name: String
    /// Layouts of the input and output as computed, e.g. "bf16 aBcd16b".
    public var input: String
    public var output: String
    /// oneDNN implementations of the forward and backward passes.
    public var implementations: String
}

/// How a convolution's activations are laid out (weights always in the primitive's choice).
public enum ConvolutionLayout: String, Sendable, CaseIterable {
    /// oneDNN's choice (blocked nChw16c for most layers).
    case any
    /// Plain NCHW.
    case plain
    /// Channels last (NHWC).
    case channelsLast = "nhwc"

    var tag: dnnl_format_tag_t {
        switch self {
        case .any: return dnnl_format_tag_any
        case .plain: return dnnl_abcd
        case .channelsLast: return dnnl_acdb
        }
    }
}
