/// Something that reports GPU load; nil from `read()` means the source has failed.
public protocol GPUSource {
    func read() -> [GPUReading]?
}
