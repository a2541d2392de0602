import RunStore
import Testing

@testable import Reports

/// `ExplorationAccount.join`: the shards of one exploration, as `vloop report --explorations` joins them.
@Suite("Exploration accounts")
struct ExplorationAccountTests {
    func row(
        _ shard: String?, done: Int, failing: [Int], runs: Int = 10, flags: String = "--seed 0 --jitter 0.5",
        hash: String = "sha256:aa"
    ) -> StoredExploration {
        let first = failing.first.map {
            StoredExploration.Failure(
                run: $0, broke: "expect.before (line 3): ...", shrunk: ["a timer fired late"],
                replayCommand: "vloop run \(flags) --run \($0) t.trace")
        }
        return StoredExploration(
            label: "c", tracePath: "t.trace", traceHash: hash, seed: 0, flags: flags, runs: runs, shard: shard,
            runsDone: done, failingRuns: failing, firstFailure: first)
    }

    @Test("three shards join into one exploration: every run, the failing runs in order, the first failure's replay")
    func threeShards() throws {
        // 10 runs: shard 1/3 has 0, 1, 4, 7; 2/3 has 0, 2, 5, 8; 3/3 has 0, 3, 6, 9.
        let accounts = ExplorationAccount.join([
            row("2/3", done: 4, failing: [5, 8]), row("1/3", done: 4, failing: [7]), row("3/3", done: 4, failing: []),
        ])
        let a = try #require(accounts.first)
        #expect(accounts.count == 1)
        #expect(a.runsDone == 10 && a.shards == [1, 2, 3] && a.missingShards.isEmpty && a.problems.isEmpty)
        #expect(a.failingRuns == [5, 7, 8])
        #expect(a.firstFailure?.run == 5)
        #expect(a.firstFailure?.replayCommand == "vloop run --seed 0 --jitter 0.5 --run 5 t.trace")
        #expect(!a.passed)
        #expect(a.lines[0] == "FAIL  t.trace  10 of 10 runs from 3 of 3 shards (--seed 0 --jitter 0.5)")
        #expect(a.lines.contains("  3 of 10 runs failed: runs 5, 7, 8"))
    }

    @Test("a missing shard is named with its runs and fails the account; a shard recorded twice counts once")
    func missingAndDuplicate() throws {
        let a = try #require(
            ExplorationAccount.join([row("1/3", done: 4, failing: []), row("1/3", done: 4, failing: [])]).first)
        #expect(a.runsDone == 4 && a.missingShards == [2, 3])
        #expect(!a.passed)
        #expect(a.lines.contains("  shard 2/3 is missing: its 3 runs (2, 5, 8) were not explored"))
        #expect(a.problems == ["shard 1/3 was recorded 2 times (its runs are counted once)"])
    }

    @Test("other settings, or an unsharded run, are another exploration; an unsharded one that held passes")
    func separateExplorations() {
        let accounts = ExplorationAccount.join([
            row(nil, done: 10, failing: []), row("1/2", done: 5, failing: []),
            row("2/2", done: 6, failing: [], flags: "--seed 1 --jitter 0.5"),
        ])
        #expect(accounts.count == 3)
        #expect(accounts[0].passed && accounts[0].shardCount == 1 && accounts[0].runsDone == 10)
        #expect(accounts[0].lines == ["PASS  t.trace  10 of 10 runs (--seed 0 --jitter 0.5)"])
        #expect(accounts[1].missingShards == [2] && accounts[2].missingShards == [1])
    }

    @Test("shards that read different versions of the trace are doubtful")
    func differentTraces() throws {
        let a = try #require(
            ExplorationAccount.join([
                row("1/2", done: 5, failing: []), row("2/2", done: 6, failing: [], hash: "sha256:bb"),
            ]).first)
        #expect(!a.passed)
        #expect(a.problems.first?.contains("2 different versions of the trace") == true)
    }

    @Test(
        "a trace whose nominal run failed without an exploration fails the report; an explored one is not named twice")
    func unexplored() {
        let report = ExplorationReport(
            label: "c", accounts: ExplorationAccount.join([row("1/1", done: 10, failing: [])]),
            failedNominal: [("bad.trace", "invalid"), ("t.trace", "exception"), ("bad.trace", "invalid")])
        #expect(report.unexplored == [.init(tracePath: "bad.trace", status: "invalid")])
        #expect(report.failed == 1)
        #expect(
            report.text.contains(
                "FAIL  bad.trace  not explored: its nominal run failed (the trace has errors); `vloop runs --label c --trace bad.trace` lists its runs"
            ))
        #expect(report.closingLine == "1 exploration, 1 passed, 0 failed; 1 trace failed unexplored")
    }
}
