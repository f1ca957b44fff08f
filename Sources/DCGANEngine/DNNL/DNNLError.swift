import CDNNL

/// A oneDNN call that did not return `dnnl_success`.
public struct DNNLError: Error, CustomStringConvertible {
    public let status: dnnl_status_t
    public let call: String
    public var description: String { "oneDNN: \(call) failed with status \(status.rawValue)" }
}

/// Runs a oneDNN C call and turns its status into a Swift error.
@inline(__always)
func dnnlCheck(_ status: dnnl_status_t, _ call: @autoclosure () -> String) throws(DNNLError) {
    if status != dnnl_success { throw DNNLError(status: status, call: call()) }
}

/// For calls that cannot fail once their descriptors were validated at construction
/// (primitive execution with the memories it was created for): a failure is a programming error.
@inline(__always)
func dnnlMust(_ status: dnnl_status_t, _ call: @autoclosure () -> String) {
    precondition(status == dnnl_success, "oneDNN: \(call()) failed with status \(status.rawValue)")
}
