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
    /// Changes of the parameter values, for the layers' reordered weight copies.
    let weightGeneration = WeightGeneration()
    /// Only the discriminator's result is read by Swift (the loss): it is made plain float32.
    let plainResult: Bool
    /// Precision, layouts and fusions of the compiled graphs; changing them recompiles on next use.
    public var options = GraphOptions() {
        didSet {
            if options != oldValue {
                graphs = [:]
                lastGraph = nil
            }
        }
    }

    private struct GraphKey: Hashable { let batch: Int; let training: Bool; let precision: Precision; let heldSlopes: Bool }

    init(_ context: DNNLContext, name: String, specs: [LayerSpec], inputShape: [Int], gradientSlots: Int,
         plainResult: Bool = false) throws {
        self.context = context
        self.plainResult = plainResult
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

    /// Two gradient slots: one for the real batch, one for the fake batch of the D step (and a third
    /// for the R1 penalty's passes with `penaltySlot`). With `logits`, D stops before its final
    /// Sigmoid (the loss applies it); the parameters are the same.
    public static func discriminator(_ context: DNNLContext, config: ModelConfig, logits: Bool = false,
                                     penaltySlot: Bool = false) throws -> Network {
        try Network(context, name: "discriminator", specs: logits ? Array(config.discriminatorLayers.dropLast()) : config.discriminatorLayers,
                    inputShape: [config.imageChannels, config.imageSize, config.imageSize], gradientSlots: penaltySlot ? 3 : 2,
                    plainResult: true)
    }

    /// The compiled graph for a batch size and mode (built once, then reused), in the options'
    /// precision unless `precision` says otherwise.
    func graph(batch: Int, training: Bool, precision: Precision? = nil, heldSlopes: Bool = false) throws -> NetworkGraph {
        let key = GraphKey(batch: batch, training: training, precision: precision ?? options.precision, heldSlopes: heldSlopes)
        if let graph = graphs[key] { return graph }
        if key.precision == .bf16, !Precision.bf16IsAvailable { throw BF16UnavailableError() }
        let graph = try NetworkGraph(context, network: self, batch: batch, training: training, precision: key.precision,
                                     heldSlopes: heldSlopes)
        graphs[key] = graph
        return graph
    }

    /// An input tensor of this network's shape for `batch` items.
    public func makeInput(batch: Int) throws -> Tensor {
        try Tensor(context, dims: [batch] + inputShape)
    }

    /// A plain float32 tensor in this network's oneDNN context.
    func makeTensor(dims: [Int]) throws -> Tensor { try Tensor(context, dims: dims) }

    /// x: (N, C, H, W) → output; training mode uses batch statistics and updates the running ones.
    /// The output may be in a blocked or bfloat16 layout (the generator's): read it with `toArray()`.
    /// `precision` computes this pass in another arithmetic than the options' (a graph of its own,
    /// e.g. bfloat16 passes that only look at the network).
    public func forward(_ x: Tensor, training: Bool, precision: Precision? = nil) throws -> Tensor {
        try forward(x, training: training, weightsChanged: true, precision: precision)
    }

    /// `weightsChanged: false` promises that the parameters were not written since this network's
    /// last forward pass, so the layers keep their reordered weights (the training step knows).
    /// `slopes`: the LeakyReLUs' slopes from this pass's input (`free`, every ordinary pass), or, in a
    /// graph of their own, recorded by this pass or held from the last recording one (R1's passes).
    func forward(_ x: Tensor, training: Bool, weightsChanged: Bool, precision: Precision? = nil,
                 slopes: SlopeMode = .free) throws -> Tensor {
        precondition(Array(x.dims.dropFirst()) == inputShape, "\(name): input \(x.dims), expected (N, \(inputShape))")
        if weightsChanged { weightGeneration.advance() }
        let graph = try graph(batch: x.dims[0], training: training, precision: precision, heldSlopes: slopes != .free)
        graph.holdSlopes(slopes == .hold)
        lastGraph = graph
        return graph.forward(x)
    }

    /// How a forward pass sets the LeakyReLU slopes (see `HeldSlopeLeakyReLU`).
    enum SlopeMode { case free, record, hold }

    /// The layers of the graph for a batch size and mode, as the bench's layer table shows them.
    public func layerSummaries(batch: Int, training: Bool) throws -> [LayerSummary] {
        try graph(batch: batch, training: training).layers.map(\.summary)
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
        for stats in statistics.values { stats.reset() }
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

/// The layers of a network compiled for one batch size and mode. Each layer computes in the
/// layout its predecessor hands it (the convolutions choose theirs), with the fusions and the
/// precision of the network's `options`.
final class NetworkGraph {
    let batch: Int
    let training: Bool
    let layers: [any Layer]

    /// `heldSlopes`: LeakyReLUs that can hold their slopes (`HeldSlopeLeakyReLU`), none fused into
    /// a convolution.
    init(_ context: DNNLContext, network: Network, batch: Int, training: Bool, precision: Precision,
         heldSlopes: Bool = false) throws {
        self.batch = batch
        self.training = training
        var options = network.options
        options.precision = precision
        if heldSlopes { options.fuseConvolutionActivation = false }
        let store = network.parameters
        let specs = network.specs
        let lastConvolution = specs.lastIndex { if case .convolution = $0 { return true } else { return false } }
        var shape = [batch] + network.inputShape
        var desc: dnnl_memory_desc_t? = options.preferredLayouts ? nil : try MemoryDescriptor.plain(dims: shape)
        var layers: [any Layer] = []
        var index = 0
        while index < specs.count {
            let label = LayerLabel(network: network.name, module: index, name: specs[index].shortName)
            let next = index + 1 < specs.count ? specs[index + 1] : nil
            switch specs[index] {
            case let .convolution(kind, _, outChannels, stride, padding):
                let p = store.index(of: "net.\(index).weight")!
                // The discriminator's last layer (512 → 1) computes in float32 into plain memory:
                // its probabilities go to the loss in Swift.
                let isResult = network.plainResult && index == lastConvolution
                var convolution = Convolution2d.Options()
                convolution.dataType = isResult ? dnnl_f32 : options.precision.dataType
                // The generator's image comes out in float32 (tanh's gradient needs it, and the
                // pictures are read in float32 anyway).
                if index == lastConvolution { convolution.outputDataType = dnnl_f32 }
                convolution.layout = options.preferredLayouts ? (options.convolutionLayouts[index] ?? .any) : .plain
                convolution.plainResult = isResult
                convolution.plainOutputs = false
                convolution.generation = network.weightGeneration
                convolution.inputDesc = desc
                if !options.swappedWeightGradients { convolution.transposedWeightGradient = false }
                convolution.label = label
                if options.fuseConvolutionActivation, case let .activation(activation)? = next {
                    convolution.activation = activation
                    convolution.label.name += "+\(activation.name)"
                }
                func make(_ options: Convolution2d.Options) throws -> Convolution2d {
                    try Convolution2d(context, kind: kind, inputShape: shape, outChannels: outChannels,
                                      kernel: LayerSpec.kernel, stride: stride, padding: padding,
                                      weight: store.valueTensors[p], weightGradient: store.gradientTensors[p],
                                      options: options)
                }
                var layer = try make(convolution)
                if !layer.fusionPays {
                    convolution.activation = nil
                    convolution.label = label
                    layer = try make(convolution)
                }
                shape = layer.outputShape
                desc = layer.outputDesc
                layers.append(layer)
                if convolution.activation != nil { index += 1 }
            case .batchNorm:
                let w = store.index(of: "net.\(index).weight")!, b = store.index(of: "net.\(index).bias")!
                let fuse = options.fuseBatchNormReLU && next == .activation(.relu)
                let layer = try BatchNorm2d(context, shape: shape, training: training,
                                            scale: store.valueTensors[w], shift: store.valueTensors[b],
                                            scaleGradient: store.gradientTensors[w], shiftGradient: store.gradientTensors[b],
                                            statistics: network.statistics[index]!, dataDesc: desc, fuseReLU: fuse,
                                            label: label)
                desc = layer.outputDesc
                layers.append(layer)
                if fuse { index += 1 }
            case let .activation(.leakyReLU(slope)) where heldSlopes:
                let layer = try HeldSlopeLeakyReLU(context, slope: slope, dataDesc: desc ?? MemoryDescriptor.plain(dims: shape),
                                                   label: label)
                desc = layer.outputDesc
                layers.append(layer)
            case let .activation(kind):
                // In place only after a BatchNorm, whose output nothing else reads.
                var afterBatchNorm = false
                if index > 0, case .batchNorm = specs[index - 1] { afterBatchNorm = true }
                let layer = try Activation(context, kind: kind, shape: shape, dataDesc: desc,
                                           inPlace: options.inPlaceActivations && afterBatchNorm && desc != nil,
                                           label: label)
                desc = layer.outputDesc
                layers.append(layer)
            }
            index += 1
        }
        self.layers = layers
    }

    func forward(_ x: Tensor) -> Tensor {
        var y = x
        for layer in layers { y = layer.forward(y) }
        return y
    }

    func holdSlopes(_ hold: Bool) {
        for case let layer as HeldSlopeLeakyReLU in layers { layer.holdsSlopes = hold }
    }

    func backward(_ dy: Tensor, inputGradient: Bool, weightGradients: Bool) -> Tensor? {
        var gradient = dy
        var position = layers.count
        while position > 0 { // (an index loop: `enumerated().reversed()` allocates on every call)
            position -= 1
            let wantInput = position > 0 || inputGradient
            guard let dx = layers[position].backward(gradient, inputGradient: wantInput, weightGradients: weightGradients) else {
                return nil
            }
            gradient = dx
        }
        return gradient
    }
}

extension LayerSpec {
    var shortName: String {
        switch self {
        case .convolution(.convolution, let i, let o, _, _): return "conv \(i)→\(o)"
        case .convolution(.transposed, let i, let o, _, _): return "convT \(i)→\(o)"
        case .batchNorm: return "bn"
        case .activation(let kind): return kind.name
        }
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

extension Network {
    /// Replaces the BatchNorm running statistics by the plain average of the batch statistics of
    /// training-mode passes over `inputs` (PyTorch's `torch.optim.swa_utils.update_bn`): statistics
    /// that belong to the current weights, where the running ones mix in those of earlier weights.
    public func recomputeRunningStatistics(over inputs: [Tensor]) throws {
        for stats in statistics.values {
            stats.reset()
            stats.momentum = nil
        }
        defer { for stats in statistics.values { stats.momentum = BatchNorm2d.momentum } }
        for x in inputs { _ = try forward(x, training: true) }
    }

    /// The same over `samples` standard-normal inputs drawn from `random`, in batches of `batch`
    /// (for a generator: latent noise).
    public func recomputeRunningStatistics(samples: Int, batch: Int = 256, random: inout RandomGenerator) throws {
        let inputs = try stride(from: 0, to: samples, by: batch).map { start in
            let input = try makeInput(batch: min(batch, samples - start))
            random.fillNormal(input.buffer)
            return input
        }
        try recomputeRunningStatistics(over: inputs)
    }
}

extension Network {
    /// Makes this network's parameters and BatchNorm statistics equal to `other`'s (same architecture).
    public func copyState(from other: Network) {
        precondition(other.parameters.count == parameters.count && other.specs == specs, "copyState: different architectures")
        _ = parameters.values.update(fromContentsOf: other.parameters.values)
        for (index, stats) in statistics {
            let source = other.statistics[index]!
            stats.runningMean.copy(from: source.runningMean)
            stats.runningVariance.copy(from: source.runningVariance)
            stats.batchesTracked = source.batchesTracked
        }
    }
}
