import ArgumentParser

/// A command that cannot do what was asked (unreadable or mismatched file, unwritable output):
/// one line on stderr and exit code 1. Nothing has been written when it is thrown.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
