import Foundation
import RunModel
import RunStore
import Testing

@testable import Reports

/// A label holding many explored runs of a trace, summed up in the reports.
@Suite("Explored runs in a comparison")
struct ExploredSideTests {
    /// Run `index` of `order.trace`: `a` then `b` on the nominal run; some
    /// explored runs swap them (failing `expect.order`), some end early.
    static func run(_ index: Int, order: [String], label: String = "explore") -> StoredRun {
        var events = order.map { TraceEvent(t: 1, ctx: "Task-1", kind: .print, text: $0) }
        events.append(TraceEvent(t: 1, ctx: nil, kind: .runEnd, value: "None", status: "ok"))
        let held = order == ["a", "b"]
        return StoredRun(
            id: Int64(index + 1), label: label, tracePath: "order.trace", traceHash: "sha256:x", seed: 1,
            runIndex: index, status: "ok", value: "None", passed: held, virtualDuration: 1, wallTime: 0.001, steps: 3,
            problems: [], startedAt: Sample.date, events: events, tasks: [], jobs: [],
            properties: [
                PropertyResult(
                    name: "expect.order", line: 7, column: 1, passed: held, message: held ? "" : "expect.order broke"),
                PropertyResult(name: "expect.elapsed", line: 8, column: 1, passed: true, message: ""),
            ])
    }

    static var runs: [StoredRun] {
        var runs = [run(0, order: ["a", "b"])]
        for i in 1...1000 {
            switch i % 10 {
            case 3: runs.append(run(i, order: ["b", "a"]))
            case 7 where i % 20 == 7: runs.append(run(i, order: ["a"]))
            default: runs.append(run(i, order: ["a", "b"]))
            }
        }
        return runs
    }

    @Test(
        "tallies each property, counts the distinct orders, and groups the failing runs by where they left the nominal run"
    )
    func summary() throws {
        let side = try #require(ExploredSide(Self.runs))
        #expect(side.runs == 1000 && side.failing == 150)
        #expect(side.distinctOrders == 3)
        #expect(side.properties.map(\.name) == ["expect.order", "expect.elapsed"])
        #expect(side.properties[0].held == 850 && side.properties[0].broke == 150)
        #expect(side.properties[1].held == 1000 && side.properties[1].broke == 0)
        #expect(side.failureGroups.map(\.runs.count) == [100, 50])
        #expect(side.failureGroups[0].index == 0 && side.failureGroups[0].explored?.text == "b")
        #expect(side.failureGroups[1].index == 1 && side.failureGroups[1].explored?.kind == .runEnd)
        #expect(
            ExploredSide.groupLine(side.failureGroups[0])
                == "100 failing runs (3, 13, 23, 33, 43, 53, 63, 73 and 92 more) leave the nominal run at event 1: print 'b' by Task-1 instead of print 'a' by Task-1"
        )
        #expect(ExploredSide([Self.run(0, order: ["a", "b"])]) == nil)
    }

    @Test("the reports of a comparison show each side's explored runs, and the first failing one stands for the side")
    func rendered() throws {
        let base = RunSet(selector: .label("base"), suiteRuns: [Sample.suite("base", id: 1)], runs: Self.runs)
        let cand = RunSet(selector: .label("cand"), suiteRuns: [Sample.suite("cand", id: 2)], runs: Self.runs)
        let c = Comparison.make(baseline: base, candidate: cand)
        let t = try #require(c.traces.first)
        #expect(t.candidate?.representativeRun == 4)  // the first failing explored run, not the last run
        #expect(t.divergence == nil)
        let text = TextReport().render(c)
        #expect(text.contains("candidate: 1000 explored runs, 150 failing; 3 distinct orders of events"))
        #expect(text.contains("expect.order (line 7): held on 850, broke on 150"))
        #expect(
            MarkdownReport().render(c).contains("the candidate&#39;s 1000 explored runs")
                || MarkdownReport().render(c).contains("the candidate's 1000 explored runs"))
        #expect(HTMLReport().render(c).contains("The candidate's explored runs"))
    }
}
