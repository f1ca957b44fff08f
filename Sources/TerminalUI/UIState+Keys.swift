import TrainerProtocol

extension UIState {
    /// Learning-rate step of + and -.
    static let learningRateFactor: Float = 1.25
    /// The quit question.
    public static let quitQuestion = "Save checkpoint before quitting? [y]es / [n]o / esc cancel"

    /// Maps a key to state changes and engine commands. Overlays take keys first.
    public mutating func handle(_ key: KeyPress, now: Double) -> [UIAction] {
        switch overlay {
        case .help:
            overlay = nil  // any key closes help
            return []
        case .quitPrompt:
            return handleQuitPrompt(key, now: now)
        case nil:
            break
        }
        if quitFlow != .none {
            if key == .character("q") { record(.info, "already stopping; ctrl-C leaves at once", now: now) }
            return key == .redraw ? [.repaint] : []
        }

        switch key {
        case .character(" "):
            guard canCommand(now: now) else { return [] }
            return send(intendedPaused ? .resume : .pause)
        case .character("s"):
            guard canCommand(now: now) else { return [] }
            return send(.saveCheckpoint)
        case .character("+"), .character("="):
            guard canCommand(now: now) else { return [] }
            return send(.scaleLearningRate(selection, factor: Self.learningRateFactor))
        case .character("-"), .character("_"):
            guard canCommand(now: now) else { return [] }
            return send(.scaleLearningRate(selection, factor: 1 / Self.learningRateFactor))
        case .tab:
            selection = selection.next
        case .backTab:
            selection = selection.previous
        case .character("n"):
            guard canCommand(now: now) else { return [] }
            return send(.newPreviewNoise)
        case .character("r"):
            previewSource = previewSource == .generated ? .real : .generated
            return runEnded ? [] : send(.requestSamples(previewSource))
        case .character("z"):
            zoomedFace = zoomedFace == nil ? 0 : nil
        case .left, .character("["):
            if let face = zoomedFace { zoomedFace = max(0, face - 1) }
        case .right, .character("]"):
            if let face = zoomedFace { zoomedFace = min(max(0, (previewBatch?.count ?? 1) - 1), face + 1) }
        case .character("l"):
            logScale.toggle()
        case .character("?"):
            overlay = .help
        case .redraw:
            return [.repaint]
        case .character("q"), .character("Q"):
            return quit(now: now)
        case .escape:
            zoomedFace = nil
        default:
            break
        }
        return []
    }

    private mutating func handleQuitPrompt(_ key: KeyPress, now: Double) -> [UIAction] {
        switch key {
        case .character("y"), .character("Y"):
            overlay = nil
            quitFlow = .savingBeforeStop
            record(.info, "saving checkpoint before quitting…", now: now)
            return send(.saveCheckpoint)
        case .character("n"), .character("N"):
            overlay = nil
            return sendStop()
        case .escape:
            overlay = nil
            return []
        case .redraw:
            return [.repaint]
        default:
            return []
        }
    }

    private mutating func quit(now: Double) -> [UIAction] {
        if runEnded { return [.exit(exitResult())] }
        if unsavedSteps > 0 {
            overlay = .quitPrompt
            return []
        }
        return sendStop()
    }

    private mutating func canCommand(now: Double) -> Bool {
        if runEnded {
            record(.warning, "the run has ended; press q to leave", now: now)
            return false
        }
        return true
    }

    private mutating func send(_ command: TrainingCommand) -> [UIAction] {
        pending.append(command)
        return [.send(command)]
    }
}

extension NetSelection {
    /// Tab order: G → D → both → G.
    var next: NetSelection {
        switch self {
        case .generator: .discriminator
        case .discriminator: .both
        case .both: .generator
        }
    }

    var previous: NetSelection {
        switch self {
        case .generator: .both
        case .discriminator: .generator
        case .both: .discriminator
        }
    }

    func includes(_ net: NetSelection) -> Bool { self == .both || self == net }
}
