/// current += rate · (target − current), element-wise: the step of a moving average (the generator
/// average) and of lookahead's slow weights.
func moveTowards(_ current: UnsafeMutableBufferPointer<Float>, _ target: UnsafeBufferPointer<Float>, rate: Float) {
    precondition(current.count == target.count, "moveTowards: size mismatch")
    let a = current.baseAddress!, v = target.baseAddress!
    var i = 0
    let lanes = SIMD16<Float>(repeating: rate)
    while i + 16 <= current.count {
        let value = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
        let goal = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(a + i).storeBytes(of: value + lanes * (goal - value), as: SIMD16<Float>.self)
        i += 16
    }
    while i < current.count {
        a[i] += rate * (v[i] - a[i])
        i += 1
    }
}
