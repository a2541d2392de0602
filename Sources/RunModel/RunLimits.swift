/// The limits of one run (TRACE_LANGUAGE.md, "Limits").
public struct RunLimits: Sendable {
    public var maxSteps = 10_000_000
    public var maxTime = 86400.0
    public var maxInstructions = 100_000_000

    public init(maxSteps: Int = 10_000_000, maxTime: Double = 86400, maxInstructions: Int = 100_000_000) {
        self.maxSteps = maxSteps
        self.maxTime = maxTime
        self.maxInstructions = maxInstructions
    }
}
