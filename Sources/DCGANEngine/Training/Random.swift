#if canImport(Glibc)
import Glibc
#endif

/// The project's deterministic random number generator: xoshiro256** seeded through SplitMix64.
/// Everything random in a run (weights, noise, data set, shuffling) draws from generators made
/// from the run's seed, so the same seed gives the same run. Its state is four words, saved in
/// checkpoints so a resumed run continues the same sequence.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    public init(state: (UInt64, UInt64, UInt64, UInt64)) { self.state = state }

    public static func == (a: RandomGenerator, b: RandomGenerator) -> Bool {
        a.state == b.state
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * Float(unit()) }

    /// Standard normal by Box–Muller (one value per pair of uniforms: no cached state to save).
    public mutating func normal() -> Float {
        let u1 = 1 - unit() // (0, 1]: log is finite
        let u2 = unit()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        for i in buffer.indices { buffer[i] = mean + std * normal() }
    }

    /// buffer[i] += std · N(0, 1), for every element.
    public mutating func addNormal(to buffer: UnsafeMutableBufferPointer<Float>, std: Float) {
        for i in buffer.indices { buffer[i] += std * normal() }
    }

    /// A child generator for an independent stream (data set, init, noise) derived from this one.
    public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }
}

/// The independent random streams of a run, all from its seed: weights, data set + shuffling, noise.
public struct RandomStreams {
    public var weights: RandomGenerator
    public var data: RandomGenerator
    public var noise: RandomGenerator

    public init(seed: UInt64) {
        var root = RandomGenerator(seed: seed)
        weights = root.split()
        data = root.split()
        noise = root.split()
    }
}

extension SmileyDataset {
    /// The data set a run with this seed trains on.
    public init(seed: UInt64, count: Int = SmileyDataset.defaultCount) {
        var streams = RandomStreams(seed: seed)
        self.init(count: count, random: &streams.data)
    }
}
