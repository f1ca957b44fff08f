/// A line in the "last events" panel.
public struct EventLogEntry: Sendable, Equatable {
    public enum Severity: Sendable, Equatable { case info, success, warning, error }

    /// Seconds since the UI started.
    public var time: Double
    public var severity: Severity
    public var text: String

    public init(time: Double, severity: Severity, text: String) {
        self.time = time
        self.severity = severity
        self.text = text
    }
}
