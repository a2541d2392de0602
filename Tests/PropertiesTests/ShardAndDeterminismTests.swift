import RunModel
import Testing

@testable import Properties

/// `RunShare` (the runs of one shard) and `LogDifference` (`--check-determinism`'s comparison).
@Suite("Run shares and log differences")
struct ShardAndDeterminismTests {
    /// The runs a share replays, as the explorer walks them (`next(after:)` from 0).
    func walk(_ share: RunShare, total: Int) -> [Int] {
        var out = [0]
        var r = 0
        while true {
            r = share.next(after: r)
            if r >= total { return out }
            out.append(r)
        }
    }

    @Test("n shards cover every explored run exactly once, each replays run 0, and runs(of:) counts the walk")
    func sharesPartitionTheRuns() {
        for n in 1...6 {
            for total in 1...25 {
                var seen: [Int: Int] = [:]
                for i in 1...n {
                    let share = RunShare(index: i, count: n)!
                    let runs = walk(share, total: total)
                    #expect(runs.first == 0)
                    #expect(share.runs(of: total) == runs.count, "shard \(i)/\(n) of \(total) runs")
                    for r in runs.dropFirst() {
                        #expect(share.owns(run: r))
                        #expect((r - 1) % n == i - 1)
                        seen[r, default: 0] += 1
                    }
                }
                #expect(seen.keys.sorted() == Array(1..<total), "\(n) shards of \(total) runs")
                #expect(seen.values.allSatisfy { $0 == 1 })
            }
        }
        #expect(walk(.all, total: 5) == [0, 1, 2, 3, 4])
        #expect(RunShare(index: 0, count: 2) == nil && RunShare(index: 3, count: 2) == nil)
        #expect(RunShare(index: 1, count: 0) == nil)
    }

    func print(_ text: String, _ t: Double = 0, ctx: String = "Task-1") -> TraceEvent {
        TraceEvent(t: t, ctx: ctx, kind: .print, text: text)
    }

    @Test("equal logs have no difference")
    func equalLogs() {
        let log = (0..<5).map { print("line \($0)", Double($0)) }
        #expect(LogDifference.compare(log, log) == nil)
        #expect(LogDifference.compare([], []) == nil)
    }

    @Test("the first differing event, with the three before it as context")
    func firstDifference() throws {
        let a = (0..<8).map { print("line \($0)", Double($0)) }
        var b = a
        b[5] = print("line 5", 5.000001)
        b[6] = print("other")
        let d = try #require(LogDifference.compare(a, b))
        #expect(d.index == 5)
        #expect(d.first == a[5] && d.second == b[5])
        #expect(d.context == Array(a[2..<5]))
        #expect(
            d.lines == [
                "the two replays' event logs (8 and 8 events) first differ at event 6:",
                "  event 3, both:   \(a[2].jsonLine)",
                "  event 4, both:   \(a[3].jsonLine)",
                "  event 5, both:   \(a[4].jsonLine)",
                "  event 6, first:  {\"t\":5.0,\"ctx\":\"Task-1\",\"kind\":\"print\",\"text\":\"line 5\"}",
                "  event 6, second: {\"t\":5.000001,\"ctx\":\"Task-1\",\"kind\":\"print\",\"text\":\"line 5\"}",
            ])
    }

    @Test("a log that stops early differs where it stops; a difference at the start has no context")
    func shorterLog() throws {
        let a = (0..<4).map { print("line \($0)") }
        let d = try #require(LogDifference.compare(a, Array(a.prefix(2))))
        #expect(d.index == 2 && d.first == a[2] && d.second == nil)
        #expect(d.lines.last == "  event 3, second: (the log ended)")
        let e = try #require(LogDifference.compare([print("x", ctx: "Task-2")], [print("x", ctx: "Task-3")]))
        #expect(e.index == 0 && e.context.isEmpty)
    }
}
