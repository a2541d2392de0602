import Foundation
import GRDB
import GRDBSQLite
import RunModel

/// Why the run database cannot be used. Every one is a problem of the
/// command, not of a trace: the command line exits 2, and the database is
/// left as it was.
public struct StoreError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// The SQLite database of recorded runs (DESIGN.md, "Storage").
///
/// A writer (`vloop run`, `vloop merge`, `vloop migrate`) opens it in WAL mode
/// with a busy timeout, so that several processes (parallel CI jobs, shards)
/// can write one file; each run is written in one transaction, so writing a
/// run never loses an earlier one, and a writer killed mid-suite loses only the
/// run it was writing. A writer migrates a database from an older vloop; one
/// from a newer vloop, or a file that is not vloop's, is refused before
/// anything is written to it. A reader (`vloop runs`, `show`, `report`) opens
/// it read-only and never migrates it: not one byte of the file changes
/// (docs/LIMITS.md, "The run database under faults").
///
///     let store = try RunStore.open(path: ".vloop/runs.sqlite", mode: .create)
///     let suite = try store.beginSuiteRun(SuiteRun(label: "main", ...))
///     let id = try store.write(run, suiteRunID: suite)
///     let runs = try store.runSet("main").runs
public final class RunStore {
    public enum OpenMode: Sendable {
        /// Create the database (and its folder) when it does not exist, and migrate
        /// it to this vloop's schema: for writers.
        case create
        /// The database must exist at this vloop's schema, and is only read: for
        /// readers (`vloop runs`, `show`, `report`). Writing through it fails.
        case existing
    }

    public let path: String
    /// The connection. A writer's never changes. A reader's is read-only; an
    /// immutable reader's is replaced by a `mode=ro` one when the file changes
    /// under it (`read`), so a reader is used from one thread at a time.
    var queue: DatabaseQueue
    /// Set for a reader opened `immutable` (`Reader`): the file as it was then.
    var immutableStamp: FileStamp?

    init(path: String, queue: DatabaseQueue, immutableStamp: FileStamp? = nil) {
        self.path = path
        self.queue = queue
        self.immutableStamp = immutableStamp
    }

    /// Closes the database (the file is complete after each transaction anyway).
    public func close() throws {
        try queue.close()
    }

    // MARK: Writing

    /// A write transaction that takes the write lock first (BEGIN IMMEDIATE), so that
    /// it waits its turn instead of failing when it reads before it writes.
    func writeImmediately<T>(_ updates: (Database) throws -> T) throws -> T {
        try Self.retryingWhileBusy {
            try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try updates(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// Records the start of a suite run and returns its id.
    public func beginSuiteRun(_ s: SuiteRun) throws -> Int64 {
        try guarded("record the suite run") {
            try writeImmediately { db in try Self.insertSuiteRun(s, db) }
        }
    }

    /// Records when a suite run finished.
    public func finishSuiteRun(id: Int64, at date: Date) throws {
        try guarded("record the end of the suite run") {
            try writeImmediately { db in
                try db.execute(
                    sql: "UPDATE suite_run SET finished_at = ? WHERE id = ?",
                    arguments: [Timestamp.string(date), id])
            }
        }
    }

    /// Writes one run, with its events, tasks, jobs and property results, in
    /// one transaction; returns its id.
    @discardableResult
    public func write(_ run: StoredRun, suiteRunID: Int64) throws -> Int64 {
        try guarded("record the run of \(run.tracePath)") {
            try writeImmediately { db in try Self.insertRun(run, suiteRunID: suiteRunID, db) }
        }
    }

    static func insertSuiteRun(_ s: SuiteRun, _ db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO suite_run (uuid, label, git_commit, git_dirty, host, harness_version, arguments, shard,
                                       started_at, finished_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                s.uuid, s.label, s.gitCommit, s.gitDirty, s.host, s.harnessVersion, jsonArray(s.arguments),
                s.shard, Timestamp.string(s.startedAt), s.finishedAt.map(Timestamp.string),
            ])
        return db.lastInsertedRowID
    }

    static func insertRun(_ r: StoredRun, suiteRunID: Int64, _ db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO run (suite_run_id, trace_path, trace_hash, seed, run_index, status, value, passed,
                                 virtual_duration, wall_time, steps, problems, started_at, strategy, explore_flags,
                                 traceback)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                suiteRunID, r.tracePath, r.traceHash, r.seed, r.runIndex, r.status, r.value, r.passed,
                r.virtualDuration, r.wallTime, r.steps, jsonArray(r.problems), Timestamp.string(r.startedAt),
                r.explored?.strategy, r.explored?.flags, r.traceback,
            ])
        let id = db.lastInsertedRowID
        try BatchInsert(
            db, table: "event",
            columns: ["run_id", "seq", "t", "ctx", "kind", "text", "state", "value", "status", "step"]
        )
        .insert(
            r.events.enumerated().map { i, e in
                [
                    .int(id), .int(i), .double(e.t), .text(e.ctx), .text(e.kind.rawValue), .text(e.text),
                    .text(e.state),
                    .text(e.value), .text(e.status), i < r.eventSteps.count ? .int(r.eventSteps[i]) : .null,
                ]
            })
        try BatchInsert(
            db, table: "task",
            columns: [
                "run_id", "seq", "name", "created", "first_step", "done", "state", "steps", "step_times", "coroutine",
                "exception", "created_step", "done_step", "creator_kind", "creator_source", "creator_step",
                "creator_t", "wakes",
            ]
        )
        .insert(
            r.tasks.enumerated().map { i, t in
                [
                    .int(id), .int(i), .text(t.name), .double(t.created), .double(t.firstStep), .double(t.done),
                    .text(t.state),
                    .int(t.steps), .blob(encodeDoubles(t.stepTimes)), .text(t.coroutine), .text(t.exception),
                    .int(t.createdStep), .int(t.doneStep), .text(t.creator?.kind.rawValue), .int(t.creator?.source),
                    .int(t.creator?.step), .double(t.creator?.t),
                    t.wakes.isEmpty ? .null : .blob(WakeEncoding.encode(t.wakes)),
                ]
            })
        try BatchInsert(
            db, table: "job",
            columns: [
                "run_id", "seq", "executor", "worker", "queued", "started", "finished",
                "call", "succeeded", "queued_step", "started_step", "finished_step",
            ]
        )
        .insert(
            r.jobs.enumerated().map { i, j in
                [
                    .int(id), .int(i), .text(j.executor), .text(j.worker), .double(j.queued), .double(j.started),
                    .double(j.finished),
                    .text(j.job), j.succeeded.map { .bool($0) } ?? .null, .int(j.queuedStep), .int(j.startedStep),
                    .int(j.finishedStep),
                ]
            })
        try BatchInsert(
            db, table: "property_result", columns: ["run_id", "seq", "name", "line", "\"column\"", "passed", "message"]
        )
        .insert(
            r.properties.enumerated().map { i, p in
                [.int(id), .int(i), .text(p.name), .int(p.line), .int(p.column), .bool(p.passed), .text(p.message)]
            })
        try BatchInsert(db, table: "run_module", columns: ["run_id", "seq", "path", "hash"])
            .insert(r.modules.enumerated().map { i, m in [.int(id), .int(i), .text(m.path), .text(m.hash)] })
        try BatchInsert(
            db, table: "perturbation",
            columns: [
                "run_id", "seq", "kind", "draw", "t", "task", "coroutine", "position", "amount", "nominal",
                "description",
            ]
        )
        .insert(
            r.perturbations.enumerated().map { i, p in
                [
                    .int(id), .int(i), .text(p.kind), .text(p.draw), .double(p.t), .text(p.task),
                    .text(p.coroutine), .text(p.position), .double(p.amount), .double(p.nominal),
                    .text(p.description),
                ]
            })
        return id
    }

    // MARK: Reading

    /// The recorded runs, newest first.
    public func runSummaries(
        label: String? = nil, trace: String? = nil, status: String? = nil,
        limit: Int? = nil
    ) throws -> [RunSummary] {
        try guarded("read the runs") {
            try read { db in
                var sql = """
                    SELECT run.id, suite_run.label, run.trace_path, run.seed, run.run_index, run.status, run.passed,
                           run.virtual_duration, run.wall_time, run.steps, run.started_at
                    FROM run JOIN suite_run ON suite_run.id = run.suite_run_id
                    """
                var conditions: [String] = []
                var arguments: [(any DatabaseValueConvertible)?] = []
                if let label { conditions.append("suite_run.label = ?"); arguments.append(label) }
                if let trace {
                    conditions.append("(run.trace_path = ? OR run.trace_path LIKE ? ESCAPE '\\')")
                    arguments.append(trace)
                    arguments.append("%" + likeEscaped(trace) + "%")
                }
                if let status {
                    if status == "failed" {
                        conditions.append("run.passed = 0")
                    } else if status == "passed" {
                        conditions.append("run.passed = 1")
                    } else {
                        conditions.append("run.status = ?"); arguments.append(status)
                    }
                }
                if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
                sql += " ORDER BY run.id DESC"
                if let limit { sql += " LIMIT \(limit)" }
                return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                    RunSummary(
                        id: row[0], label: row[1], tracePath: row[2], seed: row[3], runIndex: row[4],
                        status: row[5], passed: row[6], virtualDuration: row[7], wallTime: row[8],
                        steps: row[9], startedAt: Timestamp.date(row[10]))
                }
            }
        }
    }

    /// Every label, the most recently recorded first.
    public func labels() throws -> [LabelSummary] {
        try guarded("read the labels") {
            try read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT suite_run.label, COUNT(DISTINCT suite_run.id), COUNT(run.id),
                               COALESCE(SUM(run.passed = 0), 0), MAX(suite_run.started_at), MAX(suite_run.id) AS latest
                        FROM suite_run LEFT JOIN run ON run.suite_run_id = suite_run.id
                        GROUP BY suite_run.label
                        ORDER BY latest DESC
                        """
                ).map { row in
                    LabelSummary(
                        label: row[0], suiteRuns: row[1], runs: row[2], failed: row[3],
                        lastStartedAt: Timestamp.date(row[4]))
                }
            }
        }
    }

    /// One run with everything recorded about it.
    public func run(id: Int64) throws -> StoredRun {
        try guarded("read run \(id)") {
            try read { db in
                guard let r = try Self.fetchRuns(db, where: "run.id = ?", [id]).first else {
                    throw StoreError("no run \(id) in \(path) (`vloop runs` lists the recorded runs)")
                }
                return r
            }
        }
    }

    /// The suite run a run belongs to.
    public func suiteRun(id: Int64) throws -> SuiteRun {
        try guarded("read suite run \(id)") {
            try read { db in
                guard let s = try Self.fetchSuiteRuns(db, where: "id = ?", [id]).first else {
                    throw StoreError("no suite run \(id) in \(path)")
                }
                return s
            }
        }
    }

    /// The runs a selector names: a label (every run recorded under it), or
    /// a run id (`12`, or `#12`). A label that looks like a number wins over
    /// a run id.
    public func runSet(_ selector: String) throws -> RunSet {
        try guarded("read \(selector)") {
            try read { db in
                let suites = try Self.fetchSuiteRuns(db, where: "label = ?", [selector])
                if !suites.isEmpty {
                    let runs = try Self.fetchRuns(db, where: "suite_run.label = ?", [selector])
                    return RunSet(selector: .label(selector), suiteRuns: suites, runs: runs)
                }
                let digits = selector.hasPrefix("#") ? String(selector.dropFirst()) : selector
                if let id = Int64(digits), let run = try Self.fetchRuns(db, where: "run.id = ?", [id]).first {
                    let suites = try Self.fetchSuiteRuns(db, where: "id = ?", [run.suiteRunID])
                    return RunSet(selector: .run(id), suiteRuns: suites, runs: [run])
                }
                let known = try String.fetchAll(
                    db,
                    sql: """
                        SELECT label FROM suite_run GROUP BY label ORDER BY MAX(id) DESC LIMIT 5
                        """)
                let hint =
                    known.isEmpty ? "no runs are recorded yet" : "recent labels: \(known.joined(separator: ", "))"
                throw StoreError("no label or run id '\(selector)' in \(path) (\(hint); `vloop runs` lists the runs)")
            }
        }
    }

    // MARK: Merging

    /// What `merge` copied.
    public struct MergeSummary: Sendable, Equatable {
        public var suiteRuns = 0
        public var runs = 0
        /// Suite runs already in this database (merged before), left alone.
        public var skipped = 0

        public init(suiteRuns: Int = 0, runs: Int = 0, skipped: Int = 0) {
            self.suiteRuns = suiteRuns
            self.runs = runs
            self.skipped = skipped
        }
    }

    /// Copies every suite run of the database at `source` that this one does
    /// not have (by uuid), with its runs and explorations, in one transaction: a merge that
    /// fails leaves this database as it was. The source is only read.
    public func merge(from source: String) throws -> MergeSummary {
        let sourceStore = try Self.openSource(path: source)
        defer { try? sourceStore.close() }
        let suites: [(SuiteRun, [StoredRun], [StoredExploration])] = try sourceStore.guarded("read \(source)") {
            try sourceStore.read { db in
                try Self.fetchSuiteRuns(db, where: "1", []).map { s in
                    (
                        s, try Self.fetchRuns(db, where: "run.suite_run_id = ?", [s.id]),
                        try Self.fetchExplorations(db, where: "exploration.suite_run_id = ?", [s.id])
                    )
                }
            }
        }
        return try guarded("merge \(source)") {
            try writeImmediately { db in
                var summary = MergeSummary()
                for (suite, runs, explorations) in suites {
                    if try Bool.fetchOne(db, sql: "SELECT 1 FROM suite_run WHERE uuid = ?", arguments: [suite.uuid])
                        == true
                    {
                        summary.skipped += 1
                        continue
                    }
                    let id = try Self.insertSuiteRun(suite, db)
                    for r in runs { _ = try Self.insertRun(r, suiteRunID: id, db) }
                    for e in explorations { try Self.insertExploration(e, suiteRunID: id, db) }
                    summary.suiteRuns += 1
                    summary.runs += runs.count
                }
                return summary
            }
        }
    }

    // MARK: Queries

    static func fetchSuiteRuns(
        _ db: Database, where condition: String,
        _ arguments: [(any DatabaseValueConvertible)?]
    ) throws -> [SuiteRun] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, uuid, label, git_commit, git_dirty, host, harness_version, arguments, shard, started_at, finished_at
                FROM suite_run WHERE \(condition) ORDER BY id
                """, arguments: StatementArguments(arguments)
        ).map { row in
            SuiteRun(
                id: row[0], uuid: row[1], label: row[2], gitCommit: row[3], gitDirty: row[4], host: row[5],
                harnessVersion: row[6], arguments: parseJSONArray(row[7]), shard: row[8],
                startedAt: Timestamp.date(row[9]), finishedAt: (row[10] as String?).map(Timestamp.date))
        }
    }

    static func fetchRuns(
        _ db: Database, where condition: String,
        _ arguments: [(any DatabaseValueConvertible)?]
    ) throws -> [StoredRun] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT run.id, run.suite_run_id, suite_run.label, run.trace_path, run.trace_hash, run.seed, run.run_index,
                       run.status, run.value, run.passed, run.virtual_duration, run.wall_time, run.steps, run.problems,
                       run.started_at, run.strategy, run.explore_flags, run.traceback
                FROM run JOIN suite_run ON suite_run.id = run.suite_run_id
                WHERE \(condition) ORDER BY run.id
                """, arguments: StatementArguments(arguments))
        let events = try db.cachedStatement(
            sql: """
                SELECT t, ctx, kind, text, state, value, status, step FROM event WHERE run_id = ? ORDER BY seq
                """)
        let tasks = try db.cachedStatement(
            sql: """
                SELECT name, created, first_step, done, state, steps, step_times, coroutine, exception,
                       created_step, done_step, creator_kind, creator_source, creator_step, creator_t, wakes
                FROM task WHERE run_id = ? ORDER BY seq
                """)
        let jobs = try db.cachedStatement(
            sql: """
                SELECT executor, worker, queued, started, finished, call, succeeded, queued_step, started_step,
                       finished_step
                FROM job WHERE run_id = ? ORDER BY seq
                """)
        let properties = try db.cachedStatement(
            sql: """
                SELECT name, line, "column", passed, message FROM property_result WHERE run_id = ? ORDER BY seq
                """)
        let modules = try db.cachedStatement(
            sql: """
                SELECT path, hash FROM run_module WHERE run_id = ? ORDER BY seq
                """)
        let perturbations = try db.cachedStatement(
            sql: """
                SELECT kind, draw, t, task, coroutine, position, amount, nominal, description
                FROM perturbation WHERE run_id = ? ORDER BY seq
                """)
        return try rows.map { row in
            let id: Int64 = row[0]
            let eventRows = try Row.fetchAll(events, arguments: [id])
            // Steps of the events only when every event has one (a run stored before v8 has none).
            let eventSteps = eventRows.compactMap { $0[7] as Int? }
            return StoredRun(
                id: id, suiteRunID: row[1], label: row[2], tracePath: row[3], traceHash: row[4], seed: row[5],
                runIndex: row[6], status: row[7], value: row[8], passed: row[9], virtualDuration: row[10],
                wallTime: row[11], steps: row[12], problems: parseJSONArray(row[13]),
                startedAt: Timestamp.date(row[14]),
                events: eventRows.map { e in
                    TraceEvent(
                        t: e[0], ctx: e[1], kind: TraceEvent.Kind(rawValue: e[2]) ?? .print, text: e[3],
                        state: e[4], value: e[5], status: e[6])
                },
                tasks: try Row.fetchAll(tasks, arguments: [id]).map { t in
                    TaskRecord(
                        name: t[0], created: t[1], firstStep: t[2], done: t[3], state: t[4], steps: t[5],
                        stepTimes: decodeDoubles(t[6]), coroutine: t[7], exception: t[8],
                        creator: (t[11] as String?).flatMap(Cause.Kind.init(rawValue:)).map {
                            Cause(kind: $0, source: t[12] ?? -1, step: t[13] ?? 0, t: t[14] ?? 0)
                        },
                        createdStep: t[9], doneStep: t[10], wakes: (t[15] as Data?).flatMap(WakeEncoding.decode) ?? [])
                },
                jobs: try Row.fetchAll(jobs, arguments: [id]).map { j in
                    JobRecord(
                        executor: j[0], job: j[5], worker: j[1], queued: j[2], started: j[3], finished: j[4],
                        succeeded: j[6], queuedStep: j[7], startedStep: j[8], finishedStep: j[9])
                },
                properties: try Row.fetchAll(properties, arguments: [id]).map { p in
                    PropertyResult(name: p[0], line: p[1], column: p[2], passed: p[3], message: p[4])
                },
                modules: try Row.fetchAll(modules, arguments: [id]).map { m in StoredModule(path: m[0], hash: m[1]) },
                explored: (row[15] as String?).map { ExploredRun(strategy: $0, flags: row[16] ?? "") },
                perturbations: try Row.fetchAll(perturbations, arguments: [id]).map { p in
                    StoredPerturbation(
                        kind: p[0], draw: p[1], t: p[2], task: p[3], coroutine: p[4], position: p[5], amount: p[6],
                        nominal: p[7], description: p[8])
                },
                traceback: row[17], eventSteps: eventSteps.count == eventRows.count ? eventSteps : [])
        }
    }

    /// Runs `body`, turning database errors into `StoreError`s that say what failed.
    func guarded<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as StoreError {
            throw e
        } catch {
            let latest = systemErrno()
            let recorded = queue.inDatabase { sqlite3_system_errno($0.sqliteConnection) }
            let errno = recorded != 0 ? recorded : latest
            throw StoreError("cannot \(what) in \(path): \(reason(error, systemErrno: errno))")
        }
    }
}

/// A value of a column, for `BatchInsert`.
enum SQLValue {
    case int(Int64)
    case double(Double)
    case text(String)
    case blob(Data)
    case null

    static func int(_ i: Int) -> SQLValue { .int(Int64(i)) }
    static func int(_ i: Int?) -> SQLValue { i.map { .int(Int64($0)) } ?? .null }
    static func bool(_ b: Bool) -> SQLValue { .int(b ? 1 : 0) }
    static func double(_ d: Double?) -> SQLValue { d.map { .double($0) } ?? .null }
    static func text(_ s: String?) -> SQLValue { s.map { .text($0) } ?? .null }
}

/// Inserts rows in batches: one prepared multi-row INSERT reused for every
/// full batch, and a single-row one for the rest, bound through SQLite's own
/// API (a run of a hundred thousand tasks is written in well under a second).
/// Runs inside the caller's transaction.
struct BatchInsert {
    static let batchSize = 64
    let db: Database
    let table: String
    let columns: [String]

    init(_ db: Database, table: String, columns: [String]) {
        self.db = db
        self.table = table
        self.columns = columns
    }

    func insert(_ rows: [[SQLValue]]) throws {
        if rows.isEmpty { return }
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES "
        var start = 0
        if rows.count >= Self.batchSize {
            let batch = try prepare(head + Array(repeating: row, count: Self.batchSize).joined(separator: ","))
            defer { sqlite3_finalize(batch) }
            while start + Self.batchSize <= rows.count {
                try run(batch, rows[start..<start + Self.batchSize])
                start += Self.batchSize
            }
        }
        if start < rows.count {
            let single = try prepare(head + row)
            defer { sqlite3_finalize(single) }
            for r in rows[start...] { try run(single, [r]) }
        }
    }

    private func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(db.sqliteConnection, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw failure(rc) }
        return statement
    }

    private func run(_ statement: OpaquePointer, _ rows: ArraySlice<[SQLValue]>) throws {
        sqlite3_reset(statement)
        var i: Int32 = 1
        for r in rows {
            for v in r {
                let rc: Int32
                switch v {
                case .int(let x): rc = sqlite3_bind_int64(statement, i, x)
                case .double(let x): rc = sqlite3_bind_double(statement, i, x)
                case .text(let x): rc = sqlite3_bind_text(statement, i, x, -1, sqliteTransient)
                case .blob(let x):
                    rc = x.withUnsafeBytes {
                        sqlite3_bind_blob(statement, i, $0.baseAddress, Int32($0.count), sqliteTransient)
                    }
                case .null: rc = sqlite3_bind_null(statement, i)
                }
                guard rc == SQLITE_OK else { throw failure(rc) }
                i += 1
            }
        }
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE else { throw failure(rc) }
    }

    private func failure(_ rc: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: rc),
            message: String(cString: sqlite3_errmsg(db.sqliteConnection)) + " (inserting into \(table))")
    }
}

/// SQLite copies the bytes it is given.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// ISO 8601 in UTC with milliseconds: `2026-11-25T00:39:52.123Z`.
enum Timestamp {
    static func string(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: d)
    }

    static func date(_ s: String) -> Date {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: s) ?? Date(timeIntervalSince1970: 0)
    }
}

func jsonArray(_ items: [String]) -> String {
    "[" + items.map(jsonString).joined(separator: ",") + "]"
}

func parseJSONArray(_ s: String) -> [String] {
    (try? JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String]) ?? []
}

func encodeDoubles(_ xs: [Double]) -> Data {
    var bytes = [UInt8](repeating: 0, count: xs.count * 8)
    for (i, x) in xs.enumerated() {
        let bits = x.bitPattern
        for k in 0..<8 { bytes[i * 8 + k] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(k))) }
    }
    return Data(bytes)
}

func decodeDoubles(_ data: Data) -> [Double] {
    let bytes = [UInt8](data)
    return stride(from: 0, to: bytes.count - bytes.count % 8, by: 8).map { i in
        var bits: UInt64 = 0
        for k in 0..<8 { bits |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
        return Double(bitPattern: bits)
    }
}

/// Creates `path` and its missing parents (`mkdir -p`); the reason, as the system words it, when it cannot.
func makeFolders(_ path: String) -> String? {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        return isDirectory.boolValue ? nil : "\(path) is a file"
    }
    let parent = (path as NSString).deletingLastPathComponent
    if !parent.isEmpty && parent != path, let why = makeFolders(parent) { return why }
    if mkdir(path, 0o755) != 0 && errno != EEXIST { return String(cString: strerror(errno)) }
    return nil
}

func likeEscaped(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
        .replacingOccurrences(of: "_", with: "\\_")
}

/// The system's error behind SQLite's last I/O error, when SQLite did not keep
/// it (`sqlite3_system_errno`): `errno`, read first thing after the failure,
/// before a later failing call replaces it.
func systemErrno() -> Int32 { errno }

/// A database error in words; `systemErrno`, when known, is the system's error
/// behind an I/O error (`sqlite3_system_errno`).
func reason(_ error: Error, systemErrno: Int32 = 0) -> String {
    if let e = error as? DatabaseError {
        let io = [.SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN].contains(e.resultCode.primaryResultCode)
        switch io ? systemErrno : 0 {
        case ENOSPC: return "the disk is full (\(String(cString: strerror(ENOSPC))))"
        case EFBIG:
            return
                "the file would grow past the size limit of this process (\(String(cString: strerror(EFBIG))): ulimit -f)"
        case EDQUOT: return "the disk quota is used up (\(String(cString: strerror(EDQUOT))))"
        case EROFS: return "the file system is read-only"
        default: break
        }
        switch e.resultCode {
        case .SQLITE_READONLY: return "the database is read-only"
        case .SQLITE_CANTOPEN: return "cannot open the file (is its folder writable?)"
        case .SQLITE_BUSY: return "the database stayed locked by another process for 60 s"
        case .SQLITE_FULL: return "the disk is full"
        case .SQLITE_CORRUPT: return "the database is damaged (\(e.message ?? "malformed"))"
        default:
            let words = e.message ?? "\(e)"
            return io && systemErrno != 0 ? "\(words) (\(String(cString: strerror(systemErrno))))" : words
        }
    }
    if let e = error as? CocoaError, let underlying = e.userInfo[NSUnderlyingErrorKey] as? NSError {
        return String(cString: strerror(Int32(underlying.code)))
    }
    return (error as NSError).localizedDescription
}
