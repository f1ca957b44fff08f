/// A network's parameters and BatchNorm buffers under PyTorch's state-dict names
/// (`<prefix>net.0.weight`, `<prefix>net.1.running_mean`, `<prefix>net.1.num_batches_tracked`, …),
/// so files interchange with the seed's `DCGAN` module.
extension Network {
    /// Every state-dict name this network has, in PyTorch's order.
    public func stateDictionaryNames(prefix: String) -> [String] {
        var names: [String] = []
        for (index, _) in specs.enumerated() {
            names += parameters.parameters.filter { $0.name.hasPrefix("net.\(index).") }.map { prefix + $0.name }
            if statistics[index] != nil {
                names += ["running_mean", "running_var", "num_batches_tracked"].map { "\(prefix)net.\(index).\($0)" }
            }
        }
        return names
    }

    /// Appends parameters and buffers, in PyTorch's order.
    public func write(to writer: inout SafeTensorsWriter, prefix: String) {
        for (index, _) in specs.enumerated() {
            for (p, info) in parameters.parameters.enumerated() where info.name.hasPrefix("net.\(index).") {
                writer.add(prefix + info.name, shape: info.shape, floats: UnsafeBufferPointer(parameters.values(of: p)))
            }
            if let stats = statistics[index] {
                let channels = [stats.runningMean.count]
                writer.add("\(prefix)net.\(index).running_mean", shape: channels,
                           floats: UnsafeBufferPointer(stats.runningMean.buffer))
                writer.add("\(prefix)net.\(index).running_var", shape: channels,
                           floats: UnsafeBufferPointer(stats.runningVariance.buffer))
                writer.add("\(prefix)net.\(index).num_batches_tracked", shape: [], int64s: [stats.batchesTracked])
            }
        }
    }

    /// Loads parameters and buffers, checking every name, dtype and shape first so that a
    /// mismatched file changes nothing.
    public func load(from file: SafeTensors, prefix: String) throws {
        for info in parameters.parameters {
            let entry = try file.entry(prefix + info.name)
            guard entry.dtype == .f32, entry.shape == info.shape else {
                throw SafeTensorsError("tensor \(prefix + info.name): \(entry.dtype.rawValue) \(entry.shape), "
                                       + "this model expects F32 \(info.shape)")
            }
        }
        for (index, stats) in statistics {
            for buffer in ["running_mean", "running_var"] {
                let entry = try file.entry("\(prefix)net.\(index).\(buffer)")
                guard entry.dtype == .f32, entry.shape == [stats.runningMean.count] else {
                    throw SafeTensorsError("tensor \(prefix)net.\(index).\(buffer): \(entry.dtype.rawValue) \(entry.shape), "
                                           + "this model expects F32 [\(stats.runningMean.count)]")
                }
            }
            let tracked = try file.entry("\(prefix)net.\(index).num_batches_tracked")
            guard tracked.dtype == .i64, tracked.shape.reduce(1, *) == 1 else {
                throw SafeTensorsError("tensor \(prefix)net.\(index).num_batches_tracked: expected one I64")
            }
        }
        for (p, info) in parameters.parameters.enumerated() {
            try file.read(prefix + info.name, shape: info.shape, into: parameters.values(of: p))
        }
        for (index, stats) in statistics {
            stats.runningMean.copy(from: try file.floats("\(prefix)net.\(index).running_mean"))
            stats.runningVariance.copy(from: try file.floats("\(prefix)net.\(index).running_var"))
            stats.batchesTracked = try file.int64s("\(prefix)net.\(index).num_batches_tracked")[0]
        }
    }
}

extension ModelConfig {
    /// Every tensor a checkpoint of this architecture holds for the two networks, with PyTorch's
    /// names (`generator.net.0.weight`, …), dtypes and shapes.
    public var stateDictionarySpec: [(name: String, dtype: SafeTensors.DType, shape: [Int])] {
        var spec: [(String, SafeTensors.DType, [Int])] = []
        for (prefix, layers) in [("generator", generatorLayers), ("discriminator", discriminatorLayers)] {
            for (index, layer) in layers.enumerated() {
                let name = "\(prefix).net.\(index)"
                switch layer {
                case let .convolution(kind, inChannels, outChannels, _, _):
                    let shape = kind == .convolution ? [outChannels, inChannels, 4, 4] : [inChannels, outChannels, 4, 4]
                    spec.append(("\(name).weight", .f32, shape))
                case let .batchNorm(channels):
                    for buffer in ["weight", "bias", "running_mean", "running_var"] {
                        spec.append(("\(name).\(buffer)", .f32, [channels]))
                    }
                    spec.append(("\(name).num_batches_tracked", .i64, []))
                case .activation:
                    break
                }
            }
        }
        return spec
    }
}
