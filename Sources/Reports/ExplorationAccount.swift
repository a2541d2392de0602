import Foundation
import RunStore

/// One exploration of one trace, joined from what each suite run that took
/// part recorded (`StoredExploration`): the shards of `vloop run --shard i/n
/// --runs N`, merged with `vloop merge`, or a single unsharded suite run.
///
/// Rows belong to one exploration when they share the label, the trace's
/// path, the seed, the settings (flags), the number of runs and the number of
/// shards. Every shard replays run 0 and explores runs r with
/// (r - 1) mod n = i - 1, so the runs covered are run 0 and each present
/// shard's share; a shard never recorded is named as missing, with the runs
/// it holds.
public struct ExplorationAccount: Sendable, Equatable, Codable {
    public var label: String
    public var tracePath: String
    public var seed: Int64
    /// The settings as `vloop run` flags.
    public var flags: String
    /// The runs of the whole exploration, run 0 included.
    public var runs: Int
    /// The number of shards it was split into (1 when it was not).
    public var shardCount: Int
    /// The shards recorded (their index i of `i/n`), in order; `[1]` when not sharded.
    public var shards: [Int]
    /// The shards never recorded, in order: their runs were not explored.
    public var missingShards: [Int]
    /// The distinct runs replayed, run 0 counted once.
    public var runsDone: Int
    /// Every failing run's index, in order, each once (0 when the nominal run failed).
    public var failingRuns: [Int]
    /// The lowest-numbered failing run as its shard reported it (shrunk, with its replay command).
    public var firstFailure: StoredExploration.Failure?
    /// What makes the account doubtful: shards recorded twice, shards that read different versions of the trace.
    public var problems: [String]

    /// Every run of the exploration was replayed and held, and nothing is doubtful.
    public var passed: Bool { failingRuns.isEmpty && missingShards.isEmpty && problems.isEmpty }

    /// The explorations of `rows`, in the order each was first recorded.
    public static func join(_ rows: [StoredExploration]) -> [ExplorationAccount] {
        struct Key: Hashable {
            var label, path, flags: String
            var seed: Int64
            var runs, count: Int
        }
        var order: [Key] = []
        var groups: [Key: [StoredExploration]] = [:]
        for r in rows {
            let key = Key(
                label: r.label, path: r.tracePath, flags: r.flags, seed: r.seed, runs: r.runs,
                count: shardOf(r)?.count ?? 1)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(r)
        }
        return order.map { key in account(groups[key]!, shardCount: key.count) }
    }

    /// `(i, n)` of a row's `i/n`; nil when it was not sharded.
    static func shardOf(_ r: StoredExploration) -> (index: Int, count: Int)? {
        guard let s = r.shard else { return nil }
        let parts = s.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        return (i, n)
    }

    static func account(_ rows: [StoredExploration], shardCount n: Int) -> ExplorationAccount {
        let first = rows[0]
        var byShard: [Int: [StoredExploration]] = [:]
        for r in rows { byShard[shardOf(r)?.index ?? 1, default: []].append(r) }
        let shards = byShard.keys.sorted()
        var problems: [String] = []
        for (i, rs) in byShard.sorted(by: { $0.key < $1.key }) where rs.count > 1 {
            problems.append(
                "\(n == 1 ? "the exploration" : "shard \(i)/\(n)") was recorded \(rs.count) times (its runs are counted once)"
            )
        }
        let hashes = Set(rows.map(\.traceHash))
        if hashes.count > 1 {
            problems.append("the suite runs read \(hashes.count) different versions of the trace (its hash differs)")
        }
        // A shard recorded more than once counts its largest replay.
        let done = byShard.values.map { rs in rs.map(\.runsDone).max() ?? 0 }
        let failing = Set(rows.flatMap(\.failingRuns)).sorted()
        let firstFailure = failing.first.flatMap { f in
            rows.lazy.compactMap(\.firstFailure).first { $0.run == f }
        }
        return ExplorationAccount(
            label: first.label, tracePath: first.tracePath, seed: first.seed, flags: first.flags, runs: first.runs,
            shardCount: n, shards: shards, missingShards: (1...n).filter { byShard[$0] == nil },
            runsDone: 1 + done.reduce(0) { $0 + max($1 - 1, 0) }, failingRuns: failing, firstFailure: firstFailure,
            problems: problems)
    }

    /// How many runs a missing shard `i` of `n` holds among runs 1..<runs.
    public static func shareSize(index i: Int, count n: Int, runs: Int) -> Int {
        runs - 1 >= i ? (runs - 1 - i) / n + 1 : 0
    }

    /// `12, 40, 41, 77 and 8 more`: at most `limit` run indices.
    public static func list(_ runs: [Int], limit: Int = 20) -> String {
        let shown = runs.prefix(limit).map(String.init).joined(separator: ", ")
        return runs.count > limit ? "\(shown) and \(runs.count - limit) more" : shown
    }

    /// The lines that report it, unindented after the first (`PASS  path  ...`).
    public var lines: [String] {
        let shardWords = shardCount == 1 ? "" : " from \(shards.count) of \(shardCount) shards"
        var out = ["\(passed ? "PASS" : "FAIL")  \(tracePath)  \(runsDone) of \(runs) runs\(shardWords) (\(flags))"]
        for i in missingShards {
            let size = Self.shareSize(index: i, count: shardCount, runs: runs)
            let examples = (0..<min(size, 3)).map { String(i + $0 * shardCount) }.joined(separator: ", ")
            out.append(
                "  shard \(i)/\(shardCount) is missing: its \(size) run\(size == 1 ? "" : "s") (\(examples)\(size > 3 ? ", ..." : "")) were not explored"
            )
        }
        if runsDone < runs && missingShards.isEmpty {
            out.append("  \(runs - runsDone) runs were not replayed (--fail-fast stops a shard at its first failure)")
        }
        for p in problems { out.append("  \(p)") }
        if !failingRuns.isEmpty {
            let n = failingRuns.count
            out.append("  \(n) of \(runsDone) runs failed: run\(n == 1 ? "" : "s") \(Self.list(failingRuns))")
        }
        if let f = firstFailure {
            out.append(
                f.run == 0
                    ? "  the nominal run (run 0) fails: \(f.broke)" : "  first failure: run \(f.run) broke: \(f.broke)")
            if !f.shrunk.isEmpty {
                out.append("  shrunk to \(f.shrunk.count) perturbation\(f.shrunk.count == 1 ? "" : "s"):")
                for p in f.shrunk { out.append("    \(p)") }
            }
            out.append("  replay: \(f.replayCommand)")
        }
        return out
    }
}
