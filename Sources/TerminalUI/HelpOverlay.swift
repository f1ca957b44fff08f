import Foundation

/// The `?` box listing every key.
struct HelpOverlay {
    func draw(in body: Rect, into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        let keyWidth = 8
        let lines = KeyBinding.all.map { binding in
            (binding.keys.padded(to: keyWidth), capabilities.unicode ? binding.action : ascii(binding.action))
        }
        let width = min(body.width, 2 + 2 + keyWidth + (lines.map(\.1.count).max() ?? 0) + 2)
        let height = min(body.height, lines.count + 4)
        let box = body.centered(width: width, height: height)
        OverlayBox.draw(title: "Keys", in: box, into: &buffer, capabilities: capabilities)
        let inner = box.inset(dx: 2, dy: 1)
        for (row, line) in lines.prefix(max(0, inner.height - 1)).enumerated() {
            buffer.put([TextSpan(line.0, .fg(.brightCyan, [.bold])), TextSpan(line.1)], x: inner.x, y: inner.y + row,
                       limit: inner.maxX)
        }
        buffer.put("any key closes this help", in: inner, row: inner.height - 1, style: .fg(.gray),
                   ellipsis: capabilities.ellipsis)
    }

    private func ascii(_ text: String) -> String {
        text.replacingOccurrences(of: "×", with: "x").replacingOccurrences(of: "÷", with: "/")
            .replacingOccurrences(of: "← →", with: "[ ]")
    }
}
