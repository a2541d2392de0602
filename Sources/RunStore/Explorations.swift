import Foundation
import GRDB
import RunModel

/// What one suite run explored of one trace: the exploration's settings, the
/// share of its runs this suite run replayed (all of them, or one shard's), and
/// what failed there. `vloop merge` copies these with their suite runs, and
/// `vloop report --explorations` joins the shards of one exploration (same
/// label, trace, seed and settings) into one account (Reports'
/// `ExplorationAccount`).
public struct StoredExploration: Sendable, Equatable, Codable {
    /// The suite run that explored; nil before it is written.
    public var suiteRunID: Int64?
    /// The label of its suite run (filled when read).
    public var label: String
    public var tracePath: String
    /// `sha256:` and the hex digest of the trace's bytes: shards of one exploration ran the same trace.
    public var traceHash: String
    public var seed: Int64
    /// The settings as `vloop run` flags (`--seed 0 --jitter 0.5 ...`, `ExploreSettings.flags`).
    public var flags: String
    /// The runs of the whole exploration, run 0 (the nominal replay) included.
    public var runs: Int
    /// `i/n` when this suite run explored one shard's runs; nil when it explored them all.
    public var shard: String?
    /// The runs it replayed, run 0 included (fewer than its share with `--fail-fast`).
    public var runsDone: Int
    /// The indices of the runs that failed, in order (0 when the nominal run failed).
    public var failingRuns: [Int]
    /// Its first failing run, shrunk, as `vloop run` reported it; nil when none failed.
    public var firstFailure: Failure?

    /// A failing run as reported: what broke, what is left after shrinking, and the replay command.
    public struct Failure: Sendable, Equatable, Codable {
        public var run: Int
        public var broke: String
        /// The perturbations left after shrinking, in words.
        public var shrunk: [String]
        /// The command that replays the run exactly.
        public var replayCommand: String

        public init(run: Int, broke: String, shrunk: [String], replayCommand: String) {
            self.run = run
            self.broke = broke
            self.shrunk = shrunk
            self.replayCommand = replayCommand
        }
    }

    public init(
        suiteRunID: Int64? = nil, label: String = "", tracePath: String, traceHash: String, seed: Int64,
        flags: String, runs: Int, shard: String?, runsDone: Int, failingRuns: [Int], firstFailure: Failure?
    ) {
        self.suiteRunID = suiteRunID
        self.label = label
        self.tracePath = tracePath
        self.traceHash = traceHash
        self.seed = seed
        self.flags = flags
        self.runs = runs
        self.shard = shard
        self.runsDone = runsDone
        self.failingRuns = failingRuns
        self.firstFailure = firstFailure
    }
}

extension RunStore {
    /// Records what a suite run explored of one trace.
    public func write(_ e: StoredExploration, suiteRunID: Int64) throws {
        try guarded("record the exploration of \(e.tracePath)") {
            try writeImmediately { db in try Self.insertExploration(e, suiteRunID: suiteRunID, db) }
        }
    }

    /// The explorations recorded under `label`, or under every label when nil, in the order written.
    public func explorations(label: String?) throws -> [StoredExploration] {
        try guarded("read the explorations") {
            try read { db in
                try Self.fetchExplorations(
                    db, where: label == nil ? "1" : "suite_run.label = ?", label.map { [$0] } ?? [])
            }
        }
    }

    /// The traces under `label` whose run 0 (a nominal replay) failed: their
    /// paths and the status each failing run 0 ended with, in the order first recorded.
    /// `vloop report --explorations` names those that no exploration accounts for.
    public func failedNominalRuns(label: String) throws -> [(tracePath: String, status: String)] {
        try guarded("read the failed runs") {
            try read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT run.trace_path, run.status FROM run JOIN suite_run ON suite_run.id = run.suite_run_id
                        WHERE suite_run.label = ? AND run.run_index = 0 AND run.passed = 0 ORDER BY run.id
                        """, arguments: [label]
                ).map { (tracePath: $0[0], status: $0[1]) }
            }
        }
    }

    static func insertExploration(_ e: StoredExploration, suiteRunID: Int64, _ db: Database) throws {
        let failure = try e.firstFailure.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try db.execute(
            sql: """
                INSERT INTO exploration (suite_run_id, trace_path, trace_hash, seed, flags, runs, shard, runs_done,
                                         failing_runs, first_failure)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                suiteRunID, e.tracePath, e.traceHash, e.seed, e.flags, e.runs, e.shard, e.runsDone,
                "[" + e.failingRuns.map(String.init).joined(separator: ",") + "]", failure,
            ])
    }

    static func fetchExplorations(
        _ db: Database, where condition: String, _ arguments: [(any DatabaseValueConvertible)?]
    ) throws -> [StoredExploration] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT exploration.suite_run_id, suite_run.label, exploration.trace_path, exploration.trace_hash,
                       exploration.seed, exploration.flags, exploration.runs, exploration.shard, exploration.runs_done,
                       exploration.failing_runs, exploration.first_failure
                FROM exploration JOIN suite_run ON suite_run.id = exploration.suite_run_id
                WHERE \(condition) ORDER BY exploration.rowid
                """, arguments: StatementArguments(arguments)
        ).map { row in
            let failure: String? = row[10]
            return StoredExploration(
                suiteRunID: row[0], label: row[1], tracePath: row[2], traceHash: row[3], seed: row[4], flags: row[5],
                runs: row[6], shard: row[7], runsDone: row[8], failingRuns: parseIntArray(row[9]),
                firstFailure: failure.flatMap {
                    try? JSONDecoder().decode(StoredExploration.Failure.self, from: Data($0.utf8))
                })
        }
    }
}

/// `[1,5,9]` as written by `insertExploration`.
func parseIntArray(_ s: String) -> [Int] {
    (try? JSONSerialization.jsonObject(with: Data(s.utf8)) as? [Int]) ?? []
}
