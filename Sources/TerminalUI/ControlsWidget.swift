import TrainerProtocol

/// The bottom band: learning rates of G and D in its title (selected net marked, pending
/// changes flagged), then the most recent events, newest last.
struct ControlsWidget {
    var state: UIState
    var now: Double

    func draw(in rect: Rect, into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        var area = rect
        PanelTitle.draw(learningRateSpans(capabilities: capabilities), in: area.takeTop(1), into: &buffer,
                        capabilities: capabilities)
        let entries = state.log.suffix(area.height)
        for (row, entry) in entries.enumerated() {
            let time = Format.duration(max(0, entry.time - (state.startedAt ?? entry.time))).leftPadded(to: 7)
            buffer.put([TextSpan(time + " ", .fg(.gray)), TextSpan(entry.text, style(entry.severity))],
                       x: area.x, y: area.y + row, limit: area.maxX)
            if entry.text.count + 8 > area.width {  // mark cut lines
                buffer[area.maxX - 1, area.y + row] = Cell(capabilities.ellipsis, style: style(entry.severity))
            }
        }
    }

    func learningRateSpans(capabilities: DisplayCapabilities) -> [TextSpan] {
        var spans = [TextSpan("Learning rate", .fg(.default, [.bold]))]
        for (net, value) in [(NetSelection.generator, state.learningRateG), (.discriminator, state.learningRateD)] {
            let selected = state.selection.includes(net)
            let marker = selected ? (capabilities.unicode ? "▶" : ">") : " "
            var text = "\(marker)\(net.rawValue) \(Format.learningRate(value))"
            if state.learningRatePending(net) { text += " pending" }
            spans.append(TextSpan(text, selected ? CellStyle(foreground: .brightCyan, attributes: [.bold]) : .plain))
        }
        if state.isPending(.saveCheckpoint) {
            spans.append(TextSpan(capabilities.unicode ? "saving checkpoint…" : "saving checkpoint...", .fg(.yellow)))
        } else if let last = state.lastCheckpointIteration {
            spans.append(TextSpan("saved @\(Format.count(last)), \(Format.count(state.unsavedSteps)) since",
                                  .fg(.gray)))
        }
        return spans
    }

    func style(_ severity: EventLogEntry.Severity) -> CellStyle {
        switch severity {
        case .info: .plain
        case .success: .fg(.green)
        case .warning: .fg(.yellow, [.bold])
        case .error: .fg(.brightRed, [.bold])
        }
    }
}
