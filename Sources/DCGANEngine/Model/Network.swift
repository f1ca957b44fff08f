import CDNNL

/// How weights start: PyTorch's per-layer defaults (the seed's choice) or the DCGAN paper's.
public enum WeightInit: String, Sendable, CaseIterable, Codable {
    /// Conv/ConvTranspose: kaiming_uniform(a=√5), i.e. U(±1/√fan_in); BatchNorm: γ = 1, β = 0.
    case pytorch
    /// Conv weights N(0, 0.02), BatchNorm γ N(1, 0.02), β = 0.
    case dcgan
}

/// A sequential network (the generator or the discriminator): its parameters and BatchNorm
/// statistics, plus one compiled graph of layers per (batch size, train/eval mode), made on first use.
public final class Network {
    public let name: String
    let specs: [LayerSpec]
    /// Input shape without the batch dimension, (C, H, W).
    let inputShape: [Int]
    public let parameters: ParameterStore
    /// BatchNorm statistics by module index.
    let statistics: [Int: BatchNormStatistics]
    private let context: DNNLContext
    private var graphs: [GraphKey: NetworkGraph] = [:]
    private var lastGraph: NetworkGraph?

    private struct GraphKey: Hashable { let batch: Int; let training: Bool }

    init(_ context: DNNLContext, name: String, specs: [LayerSpec], inputShape: [Int], gradientSlots: Int) throws {
        self.context = context
        self.name = name
        self.specs = specs
        self.inputShape = inputShape
        var parameters: [(name: String, shape: [Int], view: TensorView)] = []
        var statistics: [Int: BatchNormStatistics] = [:]
        let k = LayerSpec.kernel
        for (index, spec) in specs.enumerated() {
            switch spec {
            case let .convolution(.convolution, inChannels, outChannels, _, _):
                parameters.append(("net.\(index).weight", [outChannels, inChannels, k, k],
                                   TensorView(dims: [outChannels, inChannels, k, k], tag: dnnl_oihw)))
            case let .convolution(.transposed, inChannels, outChannels, _, _):
                parameters.append(("net.\(index).weight", [inChannels, outChannels, k, k],
                                   TensorView(dims: [outChannels, inChannels, k, k], tag: dnnl_iohw)))
            case let .batchNorm(channels):
                parameters.append(("net.\(index).weight", [channels], TensorView(dims: [channels], tag: dnnl_a)))
                parameters.append(("net.\(index).bias", [channels], TensorView(dims: [channels], tag: dnnl_a)))
                statistics[index] = try BatchNormStatistics(context, channels: channels)
            case .activation:
                break
            }
        }
        self.parameters = try ParameterStore(context, parameters: parameters, gradientSlots: gradientSlots)
        self.statistics = statistics
    }

    public static func generator(_ context: DNNLContext, config: ModelConfig) throws -> Network {
        try Network(context, name: "generator", specs: config.generatorLayers,
                    inputShape: [config.latentSize, 1, 1], gradientSlots: 1)
    }

    /// Two gradient slots: one for the real batch, one for the fake batch of the D step.
    public static func discriminator(_ context: DNNLContext, config: ModelConfig) throws -> Network {
        try Network(context, name: "discriminator", specs: config.discriminatorLayers,
                    inputShape: [config.imageChannels, config.imageSize, config.imageSize], gradientSlots: 2)
    }

    /// The compiled graph for a batch size and mode (built once, then reused).
    func graph(batch: Int, training: Bool) throws -> NetworkGraph {
        let key = GraphKey(batch: batch, training: training)
        if let graph = graphs[key] { return graph }
        let graph = try NetworkGraph(context, network: self, batch: batch, training: training)
        graphs[key] = graph
        return graph
    }

    /// An input tensor of this network's shape for `batch` items.
    public func makeInput(batch: Int) throws -> Tensor {
        try Tensor(context, dims: [batch] + inputShape)
    }

    /// x: (N, C, H, W) → output; training mode uses batch statistics and updates the running ones.
    public func forward(_ x: Tensor, training: Bool) throws -> Tensor {
        precondition(Array(x.dims.dropFirst()) == inputShape, "\(name): input \(x.dims), expected (N, \(inputShape))")
        let graph = try graph(batch: x.dims[0], training: training)
        lastGraph = graph
        return graph.forward(x)
    }

    /// Back-propagates dL/d(output) of the last forward pass (which must have been in training mode).
    @discardableResult
    public func backward(_ dy: Tensor, inputGradient: Bool, weightGradients: Bool) -> Tensor? {
        guard let lastGraph, lastGraph.training else { preconditionFailure("\(name).backward needs a training forward") }
        return lastGraph.backward(dy, inputGradient: inputGradient, weightGradients: weightGradients)
    }

    /// Sets every parameter as `method` says, drawing from `random`.
    public func initialize(_ method: WeightInit, random: inout RandomGenerator) {
        for (index, info) in parameters.parameters.enumerated() {
            let values = parameters.values(of: index)
            let isBatchNorm = info.shape.count == 1
            switch (method, isBatchNorm) {
            case (_, true) where info.name.hasSuffix(".bias"):
                values.update(repeating: 0)
            case (.pytorch, true):
                values.update(repeating: 1)
            case (.dcgan, true):
                random.fillNormal(values, mean: 1, std: 0.02)
            case (.pytorch, false):
                // kaiming_uniform_(a=√5): bound = gain·√(3/fan_in) = 1/√fan_in, where PyTorch's
                // fan_in is size(1)·k·k (for a transposed convolution that is its output channels).
                let fanIn = info.shape[1] * info.shape[2] * info.shape[3]
                let bound = 1 / Float(fanIn).squareRoot()
                for i in values.indices { values[i] = random.uniform(-bound, bound) }
            case (.dcgan, false):
                random.fillNormal(values, mean: 0, std: 0.02)
            }
        }
        for stats in statistics.values {
            stats.runningMean.fill(0)
            stats.runningVariance.fill(1)
            stats.batchesTracked = 0
        }
    }

    /// Names of the BatchNorm buffers, in state-dict order, with their tensors.
    public var bufferNames: [(index: Int, prefix: String)] {
        statistics.keys.sorted().map { ($0, "net.\($0)") }
    }

    /// Running statistics of the BatchNorm at module `index`: (mean, variance, batches tracked).
    public func runningStatistics(module index: Int) -> (mean: Tensor, variance: Tensor, batchesTracked: Int64)? {
        statistics[index].map { ($0.runningMean, $0.runningVariance, $0.batchesTracked) }
    }

    public func setBatchesTracked(module index: Int, _ value: Int64) {
        statistics[index]?.batchesTracked = value
    }

    /// Parameter count (learnable values only).
    public var parameterCount: Int { parameters.count }
}

/// The layers of a network compiled for one batch size and mode.
final class NetworkGraph {
    let batch: Int
    let training: Bool
    private let layers: [any Layer]

    init(_ context: DNNLContext, network: Network, batch: Int, training: Bool) throws {
        self.batch = batch
        self.training = training
        var shape = [batch] + network.inputShape
        var layers: [any Layer] = []
        let store = network.parameters
        for (index, spec) in network.specs.enumerated() {
            switch spec {
            case let .convolution(kind, _, outChannels, stride, padding):
                let p = store.index(of: "net.\(index).weight")!
                let layer = try Convolution2d(context, kind: kind, inputShape: shape, outChannels: outChannels,
                                              kernel: LayerSpec.kernel, stride: stride, padding: padding,
                                              weight: store.valueTensors[p], weightGradient: store.gradientTensors[p])
                shape = layer.outputShape
                layers.append(layer)
            case .batchNorm:
                let w = store.index(of: "net.\(index).weight")!, b = store.index(of: "net.\(index).bias")!
                layers.append(try BatchNorm2d(context, shape: shape, training: training,
                                              scale: store.valueTensors[w], shift: store.valueTensors[b],
                                              scaleGradient: store.gradientTensors[w],
                                              shiftGradient: store.gradientTensors[b],
                                              statistics: network.statistics[index]!))
            case let .activation(kind):
                layers.append(try Activation(context, kind: kind, shape: shape))
            }
        }
        self.layers = layers
    }

    func forward(_ x: Tensor) -> Tensor {
        var y = x
        for layer in layers { y = layer.forward(y) }
        return y
    }

    func backward(_ dy: Tensor, inputGradient: Bool, weightGradients: Bool) -> Tensor? {
        var gradient = dy
        for (position, layer) in layers.enumerated().reversed() {
            let wantInput = position > 0 || inputGradient
            guard let dx = layer.backward(gradient, inputGradient: wantInput, weightGradients: weightGradients) else {
                return nil
            }
            gradient = dx
        }
        return gradient
    }
}

extension Network {
    /// Runs `body` and then puts the BatchNorm running statistics back as they were, so that a
    /// look at the network in training mode (a preview) leaves no trace in its state.
    public func preservingStatistics<T>(_ body: () throws -> T) rethrows -> T {
        let saved = statistics.mapValues { ($0.runningMean.toArray(), $0.runningVariance.toArray(), $0.batchesTracked) }
        defer {
            for (index, (mean, variance, tracked)) in saved {
                statistics[index]!.runningMean.copy(from: mean)
                statistics[index]!.runningVariance.copy(from: variance)
                statistics[index]!.batchesTracked = tracked
            }
        }
        return try body()
    }
}
