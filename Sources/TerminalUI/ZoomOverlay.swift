import TrainerProtocol

/// One face at full size (64×64 pixels = 64 columns × 32 rows) in a box over the dashboard,
/// or as large as the terminal allows.
struct ZoomOverlay {
    var state: UIState

    func draw(in body: Rect, into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        guard let face = state.zoomedFace, let batch = state.previewBatch, face < batch.count else { return }
        let pixels = min(batch.width, 64, body.width - 2, 2 * (body.height - 2))
        let size = pixels - pixels % 2
        guard size >= 2 else { return }
        let box = body.centered(width: size + 2, height: size / 2 + 2)
        OverlayBox.draw(title: "face \(face + 1)/\(batch.count)", in: box, into: &buffer, capabilities: capabilities)
        FaceRenderer.draw(batch, index: face, pixels: size, x: box.x + 1, y: box.y + 1,
                          into: &buffer, capabilities: capabilities)
    }
}
