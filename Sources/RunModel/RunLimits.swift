/// The limits of one run (TRACE_LANGUAGE.md, "Limits"; docs/EXPLORING.md, "Hangs named").
public struct RunLimits: Sendable {
    public var maxSteps = 10_000_000
    public var maxTime = 86400.0
    public var maxInstructions = 100_000_000
    /// Whether a run that cycles without progress is stopped early as a
    /// livelock (status `limit`, value `'livelock'`): `--no-livelock-detection` clears it.
    public var detectsLivelock = true
    /// How many loop steps without progress (no print, log, task created or
    /// done, job, I/O) make a stretch that is compared with the next one: a
    /// livelock is two such stretches in a row that end in the same state
    /// with nothing from before them still pending (`--livelock-steps`).
    public var livelockSteps = 10_000

    public init(
        maxSteps: Int = 10_000_000, maxTime: Double = 86400, maxInstructions: Int = 100_000_000,
        detectsLivelock: Bool = true, livelockSteps: Int = 10_000
    ) {
        self.maxSteps = maxSteps
        self.maxTime = maxTime
        self.maxInstructions = maxInstructions
        self.detectsLivelock = detectsLivelock
        self.livelockSteps = livelockSteps
    }
}
