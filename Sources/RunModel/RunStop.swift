/// Ends a run from anywhere in the interpreter, past every `try` of the
/// trace: a deadlock, a limit, or the trace's own top-level failure.
public struct RunStop: Error {
    public enum Reason: Equatable {
        case deadlock
        case limit(String)
    }

    public let reason: Reason

    public init(reason: Reason) { self.reason = reason }
}
