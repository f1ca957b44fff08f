import TrainerProtocol

extension UIState {
    /// Folds one engine event into the state. Returns what the loop must do next (e.g. the
    /// `stop` that follows a checkpoint saved before quitting, or leaving the UI).
    public mutating func apply(_ event: TrainingEvent, now: Double) -> [UIAction] {
        switch event {
        case .started(let info):
            runInfo = info
            runState = .running
            startedAt = now
            iteration = info.startIteration
            record(.info, "started: \(info.totalIterations) steps, batch \(info.batchSize), run dir \(info.runDirectory)",
                   now: now)

        case .history(let steps):
            for metrics in steps { appendToCharts(metrics) }
            if let first = steps.first, let last = steps.last {
                record(.info, "charts continue from the checkpoint's run: steps \(first.iteration)–\(last.iteration)", now: now)
            }

        case .step(let metrics):
            latestStep = metrics
            epoch = metrics.epoch
            iteration = metrics.iteration
            appendToCharts(metrics)
            if !learningRatePending(.generator) { learningRateG = metrics.lrG }
            if !learningRatePending(.discriminator) { learningRateD = metrics.lrD }
            if metrics.imagesPerSecond.isFinite && metrics.imagesPerSecond > 0 {
                imagesPerSecond = imagesPerSecond.map { $0 + 0.1 * (metrics.imagesPerSecond - $0) }
                    ?? metrics.imagesPerSecond
            }

        case .epochEnded(let finishedEpoch, let at):
            record(.info, "epoch \(finishedEpoch) done at step \(at)", now: now)

        case .samples(let batch, let at):
            switch batch.source {
            case .generated:
                generatedSamples = batch
                generatedIteration = at
            case .real:
                realSamples = batch
            }
            if let zoomedFace, zoomedFace >= batch.count { self.zoomedFace = max(0, batch.count - 1) }

        case .checkpointSaved(let path, let at):
            lastCheckpointIteration = at
            lastCheckpointPath = path
            record(.success, "checkpoint saved to \(path)", now: now)
            if quitFlow == .savingBeforeStop { return sendStop() }

        case .stateChanged(let state):
            runState = state
            if state == .diverged {
                record(.error, "diverged (NaN/inf loss): engine paused; lower lr and resume, or quit", now: now)
            }

        case .learningRatesChanged(let generator, let discriminator):
            learningRateG = generator
            learningRateD = discriminator

        case .commandApplied(let command):
            if let index = pending.firstIndex(of: command) { pending.remove(at: index) }
            if case .scaleLearningRate(let net, let factor) = command {
                record(.info, "lr \(net.rawValue) ×\(Format.number(Double(factor))) applied", now: now)
            }

        case .warning(let message):
            record(.warning, message, now: now)

        case .error(let message):
            lastError = message
            record(.error, message, now: now)
            // Saving before quitting failed: quit anyway, the message stays in the exit line.
            if quitFlow == .savingBeforeStop { return sendStop() }

        case .qualityHistory(let reports):
            for report in reports {
                appendToQualityChart(report)
                if firstClean == nil, report.sampled.isClean {
                    firstClean = QualityMark(iteration: report.iteration, seconds: report.seconds, score: report.sampled)
                }
            }
            replayedQuality = reports.last ?? replayedQuality

        case .quality(let report):
            latestQuality = report
            appendToQualityChart(report)
            firstClean = report.firstClean

        case .finished(let summary):
            self.summary = summary
            runState = summary.state
            endedAt = now
            pending.removeAll()
            record(.info, "run \(summary.state.rawValue.lowercased()) after \(summary.iterations) steps", now: now)
            if quitFlow != .none || exitWhenFinished || lastError != nil { return [.exit(exitResult())] }
        }
        return []
    }

    /// The event stream ended. With `finished` already seen this changes nothing; without
    /// it the engine is gone, so there is nothing left to show.
    public mutating func streamDidEnd(now: Double) -> [UIAction] {
        guard !streamEnded else { return [] }
        streamEnded = true
        if endedAt == nil { endedAt = now }
        pending.removeAll()
        if summary != nil { return [] }
        return [.exit(exitResult())]
    }

    private mutating func appendToCharts(_ metrics: StepMetrics) {
        gLoss.append(metrics.gLoss, step: metrics.iteration)
        dLoss.append(metrics.dLoss, step: metrics.iteration)
        dReal.append(metrics.dX, step: metrics.iteration)
        dFake.append(metrics.dGZ, step: metrics.iteration)
    }

    /// Holds the measurement's score over the steps since the last one the chart covers (from the
    /// charts' first step for the first measurement); a measurement at or before it is skipped.
    private mutating func appendToQualityChart(_ report: QualityReport) {
        let from = qualityThrough ?? ((gLoss.raw.firstStep ?? report.iteration) - 1)
        guard report.iteration > from else { return }
        let quality = report.sampled
        for step in (from + 1)...report.iteration {
            qualityPrecision.append(Float(quality.precision), step: step)
            qualityTV.append(Float(quality.totalVariation), step: step)
        }
        qualityThrough = report.iteration
    }

    mutating func sendStop() -> [UIAction] {
        quitFlow = .stopping
        pending.append(.stop)
        return [.send(.stop)]
    }

    /// Exit code and message for leaving now.
    public func exitResult() -> TerminalExit {
        let checkpoint = lastCheckpointPath.map { "; last checkpoint \($0)" } ?? ""
        if let lastError {
            return TerminalExit(code: 1, message: "error: \(lastError) (at step \(iteration)\(checkpoint))")
        }
        if let summary {
            let verb = summary.state == .finished ? "finished" : summary.state.rawValue.lowercased()
            return TerminalExit(code: summary.state == .diverged || summary.state == .failed ? 1 : 0,
                                message: "\(verb) after \(summary.iterations) steps in \(Format.duration(summary.seconds))"
                                    + ", \(Format.number(summary.imagesPerSecond)) img/s\(checkpoint)")
        }
        if streamEnded && quitFlow == .none {
            return TerminalExit(code: 1, message: "engine ended without finishing (at step \(iteration)\(checkpoint))")
        }
        return TerminalExit(code: 0, message: "stopped at step \(iteration)\(checkpoint)")
    }
}
