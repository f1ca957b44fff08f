import Foundation

/// A training checkpoint as safetensors: both networks under the seed's module names
/// (`generator.net.0.weight`, …, loadable by PyTorch's `load_state_dict`), Adam's moments under
/// `optimizer.<net>.<name>.exp_avg[_sq]`, and the run state in `__metadata__`.
public enum Checkpoint {
    public static let formatVersion = "1"

    public static func serialize(_ trainer: DCGANTrainer) throws -> Data {
        var writer = SafeTensorsWriter()
        trainer.generator.write(to: &writer, prefix: "generator.")
        trainer.discriminator.write(to: &writer, prefix: "discriminator.")
        for (network, optimizer) in [(trainer.generator, trainer.optimizerG), (trainer.discriminator, trainer.optimizerD)] {
            for info in network.parameters.parameters {
                let range = info.offset..<(info.offset + info.count)
                let prefix = "optimizer.\(network.name).\(info.name)"
                writer.add("\(prefix).exp_avg", shape: info.shape,
                           floats: UnsafeBufferPointer(rebasing: optimizer.exponentialAverage[range]))
                writer.add("\(prefix).exp_avg_sq", shape: info.shape,
                           floats: UnsafeBufferPointer(rebasing: optimizer.exponentialAverageSquared[range]))
            }
            writer.add("optimizer.\(network.name).step", shape: [], int64s: [Int64(optimizer.step)])
        }
        let config = try JSONEncoder().encode(trainer.config)
        writer.metadata = [
            "format": "dcgan-smiles",
            "format_version": formatVersion,
            "iteration": String(trainer.iteration),
            "epoch": String(trainer.epoch),
            "lr_g": String(trainer.optimizerG.learningRate),
            "lr_d": String(trainer.optimizerD.learningRate),
            "config": String(decoding: config, as: UTF8.self),
        ]
        return try writer.serialized()
    }

    /// Serialises and writes atomically; the previous file at `path` survives any failure.
    public static func save(_ trainer: DCGANTrainer, to path: String) throws {
        try AtomicFile.write(try serialize(trainer), to: path)
    }
}
