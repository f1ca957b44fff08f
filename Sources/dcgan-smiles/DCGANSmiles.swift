import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

@main
struct DCGANSmiles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcgan-smiles",
        abstract: "Train a DCGAN to draw 64×64 smiley faces, live in the terminal.",
        subcommands: [Train.self, Sample.self, DatasetCommand.self, Inspect.self, Eval.self, Bench.self],
        defaultSubcommand: nil
    )

    /// Usage errors (unknown flags, invalid values) are one line on stderr and exit code 2, before
    /// any work; everything else goes through ArgumentParser's own handling.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            printError("dcgan-smiles: \(failure.description)")
            Glibc.exit(1)
        } catch {
            if exitCode(for: error) == .validationFailure {
                let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
                printError("dcgan-smiles: \(message) (see --help)")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
