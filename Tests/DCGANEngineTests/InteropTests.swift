import XCTest
@testable import DCGANEngine

/// Checkpoints cross between PyTorch and us in both directions (fixtures from make_reference.py).
final class InteropTests: XCTestCase {
    private func generator(from checkpoint: String) throws -> Network {
        let file = try CheckpointFile(path: Fixtures.directory.appendingPathComponent(checkpoint).path)
        XCTAssertEqual(file.model, ModelConfig(latentSize: 8, featureMaps: 8))
        let generator = try Network.generator(try DNNLContext(), config: file.model)
        try file.loadGenerator(generator)
        return generator
    }

    private func output(_ generator: Network, _ fixtures: SafeTensors, z name: String, training: Bool) throws -> [Float] {
        let z = try generator.makeInput(batch: 4)
        z.copy(from: try fixtures.floats(name))
        return try generator.forward(z, training: training).toArray()
    }

    /// PyTorch's seed module loaded our file (strictly) and drew faces in eval mode; so do we.
    func testOurCheckpointMeansTheSameInPyTorch() throws {
        let fixtures = try Fixtures.load("interop.safetensors")
        let generator = try generator(from: "swift_checkpoint.safetensors")
        assertClose(try output(generator, fixtures, z: "swift.z", training: false), try fixtures.floats("swift.g_out_eval"),
                    "generator from our checkpoint vs PyTorch's reading of it")
    }

    /// A state dict saved by PyTorch (safetensors.torch.save_file) loads and draws the same faces.
    func testPyTorchCheckpointLoads() throws {
        let fixtures = try Fixtures.load("interop.safetensors")
        let generator = try generator(from: "pytorch_checkpoint.safetensors")
        assertClose(try output(generator, fixtures, z: "pytorch.z", training: false), try fixtures.floats("pytorch.g_out_eval"),
                    "eval-mode generator from PyTorch's checkpoint")
        assertClose(try output(generator, fixtures, z: "pytorch.z", training: true), try fixtures.floats("pytorch.g_out_train"),
                    "train-mode generator from PyTorch's checkpoint")
    }
}
