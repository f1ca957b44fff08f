import SystemMetrics

/// Machine load: total CPU with a bar, per-core load as a one-line sparkline, this
/// process's CPU, RSS and threads, memory (with the cgroup limit when there is one) and GPU.
struct MachinePanelWidget {
    var snapshot: SystemSnapshot?

    static let sparkUnicode: [Character] = Array("▁▂▃▄▅▆▇█")
    static let sparkASCII: [Character] = Array("_.-=+*#@")

    func draw(in rect: Rect, into buffer: inout ScreenBuffer, capabilities: DisplayCapabilities) {
        var area = rect
        PanelTitle.draw([TextSpan("Machine", .fg(.default, [.bold]))], in: area.takeTop(1), into: &buffer,
                        capabilities: capabilities)
        let label = CellStyle.fg(.gray)
        let lines = self.lines(width: area.width, capabilities: capabilities)
        for (row, line) in lines.prefix(area.height).enumerated() {
            buffer.put([TextSpan(line.label.padded(to: 6), label)] + line.value, x: area.x, y: area.y + row,
                       limit: area.maxX)
        }
    }

    struct Line {
        var label: String
        var value: [TextSpan]
    }

    func lines(width: Int, capabilities: DisplayCapabilities) -> [Line] {
        let valueWidth = max(0, width - 6)
        guard let s = snapshot else { return [Line(label: "", value: [TextSpan("reading…", .fg(.gray))])] }
        var lines: [Line] = []

        // CPU total: bar + percent (+ cgroup CPU limit).
        var cpu: [TextSpan] = []
        var suffix = " " + Format.percent(s.cpuTotal).leftPadded(to: 4)
        if let limit = s.cgroup?.cpuLimit { suffix += " lim \(Format.number(limit))" }
        let barWidth = min(20, max(4, valueWidth - suffix.count))
        cpu += bar(s.cpuTotal ?? 0, width: barWidth, capabilities: capabilities)
        cpu.append(TextSpan(suffix))
        lines.append(Line(label: "CPU", value: s.cpuTotal == nil && s.cpuPerCore.isEmpty
                          ? [TextSpan("unavailable", .fg(.gray))] : cpu))

        // Per core: one glyph per core, bucketed (max) when there are more cores than columns.
        lines.append(Line(label: "cores", value: [TextSpan(sparkline(s.cpuPerCore, width: valueWidth,
                                                                     capabilities: capabilities), .fg(.green))]))

        // This process.
        var process = "\(Format.percent(s.processCPU)) RSS \(Format.bytes(s.processRSSBytes))"
        if let threads = s.processThreads { process += " \(threads) thr" }
        lines.append(Line(label: "proc", value: [TextSpan(process)]))

        // Memory: used/total, and the cgroup's current/max when limited.
        var memory = s.memory.map { "\(Format.bytes($0.usedBytes))/\(Format.bytes($0.totalBytes))" } ?? "--"
        if let cg = s.cgroup, let limit = cg.memoryLimitBytes {
            memory += " cg \(Format.bytes(cg.memoryCurrentBytes))/\(Format.bytes(limit))"
        }
        lines.append(Line(label: "mem", value: [TextSpan(memory)]))

        lines.append(Line(label: "GPU", value: [TextSpan(gpuText(s.gpu))]))
        return lines
    }

    func gpuText(_ status: GPUStatus) -> String {
        switch status {
        case .none:
            return "no GPU"
        case .unreadable(let why):
            return why
        case .devices(let devices):
            return devices.map { d in
                var text = d.name
                if let u = d.utilizationPercent { text += " \(Format.percent(u / 100))" }
                if let used = d.memoryUsedBytes, let total = d.memoryTotalBytes {
                    text += " \(Format.bytes(used))/\(Format.bytes(total))"
                }
                return text
            }.joined(separator: "; ")
        }
    }

    func bar(_ fraction: Double, width: Int, capabilities: DisplayCapabilities) -> [TextSpan] {
        let filled = Int((min(1, max(0, fraction)) * Double(width)).rounded())
        let color: TerminalColor = fraction > 0.9 ? .red : fraction > 0.6 ? .yellow : .green
        let (on, off) = capabilities.unicode ? ("█", "░") : ("#", ".")
        return [TextSpan(String(repeating: on, count: filled), .fg(color)),
                TextSpan(String(repeating: off, count: width - filled), .fg(.gray))]
    }

    func sparkline(_ values: [Double], width: Int, capabilities: DisplayCapabilities) -> String {
        guard !values.isEmpty, width > 0 else { return "" }
        let glyphs = capabilities.unicode ? Self.sparkUnicode : Self.sparkASCII
        let buckets = min(width, values.count)
        return String((0..<buckets).map { b -> Character in
            let start = b * values.count / buckets
            let end = max(start + 1, (b + 1) * values.count / buckets)
            let peak = values[start..<end].max() ?? 0
            return glyphs[Int((min(1, max(0, peak)) * Double(glyphs.count - 1)).rounded())]
        })
    }
}
