import ArgumentParser
import DCGANEngine
import Foundation

/// `dataset`: the built-in smiley data set as PNG files, to look at it.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset", abstract: "Write the built-in smiley data set (as `train --seed` draws it) as PNG files.")

    @Option(help: "Directory to write smiley-NNNN.png into.")
    var out: String
    @Option(help: "Number of images.")
    var count = SmileyDataset.defaultCount
    @Option(help: "Seed: the same as train's --seed gives the images that run trains on.")
    var seed: UInt64 = 0

    func validate() throws {
        if count <= 0 { throw ValidationError("--count must be a positive integer, got \(count)") }
    }

    func run() throws {
        let dataset = SmileyDataset(seed: seed, count: count)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let faces = SmileyDataset.prototypes.map { prototype in
                prototype.withUnsafeBufferPointer { RGBImage(planar: $0, width: 64, height: 64) }
            }
            for (index, item) in dataset.items.enumerated() {
                try faces[item.prototypeIndex].writePNG(to: String(format: "%@/smiley-%04d.png", out, index))
            }
        } catch {
            throw CommandFailure("cannot write \(out): \(error)")
        }
        let glasses = dataset.items.filter(\.glasses).count, hats = dataset.items.filter(\.hat).count
        print("wrote \(count) images to \(out) (glasses \(glasses), hats \(hats))")
    }
}
