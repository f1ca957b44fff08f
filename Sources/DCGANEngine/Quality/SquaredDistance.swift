/// Σ (x[a + k] − y[b + k])² over k < size: the squared distance of two images stored at offsets
/// `a` of `x` and `b` of `y`, eight lanes at a time (a scalar loop does not vectorise: float
/// addition is not associative).
func squaredDistance(_ x: UnsafeBufferPointer<Float>, _ a: Int, _ y: UnsafeBufferPointer<Float>, _ b: Int, _ size: Int) -> Float {
    let left = UnsafeRawPointer(x.baseAddress!), right = UnsafeRawPointer(y.baseAddress!), stride = MemoryLayout<Float>.stride
    var lanes = SIMD8<Float>()
    var k = 0
    while k + 8 <= size {
        let d = left.loadUnaligned(fromByteOffset: (a + k) * stride, as: SIMD8<Float>.self)
            - right.loadUnaligned(fromByteOffset: (b + k) * stride, as: SIMD8<Float>.self)
        lanes += d * d
        k += 8
    }
    var sum = lanes.sum()
    while k < size {
        let d = x[a + k] - y[b + k]
        sum += d * d
        k += 1
    }
    return sum
}
