import RunModel

/// The first place where two event logs of what should be one run differ
/// (`vloop run --check-determinism`, docs/EXPLORING.md, "Checking
/// determinism"): a replay must give the same log, event for event, times
/// included, every time it is run.
public struct LogDifference: Sendable, Equatable {
    /// The index (from 0) of the first event that differs.
    public var index: Int
    /// That event in the first log; nil when the first log ended before it.
    public var first: TraceEvent?
    /// That event in the second log; nil when the second log ended before it.
    public var second: TraceEvent?
    /// The events just before it, the same in both logs (at most `contextSize`, oldest first).
    public var context: [TraceEvent]
    /// The two logs' lengths.
    public var counts: (Int, Int)

    /// How many equal events before the difference `compare` keeps as context.
    public static let contextSize = 3

    /// Nil when the two logs are the same, event for event; else where they first differ.
    public static func compare(_ a: [TraceEvent], _ b: [TraceEvent]) -> LogDifference? {
        guard let i = firstDifference(a, b) else { return nil }
        return LogDifference(
            index: i, first: i < a.count ? a[i] : nil, second: i < b.count ? b[i] : nil,
            context: Array(a[max(0, i - contextSize)..<i]), counts: (a.count, b.count))
    }

    /// The difference in words, one line each, unindented: the events as the
    /// JSON Lines of `vloop run --events`, numbered from 1 as `vloop show` does.
    public var lines: [String] {
        var out = [
            "the two replays' event logs (\(counts.0) and \(counts.1) events) first differ at event \(index + 1):"
        ]
        for (k, e) in context.enumerated() {
            out.append("  event \(index - context.count + k + 1), both:   \(e.jsonLine)")
        }
        out.append("  event \(index + 1), first:  \(first?.jsonLine ?? "(the log ended)")")
        out.append("  event \(index + 1), second: \(second?.jsonLine ?? "(the log ended)")")
        return out
    }

    public static func == (a: LogDifference, b: LogDifference) -> Bool {
        a.index == b.index && a.first == b.first && a.second == b.second && a.context == b.context
            && a.counts == b.counts
    }
}
