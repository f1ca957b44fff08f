import Foundation

/// Errors reading a safetensors file; each names what is wrong in one line.
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping tensor
/// names to dtype, shape and byte range, optional `__metadata__` (string → string), then the raw
/// little-endian tensor bytes. This reader is strict: every range must lie inside the data, match
/// its dtype and shape, and no two tensors may overlap.
public struct SafeTensors: Sendable {
    public enum DType: String, Sendable {
        case f32 = "F32"
        case i64 = "I64"

        var size: Int { self == .f32 ? 4 : 8 }
    }

    public struct Entry: Sendable, Equatable {
        public let dtype: DType
        public let shape: [Int]
        /// Byte range within the data section.
        public let range: Range<Int>
    }

    /// Headers beyond this are refused before allocating (a corrupt length must not exhaust memory).
    static let maximumHeaderSize = 100 << 20

    public let entries: [String: Entry]
    /// Tensor names in file order.
    public let names: [String]
    public let metadata: [String: String]
    private let data: Data

    public init(contentsOf path: String) throws {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw SafeTensorsError("cannot read \(path)")
        }
        try self.init(bytes: bytes)
    }

    public init(bytes: Data) throws {
        guard bytes.count >= 8 else { throw SafeTensorsError("file too short for a safetensors header (\(bytes.count) bytes)") }
        let headerLength = bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(min(bytes.count - 8, SafeTensors.maximumHeaderSize)) else {
            throw SafeTensorsError("header length \(headerLength) exceeds the file (\(bytes.count) bytes)")
        }
        let headerStart = bytes.startIndex + 8
        let headerBytes = bytes[headerStart..<(headerStart + Int(headerLength))]
        guard headerBytes.first == UInt8(ascii: "{"),
              let json = try? JSONSerialization.jsonObject(with: headerBytes),
              let header = json as? [String: Any] else {
            throw SafeTensorsError("header is not a JSON object")
        }
        let data = bytes[(headerStart + Int(headerLength))...]
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let dictionary = value as? [String: Any] else { throw SafeTensorsError("__metadata__ is not an object") }
                for (key, item) in dictionary {
                    guard let text = item as? String else { throw SafeTensorsError("__metadata__.\(key) is not a string") }
                    metadata[key] = text
                }
                continue
            }
            entries[name] = try SafeTensors.entry(name, value, dataSize: data.count)
        }
        let sorted = entries.sorted { $0.value.range.lowerBound < $1.value.range.lowerBound }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.value.range.overlaps(next.value.range) {
            throw SafeTensorsError("tensors \(previous.key) and \(next.key) overlap")
        }
        self.entries = entries
        self.names = sorted.map(\.key)
        self.metadata = metadata
        self.data = Data(data)
    }

    private static func entry(_ name: String, _ value: Any, dataSize: Int) throws -> Entry {
        guard let fields = value as? [String: Any] else { throw SafeTensorsError("tensor \(name): not an object") }
        guard let dtypeName = fields["dtype"] as? String else { throw SafeTensorsError("tensor \(name): missing dtype") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw SafeTensorsError("tensor \(name): unsupported dtype \(dtypeName) (F32 or I64 expected)")
        }
        guard let shape = (fields["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
              shape.count == (fields["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw SafeTensorsError("tensor \(name): bad shape")
        }
        guard let offsets = (fields["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
              offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
            throw SafeTensorsError("tensor \(name): bad data_offsets")
        }
        guard offsets[1] <= dataSize else {
            throw SafeTensorsError("tensor \(name): data_offsets \(offsets) beyond the data (\(dataSize) bytes)")
        }
        let (count, overflow) = shape.reduce((1, false)) { acc, dim in
            let (product, o) = acc.0.multipliedReportingOverflow(by: dim)
            return (product, acc.1 || o)
        }
        guard !overflow, count.multipliedReportingOverflow(by: dtype.size) == (offsets[1] - offsets[0], false) else {
            throw SafeTensorsError("tensor \(name): \(offsets[1] - offsets[0]) bytes do not match \(dtype.rawValue) \(shape)")
        }
        return Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
    }

    public func entry(_ name: String) throws -> Entry {
        guard let entry = entries[name] else { throw SafeTensorsError("missing tensor \(name)") }
        return entry
    }

    public func floats(_ name: String) throws -> [Float] {
        let entry = try entry(name)
        guard entry.dtype == .f32 else { throw SafeTensorsError("tensor \(name): expected F32, found \(entry.dtype.rawValue)") }
        return decode(entry.range, as: UInt32.self).map { Float(bitPattern: $0) }
    }

    public func int64s(_ name: String) throws -> [Int64] {
        let entry = try entry(name)
        guard entry.dtype == .i64 else { throw SafeTensorsError("tensor \(name): expected I64, found \(entry.dtype.rawValue)") }
        return decode(entry.range, as: UInt64.self).map { Int64(bitPattern: $0) }
    }

    /// Reads F32 tensor `name` of exactly `shape` into `destination`.
    public func read(_ name: String, shape: [Int], into destination: UnsafeMutableBufferPointer<Float>) throws {
        let entry = try entry(name)
        guard entry.shape == shape else { throw SafeTensorsError("tensor \(name): shape \(entry.shape), expected \(shape)") }
        let values = try floats(name)
        precondition(values.count == destination.count)
        _ = destination.initialize(from: values)
    }

    private func decode<T: FixedWidthInteger>(_ range: Range<Int>, as type: T.Type) -> [T] {
        let count = range.count / MemoryLayout<T>.size
        let start = data.startIndex + range.lowerBound
        return data[start..<(start + range.count)].withUnsafeBytes { raw in
            (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
        }
    }
}

/// Builds a safetensors file in memory, tensors in the order added.
public struct SafeTensorsWriter {
    private var header: [(String, SafeTensors.DType, [Int], Range<Int>)] = []
    private var payload = Data()
    public var metadata: [String: String] = [:]

    public init() {}

    public mutating func add(_ name: String, shape: [Int], floats: UnsafeBufferPointer<Float>) {
        precondition(shape.reduce(1, *) == floats.count, "\(name): \(floats.count) values for \(shape)")
        let start = payload.count
        payload.reserveCapacity(start + floats.count * 4)
        for value in floats { withUnsafeBytes(of: value.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        header.append((name, .f32, shape, start..<payload.count))
    }

    public mutating func add(_ name: String, shape: [Int], floats: [Float]) {
        floats.withUnsafeBufferPointer { add(name, shape: shape, floats: $0) }
    }

    public mutating func add(_ name: String, shape: [Int], int64s: [Int64]) {
        precondition(shape.reduce(1, *) == int64s.count, "\(name): \(int64s.count) values for \(shape)")
        let start = payload.count
        for value in int64s { withUnsafeBytes(of: value.littleEndian) { payload.append(contentsOf: $0) } }
        header.append((name, .i64, shape, start..<payload.count))
    }

    /// The whole file: header length, JSON header padded with spaces to 8 bytes, data.
    public func serialized() throws -> Data {
        var object: [String: Any] = [:]
        for (name, dtype, shape, range) in header {
            object[name] = ["dtype": dtype.rawValue, "shape": shape, "data_offsets": [range.lowerBound, range.upperBound]]
        }
        if !metadata.isEmpty { object["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(payload)
        return file
    }
}
