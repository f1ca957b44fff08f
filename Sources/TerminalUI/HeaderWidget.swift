import TrainerProtocol

/// The top bar: program name, run state badge, epoch and step of total, throughput,
/// elapsed time and ETA.
struct HeaderWidget {
    var state: UIState
    var now: Double

    func draw(in rect: Rect, into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        guard !rect.isEmpty else { return }
        let bar = CellStyle(foreground: .default, background: .default, attributes: [.reverse])
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), with: Cell(" ", style: bar))
        let separator = TextSpan(capabilities.unicode ? " │ " : " | ", bar)
        var spans = [TextSpan(" DCGAN smiles", CellStyle(attributes: [.reverse, .bold])), separator,
                     TextSpan(" \(state.stateLabel(ellipsis: capabilities.unicode ? "…" : "...")) ",
                              badgeStyle(capabilities))]
        for field in fields() {
            spans.append(separator)
            spans.append(TextSpan(field, bar))
        }
        buffer.put(spans, x: rect.x, y: rect.y, limit: rect.maxX)
    }

    /// The texts after the badge, most important first (the end is cut on narrow screens).
    func fields() -> [String] {
        var fields: [String] = []
        if let info = state.runInfo {
            fields.append("epoch \(max(state.epoch, 1))/\(info.epochs)")
            fields.append("step \(Format.count(state.iteration))/\(Format.count(info.totalIterations))")
        }
        if let ips = state.imagesPerSecond { fields.append("\(Format.number(ips)) img/s") }
        if let elapsed = state.elapsed(now: now) { fields.append(Format.duration(elapsed)) }
        if state.runInfo != nil && !state.runEnded {
            if let eta = state.eta() {
                fields.append("ETA \(Format.duration(eta))")
            } else if state.runState != .running {
                fields.append("ETA --")
            }
        }
        return fields
    }

    /// Colour tells the state at a glance; without colour the badge is bold.
    private func badgeStyle(_ capabilities: DisplayCapabilities) -> CellStyle {
        guard capabilities.color else { return CellStyle(attributes: [.bold]) }
        let color: TerminalColor
        switch state.summary?.state ?? state.runState {
        case .running?: color = .green
        case .paused?: color = .yellow
        case .diverged?, .failed?: color = .red
        case .finished?: color = .cyan
        case .stopped?, nil: color = .gray
        }
        return CellStyle(foreground: .black, background: color, attributes: [.bold])
    }
}
