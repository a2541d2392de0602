/// How a run ended: the `status` of its `run_end` event (TRACE_LANGUAGE.md,
/// "The event log").
public enum RunStatus: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The trace's last statement ran.
    case ok
    /// An exception escaped a top-level statement.
    case exception
    /// The loop had nothing to run, no timer and no external event to wait for.
    case deadlock
    /// `--max-steps`, `--max-time` or `--max-instructions` stopped the run.
    case limit

    /// The word as the event log and the run database spell it.
    public var description: String { rawValue }
}
