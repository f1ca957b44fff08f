/// The arithmetic of a quality measurement's forward passes. They only look at the generator, so
/// bfloat16 does not touch training; on trained checkpoints it moved the mean RMSE by at most 1e-4
/// and precision by at most 2 samples in 512 (README, Quality), and where the CPU has it a
/// measurement takes about 0.6 of the float32 time.
public enum QualityArithmetic: String, Sendable, CaseIterable, Codable {
    /// bfloat16 where the CPU computes it natively, else float32.
    case auto
    case f32
    case bf16

    public func resolved(bf16IsNative: Bool = Precision.bf16IsNative) -> Precision {
        switch self {
        case .auto: return bf16IsNative ? .bf16 : .f32
        case .f32: return .f32
        case .bf16: return .bf16
        }
    }
}
