import Foundation
import Testing

/// `vloop run --shard i/n` splitting one exploration by run index, `vloop
/// merge`, and `vloop report --explorations` joining the shards, as the
/// README's CI recipe runs them.
@Suite("Sharded exploration")
struct ShardingTests {
    typealias Workspace = StoreCommandTests.Workspace

    static let traces = [
        "fixtures/explore/response-races-timer.trace", "fixtures/explore/response-awaited-holds.trace",
    ]
    static let runs = 40

    /// `vloop runs --json` of a database: each trace's recorded run indices.
    func runIndices(_ w: Workspace, db: String) throws -> [String: [Int]] {
        let r = try w.vloopArgs(["runs", "--json", "--limit", "100000"], db: db)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        var out: [String: [Int]] = [:]
        for run in doc { out[run["tracePath"] as! String, default: []].append(run["runIndex"] as! Int) }
        return out.mapValues { $0.sorted() }
    }

    /// `vloop report --explorations --json`: each trace's account.
    func accounts(_ w: Workspace, db: String) throws -> (status: Int32, byTrace: [String: [String: Any]]) {
        let r = try w.vloopArgs(["report", "--explorations", "--format", "json"], db: db)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let list = try #require(doc["explorations"] as? [[String: Any]])
        return (r.status, Dictionary(uniqueKeysWithValues: list.map { ($0["tracePath"] as! String, $0) }))
    }

    @Test("3 shards cover each run index once; merged, they report the failing runs of one unsharded exploration")
    func threeShardsMergeLikeOne() throws {
        let w = try Workspace()
        let whole = w.path("whole.sqlite")
        let base = ["run", "--label", "c", "--runs", "\(Self.runs)"]
        let unsharded = try w.vloopArgs(base + Self.traces, db: whole)
        #expect(unsharded.status == 1, "the race is found")
        var shardDBs: [String] = []
        var covered: [String: [Int]] = [:]
        for i in 1...3 {
            let db = w.path("shard\(i).sqlite")
            shardDBs.append(db)
            let r = try w.vloopArgs(base + ["--shard", "\(i)/3"] + Self.traces, db: db)
            #expect(r.status == 1)
            #expect(r.stdout.contains("of \(Self.runs) runs explored as shard \(i)/3"))
            for (trace, indices) in try runIndices(w, db: db) {
                #expect(indices.filter { $0 == 0 }.count == 1, "every shard replays run 0 of \(trace)")
                #expect(indices.dropFirst().allSatisfy { ($0 - 1) % 3 == i - 1 }, "shard \(i)/3's runs of \(trace)")
                covered[trace, default: []] += indices.dropFirst()
            }
        }
        for trace in Self.traces {
            #expect(covered[trace]?.sorted() == Array(1..<Self.runs), "each explored run of \(trace) exactly once")
        }
        let all = w.path("all.sqlite")
        #expect(try w.vloopArgs(["merge"] + shardDBs, db: all).status == 0)
        let merged = try accounts(w, db: all)
        let single = try accounts(w, db: whole)
        #expect(merged.status == 1 && single.status == 1, "the gate fails: a run failed")
        let race = try #require(merged.byTrace[Self.traces[0]])
        let raceWhole = try #require(single.byTrace[Self.traces[0]])
        let failing = try #require(race["failingRuns"] as? [Int])
        #expect(!failing.isEmpty)
        #expect(failing == raceWhole["failingRuns"] as? [Int])
        #expect(race["runsDone"] as? Int == Self.runs && race["shards"] as? [Int] == [1, 2, 3])
        #expect((race["missingShards"] as? [Int])?.isEmpty == true)
        let first = try #require(race["firstFailure"] as? [String: Any])
        let firstWhole = try #require(raceWhole["firstFailure"] as? [String: Any])
        #expect(first["run"] as? Int == failing.first)
        #expect(first["replayCommand"] as? String == firstWhole["replayCommand"] as? String)
        let holds = try #require(merged.byTrace[Self.traces[1]])
        #expect((holds["failingRuns"] as? [Int])?.isEmpty == true && holds["runsDone"] as? Int == Self.runs)

        // The text report: runs, shards, failing runs, the replay command.
        let text = try w.vloopArgs(["report", "--explorations"], db: all)
        #expect(text.stdout.contains("FAIL  \(Self.traces[0])  \(Self.runs) of \(Self.runs) runs from 3 of 3 shards"))
        #expect(text.stdout.contains("PASS  \(Self.traces[1])  \(Self.runs) of \(Self.runs) runs from 3 of 3 shards"))
        #expect(text.stdout.contains("replay: \(first["replayCommand"] as! String)"))
        #expect(text.stdout.hasSuffix("2 explorations, 1 passed, 1 failed (\(failing.count) failing runs)\n"))

        // Two shards of three: the third's runs are named as not explored, and the gate fails.
        let partial = w.path("partial.sqlite")
        #expect(try w.vloopArgs(["merge", shardDBs[0], shardDBs[1]], db: partial).status == 0)
        let p = try w.vloopArgs(["report", "--explorations"], db: partial)
        #expect(p.status == 1)
        #expect(p.stdout.contains("shard 3/3 is missing: its 13 runs (3, 6, 9, ...) were not explored"))
    }

    @Test("without exploring flags, --shard splits the traces; with them, every shard runs every trace")
    func whatIsSplit() throws {
        let w = try Workspace()
        let byTrace = try w.vloopArgs(["run", "--no-store", "--shard", "2/2"] + Self.traces)
        #expect(byTrace.stdout.contains(Self.traces[1]) && !byTrace.stdout.contains(Self.traces[0]))
        let byRun = try w.vloopArgs(["run", "--no-store", "--shard", "2/2", "--runs", "10"] + Self.traces)
        #expect(byRun.stdout.contains("\(Self.traces[0])  ok"))
        #expect(byRun.stdout.contains("5 of 10 runs explored as shard 2/2"))
    }

    @Test("a bad --shard, or --shard with --run, exits 2 with what is wrong")
    func badShards() throws {
        let w = try Workspace()
        let cases: [([String], String)] = [
            (["--shard", "0/2"], "--shard 0/2: shards are numbered from 1, so the first is 1/2"),
            (["--shard", "3/2"], "--shard 3/2: there is no shard 3 of 2; the last is 2/2"),
            (["--shard", "x"], "--shard must be i/n, shard i of n, such as 1/4 (got 'x')"),
            (["--shard", "1/0"], "--shard 1/0: the number of shards must be at least 1"),
            (
                ["--shard", "1/2", "--run", "3"],
                "--shard 1/2 and --run 3 cannot be combined: --run replays one run, which is one shard's; drop --shard"
            ),
            (
                ["--shard", "2/2", "--perturbations", "x.json"],
                "--shard 2/2 and --perturbations cannot be combined: a perturbation file replays one run; drop --shard"
            ),
        ]
        for (args, message) in cases {
            let r = try w.vloopArgs(["run", "--no-store"] + args + [Self.traces[0]])
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        let report = try w.vloopArgs(["report", "--explorations", "--baseline", "a"])
        #expect(report.status == 2)
    }
}
