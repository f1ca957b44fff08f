/// The keys the trainer understands, as listed in the help overlay and the hint line.
struct KeyBinding: Sendable {
    var keys: String
    var action: String
    /// Shorter text for the hint line; nil leaves the key out of it.
    var hint: String?

    static let all: [KeyBinding] = [
        KeyBinding(keys: "space", action: "pause / resume training", hint: "pause"),
        KeyBinding(keys: "s", action: "save a checkpoint now", hint: "save"),
        KeyBinding(keys: "+ / -", action: "learning rate of selected net ×1.25 / ÷1.25", hint: "lr"),
        KeyBinding(keys: "tab", action: "select net: G, D, both", hint: "net"),
        KeyBinding(keys: "n", action: "new preview noise", hint: "noise"),
        KeyBinding(keys: "r", action: "show real / generated images", hint: "real"),
        KeyBinding(keys: "z", action: "zoom one face (← → pick, esc close)", hint: "zoom"),
        KeyBinding(keys: "l", action: "log scale for the loss chart", hint: "log"),
        KeyBinding(keys: "ctrl-L", action: "redraw the screen", hint: nil),
        KeyBinding(keys: "?", action: "this help", hint: "help"),
        KeyBinding(keys: "q", action: "quit (asks to save unsaved steps)", hint: "quit"),
        KeyBinding(keys: "ctrl-C", action: "stop the engine and leave at once", hint: nil),
    ]
}
