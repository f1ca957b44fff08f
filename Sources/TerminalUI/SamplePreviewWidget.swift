import TrainerProtocol

/// The preview panel: a grid of generated faces (or real training images), as many as fit.
struct SamplePreviewWidget {
    var state: UIState

    func draw(in rect: Rect, into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        var area = rect
        let titleRect = area.takeTop(1)
        let batch = state.previewBatch
        var title = [TextSpan(state.previewSource == .generated ? "Samples" : "Real images", .fg(.default, [.bold]))]
        if state.previewSource == .generated, let at = state.generatedIteration {
            title.append(TextSpan("step \(Format.count(at))", .fg(.gray)))
        }
        if let report = state.latestQuality, state.previewSource == .generated {
            // What sampling draws: with Jacobian truncation, the faces it keeps, as the previews show them.
            let quality = report.sampled
            let kept = report.keep.map { String(format: " (kept %.2f)", $0) } ?? ""
            title.append(TextSpan("quality \(Int((quality.precision * 100).rounded()))% \(quality.modesCovered)/\(quality.modes)" + kept,
                                  .fg(quality.isClean ? .green : .yellow)))
        }
        if state.isPending(.newPreviewNoise) || state.isPending(.requestSamples(state.previewSource)) {
            title.append(TextSpan(capabilities.unicode ? "updating…" : "updating...", .fg(.yellow)))
        }
        PanelTitle.draw(title, in: titleRect, into: &buffer, capabilities: capabilities)

        guard let batch else {
            let text = state.previewSource == .generated ? "no samples yet" : "waiting for real images"
            buffer.put(text, in: area.inset(dx: 1, dy: area.height / 2), style: .fg(.gray))
            return
        }
        guard let grid = PreviewGrid.fit(width: area.width, height: area.height, imageCount: batch.count,
                                         imageSize: batch.width, maxColumns: state.previewColumns,
                                         maxRows: state.previewRows) else { return }
        // Centre the grid in the panel.
        let origin = area.centered(width: grid.cellWidth, height: grid.cellHeight)
        for row in 0..<grid.rows {
            for column in 0..<grid.columns {
                FaceRenderer.draw(batch, index: row * grid.columns + column, pixels: grid.pixels,
                                  x: origin.x + column * (grid.pixels + 1), y: origin.y + row * grid.faceRows,
                                  into: &buffer, capabilities: capabilities)
            }
        }
    }
}
