import Foundation
import XCTest
@testable import DCGANEngine

/// Lookahead on both networks: every k steps the weights move α of the way from where they stood k
/// steps before, and training goes on from there.
final class LookaheadTests: XCTestCase {
    private func parameters(_ trainer: DCGANTrainer) -> [[Float]] {
        [Array(trainer.generator.parameters.values), Array(trainer.discriminator.parameters.values)]
    }

    /// Steps between synchronisations are those of the same run without lookahead; the k-th step
    /// ends at slow + α · (fast − slow) for every parameter, leaves BatchNorm's statistics alone,
    /// and the next step starts from there.
    func testSynchronisationMovesBothNetworksPartWayFromWhereTheyStood() throws {
        var config = TrainingConfig.tiny()
        config.lookahead = Lookahead(interval: 3, alpha: 0.25)
        let lookahead = try DCGANTrainer(config: config), plain = try DCGANTrainer(config: TrainingConfig.tiny())
        let start = parameters(lookahead)
        XCTAssertEqual(start, parameters(plain))
        for _ in 0..<2 {
            let (a, b) = (try lookahead.step(), try plain.step())
            XCTAssertEqual(a.gLoss.bitPattern, b.gLoss.bitPattern)
        }
        XCTAssertEqual(parameters(lookahead), parameters(plain), "no synchronisation before step 3")
        let (a, b) = (try lookahead.step(), try plain.step())
        XCTAssertEqual(a.dLoss.bitPattern, b.dLoss.bitPattern, "step 3 itself is the same; it ends differently")
        let fast = parameters(plain), synced = parameters(lookahead)
        for net in 0..<2 {
            for i in 0..<start[net].count {
                let expected = start[net][i] + 0.25 * (fast[net][i] - start[net][i])
                XCTAssertEqual(synced[net][i], expected, accuracy: 1e-7 + 1e-6 * abs(expected), "network \(net), parameter \(i)")
            }
            XCTAssertNotEqual(synced[net], fast[net])
        }
        let slow = try XCTUnwrap(lookahead.slowWeights)
        XCTAssertEqual([Array(slow.generator), Array(slow.discriminator)], synced, "the synchronised point is the new slow one")
        for (index, _) in plain.generator.bufferNames {
            XCTAssertEqual(lookahead.generator.runningStatistics(module: index)!.mean.toArray(),
                           plain.generator.runningStatistics(module: index)!.mean.toArray(), "running statistics are not pulled back")
        }
        let (c, d) = (try lookahead.step(), try plain.step())
        XCTAssertNotEqual(c.dLoss, d.dLoss, "step 4 starts from the synchronised weights")
        XCTAssertEqual(lookahead.optimizerG.step, 4)
    }

    func testSynchronisesEveryIntervalSteps() {
        let lookahead = Lookahead(interval: 5, alpha: 0.5)
        XCTAssertEqual((0...15).filter { lookahead.synchronizes(after: $0) }, [5, 10, 15])
    }

    /// A resumed run continues exactly, across a synchronisation: the slow weights are in the
    /// checkpoint; a file of a lookahead run without them is refused in one line.
    func testResumeBetweenSynchronisationsContinuesExactly() throws {
        let directory = NSTemporaryDirectory() + "dcgan-lookahead-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = TrainingConfig.tiny()
        config.lookahead = Lookahead(interval: 3, alpha: 0.5)
        let straight = try DCGANTrainer(config: config)
        let expected = try (0..<7).map { _ in try straight.step() }
        let path = directory + "/mid.safetensors"
        let (_, file) = try DCGANTrainer.checkpointed(config, after: 4, to: path)
        XCTAssertEqual(file.config?.lookahead, config.lookahead)
        let resumed = try DCGANTrainer(resuming: file)
        let continued = try (0..<3).map { _ in try resumed.step() } // synchronises after step 6
        XCTAssertEqual(continued.map(\.dLoss.bitPattern), expected.suffix(3).map(\.dLoss.bitPattern))
        XCTAssertEqual(parameters(resumed), parameters(straight))
        XCTAssertEqual(Array(resumed.slowWeights!.discriminator), Array(straight.slowWeights!.discriminator))

        var writer = SafeTensorsWriter()
        let tensors = try SafeTensors(contentsOf: path)
        try writer.add(from: tensors) { !$0.hasPrefix("lookahead.generator.") }
        writer.metadata = tensors.metadata
        let broken = directory + "/broken.safetensors"
        try writer.serialized().write(to: URL(fileURLWithPath: broken))
        XCTAssertThrowsError(try DCGANTrainer(resuming: try CheckpointFile(path: broken))) { error in
            XCTAssertTrue("\(error)".hasPrefix(broken) && "\(error)".contains("lookahead.generator.net.0.weight"), "\(error)")
        }
    }

    func testBadValuesAreRefusedAndTheDescriptionNamesIt() {
        for (lookahead, option) in [(Lookahead(interval: 0, alpha: 0.5), "--lookahead "),
                                    (Lookahead(interval: 5, alpha: 0), "--lookahead-alpha"),
                                    (Lookahead(interval: 5, alpha: 1.5), "--lookahead-alpha"),
                                    (Lookahead(interval: 5, alpha: .nan), "--lookahead-alpha")] {
            var config = TrainingConfig()
            config.lookahead = lookahead
            XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".hasPrefix(option), "\($0)") }
        }
        var config = TrainingConfig()
        config.lookahead = Lookahead(interval: 5, alpha: 0.5)
        XCTAssertEqual(Recipe.describe(config), "custom: lookahead every 5 steps (α 0.5)")
    }
}
