/// One step of a sequential network, with its forward and backward pass side by side.
/// A layer owns its output and gradient buffers and its oneDNN primitives, all created for one
/// batch size; the tensors it returns stay valid (and are overwritten) across calls.
protocol Layer: AnyObject {
    /// Computes the output for `x` and remembers what the backward pass needs.
    func forward(_ x: Tensor) -> Tensor
    /// Given dL/dy for the last forward, accumulates nothing: it writes the weight gradients
    /// (when `weightGradients`) into the parameter gradient buffers and returns dL/dx when
    /// `inputGradient` is set (nil otherwise).
    func backward(_ dy: Tensor, inputGradient: Bool, weightGradients: Bool) -> Tensor?
}
