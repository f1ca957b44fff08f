import Foundation

/// Short, fixed-style number and time formats for a narrow screen. Uses Foundation's
/// locale-independent formatting, so a decimal comma locale can't change the layout.
enum Format {
    /// "0:07", "12:34", "1:02:03".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let total = Int(seconds.rounded(.down))
        let h = total / 3600, m = (total / 60) % 60, s = total % 60
        if h > 0 { return String(format: "%d:%02d:%02d", h, m, s) }
        return String(format: "%d:%02d", m, s)
    }

    /// Three significant digits, switching to exponent form when very small or large.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        if magnitude >= 10_000 || magnitude < 0.001 { return String(format: "%.1e", value) }
        if magnitude >= 100 { return String(format: "%.0f", value) }
        return String(format: "%.3g", value)
    }

    /// A learning rate such as "2.00e-4".
    static func learningRate(_ value: Float?) -> String {
        guard let value else { return "--" }
        return String(format: "%.2e", Double(value))
    }

    /// Bytes in binary units: "812M", "1.2G", "139G".
    static func bytes(_ value: UInt64?) -> String {
        guard let value else { return "--" }
        let units = ["B", "K", "M", "G", "T", "P"]
        var size = Double(value)
        var unit = 0
        while size >= 1024 && unit < units.count - 1 {
            size /= 1024
            unit += 1
        }
        if unit == 0 || size >= 10 { return String(format: "%.0f", size) + units[unit] }
        return String(format: "%.1f", size) + units[unit]
    }

    /// A fraction 0...1 as "63%".
    static func percent(_ fraction: Double?) -> String {
        guard let fraction, fraction.isFinite else { return "--%" }
        return String(format: "%.0f%%", fraction * 100)
    }

    /// "1,234" style grouping for step counters.
    static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return value < 0 ? "-" + grouped : grouped
    }
}
