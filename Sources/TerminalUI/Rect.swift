/// A rectangle of cells. Width and height are never negative: constructors clamp them.
public struct Rect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public private(set) var width: Int
    public private(set) var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var isEmpty: Bool { width == 0 || height == 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    /// Removes `rows` from the top and returns them as their own rect.
    public mutating func takeTop(_ rows: Int) -> Rect {
        let taken = min(max(0, rows), height)
        let top = Rect(x: x, y: y, width: width, height: taken)
        self = Rect(x: x, y: y + taken, width: width, height: height - taken)
        return top
    }

    /// Removes `rows` from the bottom and returns them as their own rect.
    public mutating func takeBottom(_ rows: Int) -> Rect {
        let taken = min(max(0, rows), height)
        self = Rect(x: x, y: y, width: width, height: height - taken)
        return Rect(x: x, y: y + height, width: width, height: taken)
    }

    /// Removes `columns` from the right and returns them as their own rect.
    public mutating func takeRight(_ columns: Int) -> Rect {
        let taken = min(max(0, columns), width)
        self = Rect(x: x, y: y, width: width - taken, height: height)
        return Rect(x: x + width, y: y, width: taken, height: height)
    }

    /// Shrinks by `dx` columns and `dy` rows on every side.
    public func inset(dx: Int, dy: Int) -> Rect {
        Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
    }

    /// A `width`×`height` rect centred in this one (clamped to fit).
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }
}
