import Foundation

/// The bottom line: the main keys and what they do now (e.g. "space resume" when paused),
/// or the hint for whatever overlay is open.
struct KeyHintWidget {
    var state: UIState

    func draw(in rect: Rect, into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        guard !rect.isEmpty else { return }
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1))
        let key = CellStyle.fg(.brightCyan, [.bold])
        let text = CellStyle.fg(.gray)
        var spans: [TextSpan] = []
        func add(_ k: String, _ t: String) {
            spans.append(TextSpan(" " + k, key))
            spans.append(TextSpan(" " + t + " ", text))
        }
        switch (state.overlay, state.quitFlow) {
        case (.help?, _):
            add("any key", "close help")
        case (.quitPrompt?, _):
            add("y", "save and quit"); add("n", "quit without saving"); add("esc", "cancel")
        case (nil, .savingBeforeStop), (nil, .stopping):
            add("ctrl-C", "leave now")
        case (nil, .none):
            if state.runEnded {
                add("q", "leave"); add("r", "real"); add("z", "zoom"); add("l", "log"); add("?", "help")
            } else if state.zoomedFace != nil {
                add(capabilities.unicode ? "← →" : "[ ]", "face"); add("z", "close zoom")
                add("space", state.intendedPaused ? "resume" : "pause"); add("q", "quit")
            } else {
                for binding in KeyBinding.all {
                    guard let hint = binding.hint else { continue }
                    let keyText = binding.keys.replacingOccurrences(of: " / ", with: "/")
                    add(keyText, binding.keys == "space" && state.intendedPaused ? "resume" : hint)
                }
            }
        }
        buffer.put(spans, x: rect.x, y: rect.y, limit: rect.maxX)
    }
}
