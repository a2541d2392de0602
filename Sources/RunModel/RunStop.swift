/// Ends a run from anywhere in the interpreter, past every `try` of the
/// trace: a deadlock, a limit, or the trace's own top-level failure.
public struct RunStop: Error {
    public enum Reason: Equatable {
        case deadlock
        case limit(String)
    }

    /// The frame that was running when the limit hit (`max-instructions`, `max-memory`), for the hang report.
    public struct Position: Sendable, Equatable {
        /// The function's qualified name (`<module>` for the trace's top level).
        public var function: String
        /// The source file of its code.
        public var path: String
        public var line: Int

        public init(function: String, path: String, line: Int) {
            self.function = function
            self.path = path
            self.line = line
        }
    }

    public let reason: Reason
    public let position: Position?

    public init(reason: Reason, position: Position? = nil) {
        self.reason = reason
        self.position = position
    }
}
