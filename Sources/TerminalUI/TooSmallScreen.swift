/// What the whole screen shows when it is below the minimum size. Keys still work; the
/// quit question, if open, is shown here too so q can be answered without resizing.
struct TooSmallScreen {
    var quitPromptOpen = false

    func draw(into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        buffer.fill(buffer.bounds)
        let message = DashboardLayout.tooSmallMessage(width: buffer.width, height: buffer.height,
                                                      ascii: !capabilities.unicode)
        // Wrap onto as many lines as the width needs, centred vertically.
        let width = max(1, buffer.width)
        var lines: [String] = []
        var rest = Substring(message)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(width)))
            rest = rest.dropFirst(width)
        }
        lines.append(quitPromptOpen ? UIState.quitQuestion : "resize, or press q to quit")
        let top = max(0, (buffer.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            let text = line.truncated(to: width, ellipsis: capabilities.ellipsis)
            buffer.put(text, x: max(0, (buffer.width - text.count) / 2), y: top + index,
                       style: .fg(.yellow, [.bold]))
        }
    }
}
