import Foundation
import XCTest
@testable import DCGANEngine

final class SafeTensorsTests: XCTestCase {
    private func sample() throws -> Data {
        var writer = SafeTensorsWriter()
        writer.add("a", shape: [2, 3], floats: [1, 2, 3, 4, 5, -6.5])
        writer.add("count", shape: [], int64s: [42])
        writer.metadata = ["format": "test"]
        return try writer.serialized()
    }

    func testRoundTrip() throws {
        let file = try SafeTensors(bytes: try sample())
        XCTAssertEqual(try file.floats("a"), [1, 2, 3, 4, 5, -6.5])
        XCTAssertEqual(try file.entry("a").shape, [2, 3])
        XCTAssertEqual(try file.int64s("count"), [42])
        XCTAssertEqual(file.metadata["format"], "test")
        XCTAssertEqual(file.names, ["a", "count"])
        XCTAssertThrowsError(try file.floats("count")) { XCTAssertTrue("\($0)".contains("expected F32")) }
        XCTAssertThrowsError(try file.floats("missing")) { XCTAssertTrue("\($0)".contains("missing tensor missing")) }
    }

    func testNetworkStateRoundTrip() throws {
        let context = try DNNLContext()
        let config = ModelConfig(latentSize: 4, featureMaps: 2)
        let a = try Network.discriminator(context, config: config)
        var random = RandomGenerator(seed: 9)
        a.initialize(.dcgan, random: &random)
        a.setBatchesTracked(module: 3, 17)
        var writer = SafeTensorsWriter()
        a.write(to: &writer, prefix: "discriminator.")
        let b = try Network.discriminator(context, config: config)
        try b.load(from: try SafeTensors(bytes: try writer.serialized()), prefix: "discriminator.")
        XCTAssertEqual(Array(a.parameters.values), Array(b.parameters.values))
        XCTAssertEqual(b.runningStatistics(module: 3)?.batchesTracked, 17)

        // A file for another width changes nothing and says which tensor is wrong.
        let other = try Network.discriminator(context, config: ModelConfig(latentSize: 4, featureMaps: 3))
        var wrong = SafeTensorsWriter()
        other.write(to: &wrong, prefix: "discriminator.")
        let before = Array(b.parameters.values)
        XCTAssertThrowsError(try b.load(from: try SafeTensors(bytes: try wrong.serialized()), prefix: "discriminator.")) {
            XCTAssertTrue("\($0)".contains("discriminator.net.0.weight"), "\($0)")
        }
        XCTAssertEqual(Array(b.parameters.values), before)
    }

    func testCorruptFilesGiveOneLineErrors() throws {
        let good = try sample()
        func header(_ json: String, payload: Int = 24) -> Data {
            var data = Data()
            withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(contentsOf: Array(json.utf8))
            data.append(Data(count: payload))
            return data
        }
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "too short"),
            (good.prefix(20), "exceeds the file"),
            (header("not json"), "not a JSON object"),
            (header(#"{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#), "unsupported dtype"),
            (header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}"#), "do not match"),
            (header(#"{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"#), "beyond the data"),
            (header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#), "overlap"),
            (header(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#), "bad shape"),
            (header(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#), "bad data_offsets"),
        ]
        for (bytes, expected) in cases {
            XCTAssertThrowsError(try SafeTensors(bytes: bytes)) { error in
                XCTAssertTrue("\(error)".contains(expected), "expected '\(expected)', got '\(error)'")
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
    }

    /// Deterministic mutation fuzzing: random byte flips, truncations and length overwrites of a
    /// valid file never crash the reader; each either parses or throws.
    func testMutatedFilesNeverCrash() throws {
        let good = try sample()
        var random = RandomGenerator(seed: 11)
        for _ in 0..<3000 {
            var bytes = good
            switch random.next() % 3 {
            case 0:
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 1:
                bytes = bytes.prefix(Int(random.next() % UInt64(bytes.count)))
            default:
                let length = random.next() % 2 == 0 ? random.next() : random.next() % 256
                withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            }
            if let file = try? SafeTensors(bytes: bytes) {
                for name in file.names { _ = try? file.floats(name); _ = try? file.int64s(name) }
            }
        }
    }
}
