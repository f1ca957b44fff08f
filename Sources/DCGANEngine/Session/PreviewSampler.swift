/// The fixed-noise faces of the dashboard's previews and of the run directory's epoch grids: what
/// `sample` draws and what the quality score scores, the sampling generator with BatchNorm's running
/// statistics (eval mode), and with Jacobian truncation the kept share of more candidates. So the
/// faces beside the score are the faces it scored, and looking never changes training.
struct PreviewSampler {
    let count: Int
    let truncation: JacobianTruncation?
    /// The candidate latents (count/keep of them with truncation, else count), fixed until `redraw`.
    let noise: Tensor
    private var random: RandomGenerator
    /// The finite difference's directions, the same at every preview, so only G's change moves
    /// which candidates are kept.
    private let directions: RandomGenerator

    init(trainer: DCGANTrainer, count: Int, truncation: JacobianTruncation?, random: RandomGenerator) throws {
        self.count = count
        self.truncation = truncation
        var random = random
        noise = try trainer.makeNoise(batch: truncation?.candidates(for: count) ?? count, random: &random)
        directions = JacobianTruncation.directions(seed: random.next())
        self.random = random
    }

    /// New fixed noise (the `n` key).
    mutating func redraw() { random.fillNormal(noise.buffer) }

    // noise: (N', L, 1, 1) → faces: (count, 3, 64, 64)
    func faces(of trainer: DCGANTrainer) throws -> [Float] {
        guard let truncation else { return try trainer.generate(noise: noise, training: false) }
        var directions = directions
        return try trainer.generate(keeping: truncation, of: noise, samples: count, random: &directions)
    }
}
