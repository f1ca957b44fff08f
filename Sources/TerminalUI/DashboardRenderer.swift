/// Draws the whole screen for a state into a fresh off-screen buffer: the dashboard, then
/// the open overlay (help, quit prompt or zoomed face), or the too-small notice.
public enum DashboardRenderer {
    public static func render(_ state: UIState, now: Double, width: Int, height: Int,
                              capabilities: DisplayCapabilities) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height)
        guard let layout = DashboardLayout(width: width, height: height, showsQuality: state.showsQuality) else {
            TooSmallScreen(quitPromptOpen: state.overlay == .quitPrompt).draw(into: &buffer, capabilities: capabilities)
            if !capabilities.unicode { buffer.replaceNonASCII() }
            return buffer
        }
        HeaderWidget(state: state, now: now).draw(in: layout.header, into: &buffer, capabilities: capabilities)
        lossChart(state).draw(in: layout.lossChart, into: &buffer, capabilities: capabilities)
        probabilityChart(state).draw(in: layout.probabilityChart, into: &buffer, capabilities: capabilities)
        if let rect = layout.qualityChart {
            qualityChart(state).draw(in: rect, into: &buffer, capabilities: capabilities)
        }
        SamplePreviewWidget(state: state).draw(in: layout.preview, into: &buffer, capabilities: capabilities)
        MachinePanelWidget(snapshot: state.system).draw(in: layout.machine, into: &buffer, capabilities: capabilities)
        ControlsWidget(state: state, now: now).draw(in: layout.controls, into: &buffer, capabilities: capabilities)
        KeyHintWidget(state: state).draw(in: layout.hints, into: &buffer, capabilities: capabilities)

        if state.zoomedFace != nil {
            ZoomOverlay(state: state).draw(in: layout.body, into: &buffer, capabilities: capabilities)
        }
        switch state.overlay {
        case .help?: HelpOverlay().draw(in: layout.body, into: &buffer, capabilities: capabilities)
        case .quitPrompt?: QuitPromptOverlay(unsavedSteps: state.unsavedSteps)
            .draw(in: layout.body, into: &buffer, capabilities: capabilities)
        case nil: break
        }
        if !capabilities.unicode { buffer.replaceNonASCII() }
        return buffer
    }

    static func lossChart(_ state: UIState) -> LineChart {
        LineChart(title: "Loss",
                  series: [
                      .init(name: "G", raw: state.gLoss.raw, smooth: state.gLoss.smooth, color: .brightMagenta,
                            asciiMark: "G", latest: state.gLoss.smoothed),
                      .init(name: "D", raw: state.dLoss.raw, smooth: state.dLoss.smooth, color: .brightCyan,
                            asciiMark: "D", latest: state.dLoss.smoothed),
                  ],
                  logScale: state.logScale, fixedRange: nil, note: state.logScale ? "log" : nil)
    }

    static func probabilityChart(_ state: UIState) -> LineChart {
        LineChart(title: "D(x) / D(G(z))",
                  series: [
                      .init(name: "D(x)", raw: state.dReal.raw, smooth: state.dReal.smooth, color: .brightGreen,
                            asciiMark: "x", latest: state.dReal.smoothed),
                      .init(name: "D(G(z))", raw: state.dFake.raw, smooth: state.dFake.smooth, color: .brightYellow,
                            asciiMark: "z", latest: state.dFake.smoothed),
                  ],
                  logScale: false, fixedRange: 0...1, note: nil)
    }

    /// What sampling draws, as measured: precision and TV over the steps, the modes covered, and
    /// the step of the run's first clean faces.
    static func qualityChart(_ state: UIState) -> LineChart {
        let latest = (state.latestQuality ?? state.replayedQuality)?.sampled
        var notes: [String] = []
        if let latest { notes.append("\(latest.modesCovered)/\(latest.modes)") }
        if let clean = state.firstClean {
            notes.append("clean at \(Format.count(clean.iteration))")
        } else if latest != nil {
            notes.append("not clean")
        }
        return LineChart(title: "Quality",
                         series: [
                             .init(name: "precision", raw: SeriesHistory(), smooth: state.qualityPrecision, color: .brightBlue,
                                   asciiMark: "p", latest: latest.map { Float($0.precision) }),
                             .init(name: "TV", raw: SeriesHistory(), smooth: state.qualityTV, color: .brightRed,
                                   asciiMark: "t", latest: latest.map { Float($0.totalVariation) }),
                         ],
                         logScale: false, fixedRange: 0...1, note: notes.isEmpty ? nil : notes.joined(separator: ", "))
    }
}
