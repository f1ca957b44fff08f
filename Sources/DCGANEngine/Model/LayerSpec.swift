/// One entry of a network's `nn.Sequential`, by value; its index is the PyTorch module index,
/// which names its parameters (`net.<index>.weight`).
enum LayerSpec: Equatable {
    case convolution(Convolution2d.Kind, inChannels: Int, outChannels: Int, stride: Int, padding: Int)
    case batchNorm(channels: Int)
    case activation(Activation.Kind)

    static let kernel = 4
}

/// Sizes of the seed's DCGAN; the tests use small latent sizes and widths.
public struct ModelConfig: Sendable, Equatable, Codable {
    public var latentSize: Int
    public var featureMaps: Int
    public var imageChannels: Int
    /// Images are imageSize × imageSize; the architecture is the 64×64 one.
    public var imageSize: Int { 64 }

    public init(latentSize: Int = 100, featureMaps: Int = 64, imageChannels: Int = 3) {
        self.latentSize = latentSize
        self.featureMaps = featureMaps
        self.imageChannels = imageChannels
    }

    /// G: z (N, L, 1, 1) → image (N, 3, 64, 64), as the seed's Generator.net.
    var generatorLayers: [LayerSpec] {
        let f = featureMaps
        return [
            .convolution(.transposed, inChannels: latentSize, outChannels: f * 8, stride: 1, padding: 0),
            .batchNorm(channels: f * 8), .activation(.relu),
            .convolution(.transposed, inChannels: f * 8, outChannels: f * 4, stride: 2, padding: 1),
            .batchNorm(channels: f * 4), .activation(.relu),
            .convolution(.transposed, inChannels: f * 4, outChannels: f * 2, stride: 2, padding: 1),
            .batchNorm(channels: f * 2), .activation(.relu),
            .convolution(.transposed, inChannels: f * 2, outChannels: f, stride: 2, padding: 1),
            .batchNorm(channels: f), .activation(.relu),
            .convolution(.transposed, inChannels: f, outChannels: imageChannels, stride: 2, padding: 1),
            .activation(.tanh),
        ]
    }

    /// D: image (N, 3, 64, 64) → probability (N, 1, 1, 1), as the seed's Discriminator.net.
    var discriminatorLayers: [LayerSpec] {
        let f = featureMaps
        let leaky = Activation.Kind.leakyReLU(slope: 0.2)
        return [
            .convolution(.convolution, inChannels: imageChannels, outChannels: f, stride: 2, padding: 1),
            .activation(leaky),
            .convolution(.convolution, inChannels: f, outChannels: f * 2, stride: 2, padding: 1),
            .batchNorm(channels: f * 2), .activation(leaky),
            .convolution(.convolution, inChannels: f * 2, outChannels: f * 4, stride: 2, padding: 1),
            .batchNorm(channels: f * 4), .activation(leaky),
            .convolution(.convolution, inChannels: f * 4, outChannels: f * 8, stride: 2, padding: 1),
            .batchNorm(channels: f * 8), .activation(leaky),
            .convolution(.convolution, inChannels: f * 8, outChannels: 1, stride: 1, padding: 0),
            .activation(.sigmoid),
        ]
    }
}
