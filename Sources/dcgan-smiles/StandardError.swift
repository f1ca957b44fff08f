import Foundation

/// Writes to stderr unbuffered (the C `stderr` global is not concurrency-safe to touch from Swift 6).
func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}
