/// Where each panel goes for a given terminal size.
///
/// ```
/// header (1 row)
/// loss chart           | sample preview
/// D(x) / D(G(z)) chart | machine panel
/// [quality chart]      |
/// learning rates + last events (full width)
/// key hints (1 row)
/// ```
/// The quality chart is there when the run measures quality and the charts have
/// `qualityChartMinimumHeight` rows between them. Below `minimumWidth`×`minimumHeight` there is
/// no layout and the screen says so.
public struct DashboardLayout: Sendable, Equatable {
    /// 60×20: the smallest size where both charts, one face, the machine panel and two
    /// event lines still fit legibly.
    public static let minimumWidth = 60
    public static let minimumHeight = 20

    public var header: Rect
    public var lossChart: Rect
    public var probabilityChart: Rect
    public var qualityChart: Rect?
    public var preview: Rect
    public var machine: Rect
    public var controls: Rect
    public var hints: Rect
    /// Everything between header and hints (where overlays are centred).
    public var body: Rect

    /// Rows the machine panel takes: title, CPU, cores, process, memory, GPU.
    static let machineRows = 6
    /// Rows the three charts need together: at 80×24 they have 18, which gives each four or
    /// more rows of plot.
    static let qualityChartMinimumHeight = 15

    public init?(width: Int, height: Int, showsQuality: Bool = false) {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else { return nil }
        var rest = Rect(x: 0, y: 0, width: width, height: height)
        header = rest.takeTop(1)
        hints = rest.takeBottom(1)
        body = rest
        controls = rest.takeBottom(min(8, max(4, height / 5)))
        var right = rest.takeRight(min(72, max(26, width * 2 / 5)))
        // One column between the charts and the right-hand panels.
        var left = Rect(x: rest.x, y: rest.y, width: rest.width - 1, height: rest.height)
        machine = right.takeBottom(Self.machineRows)
        preview = right
        if showsQuality, left.height >= Self.qualityChartMinimumHeight {
            lossChart = left.takeTop(left.height * 2 / 5)
            probabilityChart = left.takeTop(left.height / 2)
            qualityChart = left
        } else {
            lossChart = left.takeTop(left.height * 3 / 5)
            probabilityChart = left
            qualityChart = nil
        }
    }

    public static func tooSmallMessage(width: Int, height: Int, ascii: Bool = false) -> String {
        let times = ascii ? "x" : "×"
        return "terminal too small: need \(minimumWidth)\(times)\(minimumHeight), have \(width)\(times)\(height)"
    }
}
