import ArgumentParser

@main
struct DCGANSmiles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcgan-smiles",
        abstract: "Train a DCGAN to draw 64×64 smiley faces, live in the terminal.",
        subcommands: []
    )
}
