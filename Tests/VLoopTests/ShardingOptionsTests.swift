import Foundation
import Properties
import Testing
import VLoop

/// `SuiteOptions.shard` through the library: what a shard runs, and the options it refuses.
@Suite("Sharding options")
struct ShardingOptionsTests {
    func options(shard: String, runs: Int? = nil) -> SuiteOptions {
        var o = SuiteOptions(paths: [fixturePath("fixtures/explore")], shard: SuiteOptions.Shard(shard))
        o.storage.noStore = true
        o.exploration.runs = runs
        o.exploration.jobs = 2
        return o
    }

    @Test("without exploring options a shard runs its traces; with them, every trace and its share of the runs")
    func whatAShardRuns() throws {
        let all = try SuiteRunner.findTraces([fixturePath("fixtures/explore")])
        let byTrace = try SuiteRunner(options(shard: "2/3")).traces()
        #expect(byTrace == all.enumerated().filter { $0.offset % 3 == 1 }.map(\.element))
        let sharded = options(shard: "2/3", runs: 10)
        #expect(sharded.shardsRuns && sharded.runShare == RunShare(index: 2, count: 3))
        #expect(try SuiteRunner(sharded).traces() == all)

        var one = sharded
        one.paths = [fixturePath("fixtures/explore/response-races-timer.trace")]
        let result = try SuiteRunner(one).run()
        let e = try #require(result.traces.first?.exploration)
        // Runs 0, 2, 5 and 8 of 10.
        #expect(e.runsExplored == 4 && e.share == RunShare(index: 2, count: 3))
        #expect(e.failingRuns.allSatisfy { ($0 - 1) % 3 == 1 })
        #expect(result.traces.first?.lines.first?.text.contains("4 of 10 runs explored as shard 2/3") == true)
    }

    @Test("a shard with replayRun, and malformed shards, are refused")
    func refused() {
        var o = options(shard: "1/2", runs: 10)
        o.exploration.replayRun = 3
        #expect(throws: SuiteError.self) { try SuiteRunner(o).run() }
        #expect(SuiteOptions.Shard("0/2") == nil && SuiteOptions.Shard("3/2") == nil && SuiteOptions.Shard("x") == nil)
        #expect(SuiteOptions.Shard.problem("2/2") == nil)
        #expect(SuiteOptions.Shard.problem("3/2") == "--shard 3/2: there is no shard 3 of 2; the last is 2/2")
    }
}
