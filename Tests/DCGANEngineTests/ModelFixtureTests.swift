import XCTest
@testable import DCGANEngine

/// Whole generator and discriminator against PyTorch (models.safetensors: latent 8, width 8, batch 4).
final class ModelFixtureTests: XCTestCase {
    let config = ModelConfig(latentSize: 8, featureMaps: 8)

    func testGeneratorForwardTrainThenEval() throws {
        let context = try DNNLContext()
        let fixtures = try Fixtures.load("models.safetensors")
        let generator = try Network.generator(context, config: config)
        try generator.load(from: fixtures, prefix: "init.generator.")
        let z = try Tensor.filled(context, dims: [4, 8, 1, 1], try fixtures.floats("z"))
        let train = try generator.forward(z, training: true)
        XCTAssertEqual(train.dims, [4, 3, 64, 64])
        assertClose(train.toArray(), try fixtures.floats("g_out"), "generator train-mode output")
        for (index, _) in generator.bufferNames {
            let stats = try XCTUnwrap(generator.runningStatistics(module: index))
            assertClose(stats.mean.toArray(), try fixtures.floats("g_after.net.\(index).running_mean"), "G running_mean \(index)")
            assertClose(stats.variance.toArray(), try fixtures.floats("g_after.net.\(index).running_var"), "G running_var \(index)")
            XCTAssertEqual(stats.batchesTracked, try fixtures.int64s("g_after.net.\(index).num_batches_tracked")[0])
        }
        let eval = try generator.forward(z, training: false)
        assertClose(eval.toArray(), try fixtures.floats("g_out_eval"), "generator eval-mode output")
    }

    func testDiscriminatorForwardTrainThenEval() throws {
        let context = try DNNLContext()
        let fixtures = try Fixtures.load("models.safetensors")
        let discriminator = try Network.discriminator(context, config: config)
        try discriminator.load(from: fixtures, prefix: "init.discriminator.")
        let x = try Tensor.filled(context, dims: [4, 3, 64, 64], try fixtures.floats("x"))
        assertClose(try discriminator.forward(x, training: true).toArray(), try fixtures.floats("d_out"),
                    "discriminator train-mode output")
        for (index, _) in discriminator.bufferNames {
            let stats = try XCTUnwrap(discriminator.runningStatistics(module: index))
            assertClose(stats.mean.toArray(), try fixtures.floats("d_after.net.\(index).running_mean"), "D running_mean \(index)")
            assertClose(stats.variance.toArray(), try fixtures.floats("d_after.net.\(index).running_var"), "D running_var \(index)")
        }
        assertClose(try discriminator.forward(x, training: false).toArray(), try fixtures.floats("d_out_eval"),
                    "discriminator eval-mode output")
    }

    func testStateDictionaryNamesMatchPyTorch() throws {
        let context = try DNNLContext()
        let fixtures = try Fixtures.load("models.safetensors")
        let generator = try Network.generator(context, config: config)
        let discriminator = try Network.discriminator(context, config: config)
        let ours = Set(generator.stateDictionaryNames(prefix: "init.generator.")
                       + discriminator.stateDictionaryNames(prefix: "init.discriminator."))
        let theirs = Set(fixtures.names.filter { $0.hasPrefix("init.") })
        XCTAssertEqual(ours, theirs)
    }
}
