/// The question asked by q when there are steps since the last checkpoint.
struct QuitPromptOverlay {
    var unsavedSteps: Int

    func draw(in body: Rect, into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        let question = UIState.quitQuestion
        let detail = "\(Format.count(unsavedSteps)) steps since the last checkpoint."
        let width = min(body.width, max(question.count, detail.count) + 4)
        let box = body.centered(width: width, height: 5)
        OverlayBox.draw(title: "Quit", in: box, into: &buffer, capabilities: capabilities)
        let inner = box.inset(dx: 2, dy: 1)
        buffer.put(detail, in: inner, row: 0, ellipsis: capabilities.ellipsis)
        buffer.put(question, in: inner, row: 2, style: .fg(.default, [.bold]), ellipsis: capabilities.ellipsis)
    }
}
