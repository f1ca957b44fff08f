import XCTest
@testable import DCGANEngine

/// Whole generator and discriminator against PyTorch (models.safetensors: latent 8, width 8, batch 4).
final class ModelFixtureTests: XCTestCase {
    let config = ModelConfig(latentSize: 8, featureMaps: 8)

    /// The fixture's discriminator at its initial weights, and its input batch.
    private func fixtureDiscriminator() throws -> (DNNLContext, SafeTensors, Network, Tensor) {
        let context = try DNNLContext()
        let fixtures = try Fixtures.load("models.safetensors")
        let discriminator = try Network.discriminator(context, config: config)
        try discriminator.load(from: fixtures, prefix: "init.discriminator.")
        return (context, fixtures, discriminator, try Tensor.filled(context, dims: [4, 3, 64, 64], try fixtures.floats("x")))
    }

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
        let (_, fixtures, discriminator, x) = try fixtureDiscriminator()
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

    /// A backward pass for dL/dx alone (the G step through D, R1's first pass) leaves the selected
    /// gradient slot as it was, BatchNorm's dγ and dβ included (oneDNN computes them in the same
    /// pass; they go to scratch); with weight gradients the same pass writes all of them.
    func testInputOnlyBackwardLeavesTheWeightGradientsAlone() throws {
        let (context, _, discriminator, x) = try fixtureDiscriminator()
        let slot = discriminator.parameters.gradient(slot: 0)
        let sentinel: Float = 12345
        slot.update(repeating: sentinel)
        let output = try discriminator.forward(x, training: true)
        let dy = try Tensor.filled(context, dims: output.dims, [Float](repeating: 1, count: output.dims.reduce(1, *)))
        XCTAssertNotNil(discriminator.backward(dy, inputGradient: true, weightGradients: false))
        XCTAssertTrue(slot.allSatisfy { $0 == sentinel }, "a data-only backward pass wrote into the gradient slot")
        discriminator.backward(dy, inputGradient: false, weightGradients: true)
        for info in discriminator.parameters.parameters {
            XCTAssertFalse(slot[info.offset..<(info.offset + info.count)].contains(sentinel), "\(info.name): no gradient written")
        }
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
