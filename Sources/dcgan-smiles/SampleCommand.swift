import ArgumentParser
import DCGANEngine
import Foundation

/// `sample`: faces from a checkpoint's generator, as a PNG grid, one PNG per face, or raw floats.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate faces from a checkpoint: a PNG grid (FILE.png), one PNG per face (DIR), or raw images (FILE.safetensors).")

    @Option(help: "A checkpoint (ours or a PyTorch state dict of the seed's DCGAN module).")
    var checkpoint: String
    @Option(help: "Number of faces (default: 64, or the noise file's batch).")
    var count: Int?
    @Option(help: "FILE.png: a grid; FILE.safetensors: tensor `images` (N, 3, 64, 64) in [-1, 1]; anything else: a directory of PNGs.")
    var out: String
    @Option(help: "Seed of the latent noise.")
    var seed: UInt64 = 0
    @Option(help: "Faces per row of the grid.")
    var gridColumns = 8
    @Option(help: "Take the latent batch from this file (tensor `z`, F32, shape (N, latent, 1, 1)) instead of the seed.")
    var noise: String?
    @Option(name: .customLong("generator"),
            help: "Which generator samples: average (the moving average of G, when the checkpoint has one) or trained.")
    var generatorChoice: GeneratorChoice = .average
    @Flag(help: "BatchNorm with the batch's statistics (as in training) instead of the running ones (eval mode, the default).")
    var batchStats = false
    @OptionGroup var statistics: StatisticsOptions
    @OptionGroup var truncation: TruncationOptions

    func validate() throws {
        if truncation.asksForTruncation, noise != nil {
            throw ValidationError("--jacobian-truncation draws its own candidate latents from --seed; it does not take --noise")
        }
        if batchStats, statistics.recomputeStatistics {
            throw ValidationError("--recompute-statistics is for eval mode; --batch-stats uses the batch's own")
        }
        if let count, count <= 0 { throw ValidationError("--count must be a positive integer, got \(count)") }
        if gridColumns <= 0 { throw ValidationError("--grid-columns must be a positive integer, got \(gridColumns)") }
    }

    func run() throws {
        let file: CheckpointFile
        do { file = try CheckpointFile(path: checkpoint) } catch { throw CommandFailure("\(error)") }
        let context = try DNNLContext()
        let generator = try Network.generator(context, config: file.model)
        do { try file.loadGenerator(generator, average: generatorChoice == .average) } catch { throw CommandFailure("\(error)") }

        try statistics.apply(to: generator, seed: seed)
        // As the checkpoint's run samples, unless the flags say otherwise; given latents are drawn as they are.
        let sampler = noise == nil ? try truncation.resolved(for: file) : nil
        let pixels: [Float], batch: Int
        if let sampler {
            batch = count ?? 64
            pixels = try sampler.sample(generator, count: batch, seed: seed, training: batchStats, trainedBy: file.config)
        } else {
            let latent = try readNoise(latentSize: file.model.latentSize, generator: generator)
            let images = try generator.forward(latent, training: batchStats)
            batch = images.dims[0]
            pixels = images.toArray()
        }
        try write(pixels, batch: batch, sampler: sampler)
        print("wrote \(batch) face\(batch == 1 ? "" : "s") to \(out)" + (sampler.map { " (Jacobian truncation \($0.summary))" } ?? ""))
    }

    private func readNoise(latentSize: Int, generator: Network) throws -> Tensor {
        guard let noise else {
            let tensor = try generator.makeInput(batch: count ?? 64)
            var random = RandomGenerator(seed: seed)
            random.fillNormal(tensor.buffer)
            return tensor
        }
        do {
            let tensors = try SafeTensors(contentsOf: noise)
            let entry = try tensors.entry("z")
            guard entry.dtype == .f32, entry.shape.count == 4, entry.shape[1] == latentSize, entry.shape[2] == 1,
                  entry.shape[3] == 1, entry.shape[0] > 0 else {
                throw CommandFailure("\(noise): tensor z is \(entry.dtype.rawValue) \(entry.shape), expected F32 (N, \(latentSize), 1, 1)")
            }
            if let count, count != entry.shape[0] {
                throw CommandFailure("\(noise): holds \(entry.shape[0]) latents but --count is \(count)")
            }
            let tensor = try generator.makeInput(batch: entry.shape[0])
            tensor.copy(from: try tensors.floats("z"))
            return tensor
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(noise): \(error)")
        }
    }

    private func write(_ pixels: [Float], batch: Int, sampler: JacobianTruncation?) throws {
        let size = 3 * 64 * 64
        do {
            if out.hasSuffix(".safetensors") {
                var writer = SafeTensorsWriter()
                writer.add("images", shape: [batch, 3, 64, 64], floats: pixels)
                writer.metadata = ["checkpoint": checkpoint, "batch_stats": String(batchStats)]
                if let truncation = sampler {
                    writer.metadata["jacobian_truncation"] = String(truncation.keep)
                    if let local = truncation.local {
                        writer.metadata["jacobian_truncation_neighbours"] = String(local.neighbours)
                        writer.metadata["jacobian_truncation_power"] = String(local.power)
                    }
                    if let density = truncation.density { writer.metadata["jacobian_truncation_density"] = String(density) }
                    if let clusters = truncation.clusters { writer.metadata["jacobian_truncation_clusters"] = String(clusters) }
                }
                try AtomicFile.write(try writer.serialized(), to: out)
                return
            }
            let faces = pixels.withUnsafeBufferPointer { all in
                (0..<batch).map { RGBImage(planar: UnsafeBufferPointer(rebasing: all[($0 * size)..<(($0 + 1) * size)]), width: 64, height: 64) }
            }
            if out.lowercased().hasSuffix(".png") {
                try RGBImage.grid(faces, columns: gridColumns).writePNG(to: out)
            } else {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                for (index, face) in faces.enumerated() {
                    try face.writePNG(to: String(format: "%@/sample-%04d.png", out, index))
                }
            }
        } catch {
            throw CommandFailure("cannot write \(out): \(error)")
        }
    }
}
