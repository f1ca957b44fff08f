/// Lookahead's slow weights: a copy of both networks' parameters, where they stood at the start of
/// the current interval, i.e. at the last synchronisation (see `Lookahead`).
final class SlowWeights {
    let alpha: Float
    /// One flat copy per network, in its parameter buffer's order (generator, discriminator).
    let generator: UnsafeMutableBufferPointer<Float>
    let discriminator: UnsafeMutableBufferPointer<Float>

    init(alpha: Float, generator: Network, discriminator: Network) {
        self.alpha = alpha
        self.generator = .allocate(capacity: generator.parameterCount)
        self.discriminator = .allocate(capacity: discriminator.parameterCount)
        _ = self.generator.initialize(fromContentsOf: generator.parameters.values)
        _ = self.discriminator.initialize(fromContentsOf: discriminator.parameters.values)
    }

    /// slow ← the networks' parameters (at the start of an interval; after a synchronisation they
    /// are equal already, so this matters for the first one: weights loaded before the first step).
    func capture(generator: Network, discriminator: Network) {
        _ = self.generator.update(fromContentsOf: generator.parameters.values)
        _ = self.discriminator.update(fromContentsOf: discriminator.parameters.values)
    }

    deinit {
        generator.deallocate()
        discriminator.deallocate()
    }

    /// slow ← slow + α · (fast − slow), then fast ← slow, for both networks.
    func synchronize(generator: Network, discriminator: Network) {
        for (slow, fast) in [(self.generator, generator.parameters.values), (self.discriminator, discriminator.parameters.values)] {
            moveTowards(slow, UnsafeBufferPointer(fast), rate: alpha)
            _ = fast.update(fromContentsOf: slow)
        }
    }
}
