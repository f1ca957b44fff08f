import Foundation

/// Writes to stderr unbuffered (the C `stderr` global is not concurrency-safe to touch from Swift 6).
func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}

/// Writes one line to stdout at once: a consumer of `train --headless` (a pipe, a file being
/// tailed) sees every step as it happens, not when a buffer fills.
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
