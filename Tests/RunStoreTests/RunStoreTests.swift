import Foundation
import GRDB
import Properties
import PyRuntime
import RunModel
import Testing
import VirtualLoop

@testable import RunStore

/// A fresh folder for one test's databases, removed at the end.
final class TempFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

func sampleSuite(_ label: String) -> SuiteRun {
    SuiteRun(
        label: label, gitCommit: "0123456789ab", gitDirty: false, host: "test-host", harnessVersion: "0.1.0",
        arguments: ["run", "fixtures/seed"], shard: nil, startedAt: Date(timeIntervalSince1970: 1_800_000_000))
}

func sampleRun(_ path: String = "a.trace", passed: Bool = true, wall: Double = 0.01) -> StoredRun {
    StoredRun(
        tracePath: path, traceHash: Provenance.contentHash(Data(path.utf8)), seed: 7, runIndex: 0,
        status: "ok", value: "None", passed: passed, virtualDuration: 2.0, wallTime: wall, steps: 12, problems: [],
        startedAt: Date(timeIntervalSince1970: 1_800_000_001),
        events: [
            TraceEvent(t: 0, ctx: "Task-2", kind: .print, text: "<script>alert(1)</script>"),
            TraceEvent(t: 2, ctx: "Task-2", kind: .taskDone, state: "result", value: "'a'"),
            TraceEvent(t: 2, ctx: nil, kind: .runEnd, value: "None", status: "ok"),
        ],
        tasks: [
            TaskRecord(
                name: "Task-2", created: 0, firstStep: 0, done: 2, state: "result", steps: 2, stepTimes: [0, 2],
                coroutine: "fetch('a', 2)"),
            TaskRecord(
                name: "Task-3", created: 0, firstStep: 0, done: 1, state: "exception", steps: 2, stepTimes: [0, 1],
                coroutine: nil, exception: "KeyError: 'b'"),
        ],
        jobs: [JobRecord(executor: "asyncio", worker: "asyncio_0", queued: 0.5, started: 0.5, finished: 1.5)],
        properties: [
            PropertyResult(
                name: "expect.at", line: 9, column: 1, passed: passed,
                message: passed ? "" : "expect.at (line 9): never happened")
        ])
}

@Suite("Run store")
struct RunStoreTests {
    @Test("a run written is read back with its events, tasks, jobs and property results")
    func roundTrip() throws {
        let dir = try TempFolder()
        let store = try RunStore.open(path: dir.path("runs.sqlite"), mode: .create)
        let suite = try store.beginSuiteRun(sampleSuite("main"))
        let written = sampleRun()
        let id = try store.write(written, suiteRunID: suite)
        let read = try store.run(id: id)
        #expect(read.label == "main" && read.tracePath == "a.trace" && read.seed == 7)
        #expect(read.events == written.events)
        #expect(read.tasks == written.tasks)
        #expect(read.jobs == written.jobs)
        #expect(read.properties.map(\.name) == ["expect.at"] && read.properties[0].line == 9)
        #expect(read.startedAt == written.startedAt)
        #expect(read.traceback == nil)
    }

    @Test("a run's traceback, and each task's call and exception, are read back as written")
    func tracebackAndCalls() throws {
        let dir = try TempFolder()
        let store = try RunStore.open(path: dir.path("runs.sqlite"), mode: .create)
        let suite = try store.beginSuiteRun(sampleSuite("main"))
        var written = sampleRun(passed: false)
        written.status = "exception"
        written.traceback =
            "Traceback (most recent call last):\n  File \"a.trace\", line 3, in f\n    x()\nKeyError: 'b'"
        let read = try store.run(id: try store.write(written, suiteRunID: suite))
        #expect(read.traceback == written.traceback)
        #expect(read.tasks.map(\.coroutine) == ["fetch('a', 2)", nil])
        #expect(read.tasks.map(\.exception) == [nil, "KeyError: 'b'"])
        #expect(read.tasks.map(\.label) == ["Task-2 fetch('a', 2)", "Task-3"])
    }

    @Test("many events are written in batches and come back in order")
    func batches() throws {
        let dir = try TempFolder()
        let store = try RunStore.open(path: dir.path("runs.sqlite"), mode: .create)
        var run = sampleRun()
        run.events = (0..<1000).map { TraceEvent(t: Double($0), ctx: "Task-1", kind: .print, text: "line \($0)") }
        let id = try store.write(run, suiteRunID: try store.beginSuiteRun(sampleSuite("x")))
        #expect(try store.run(id: id).events == run.events)
    }

    @Test("a database made by the first migration: a reader refuses it unchanged; migrating keeps its runs")
    func migratesFromTheFirstSchema() throws {
        let dir = try TempFolder()
        let path = dir.path("old.sqlite")
        do {
            var config = Configuration()
            config.journalMode = .wal
            let queue = try DatabaseQueue(path: path, configuration: config)
            try Schema.migrator.migrate(queue, upTo: Schema.names[0])
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO suite_run (uuid, label, host, harness_version, arguments, started_at)
                        VALUES ('u1', 'old-label', 'h', '0.0.9', '["run"]', '2026-01-01T00:00:00.000Z');
                        INSERT INTO run (suite_run_id, trace_path, trace_hash, seed, run_index, status, value, passed,
                                         virtual_duration, wall_time, steps, problems, started_at)
                        VALUES (1, 'old.trace', 'sha256:00', 0, 0, 'ok', 'None', 1, 1.5, 0.002, 9, '[]', '2026-01-01T00:00:00.000Z');
                        INSERT INTO event VALUES (1, 0, 1.5, NULL, 'run_end', NULL, NULL, 'None', 'ok');
                        """)
            }
            #expect(try queue.read { try $0.tableExists("task") } == false)
            try queue.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let refused = #expect(throws: StoreError.self) { try RunStore.open(path: path, mode: .existing) }
        #expect(refused?.description.contains("`vloop migrate --db \(path)`") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try RunStore.migrate(path: path) == Array(Schema.names.dropFirst()))
        #expect(try RunStore.migrate(path: path) == [])
        let reader = try RunStore.open(path: path, mode: .existing)
        let old = try reader.run(id: 1)
        #expect(old.label == "old-label" && old.virtualDuration == 1.5 && old.events.count == 1 && old.tasks.isEmpty)
        try reader.close()
        let store = try RunStore.open(path: path, mode: .create)
        let id = try store.write(sampleRun(), suiteRunID: try store.beginSuiteRun(sampleSuite("new")))
        #expect(try store.run(id: id).tasks == sampleRun().tasks)
        #expect(try store.labels().map(\.label) == ["new", "old-label"])
    }

    @Test("a label selects every run recorded under it; a number selects one run")
    func selectors() throws {
        let dir = try TempFolder()
        let store = try RunStore.open(path: dir.path("runs.sqlite"), mode: .create)
        let a = try store.beginSuiteRun(sampleSuite("base"))
        try store.write(sampleRun("x.trace"), suiteRunID: a)
        try store.write(sampleRun("y.trace"), suiteRunID: a)
        let b = try store.beginSuiteRun(sampleSuite("base"))
        let third = try store.write(sampleRun("x.trace"), suiteRunID: b)
        #expect(try store.runSet("base").runs.count == 3)
        #expect(try store.runSet("base").suiteRuns.count == 2)
        let one = try store.runSet("\(third)")
        #expect(one.selector == .run(third) && one.runs.count == 1 && one.name == "run \(third)")
        #expect(try store.runSet("#\(third)").runs.first?.id == third)
        #expect(throws: StoreError.self) { try store.runSet("nope") }
        #expect(throws: StoreError.self) { try store.run(id: 999) }
        #expect(try store.runSummaries(trace: "y.trace").count == 1)
        #expect(try store.runSummaries().map(\.id) == [3, 2, 1])
    }

    @Test("merging copies suite runs once, and leaves the source as it was")
    func merge() throws {
        let dir = try TempFolder()
        let shard1 = try RunStore.open(path: dir.path("1.sqlite"), mode: .create)
        try shard1.write(sampleRun("a.trace"), suiteRunID: try shard1.beginSuiteRun(sampleSuite("c1")))
        let shard2 = try RunStore.open(path: dir.path("2.sqlite"), mode: .create)
        try shard2.write(sampleRun("b.trace"), suiteRunID: try shard2.beginSuiteRun(sampleSuite("c1")))
        try shard1.close()
        try shard2.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.path("1.sqlite")))
        let target = try RunStore.open(path: dir.path("all.sqlite"), mode: .create)
        #expect(
            try target.merge(from: dir.path("1.sqlite")) == RunStore.MergeSummary(suiteRuns: 1, runs: 1, skipped: 0))
        #expect(try target.merge(from: dir.path("2.sqlite")).runs == 1)
        #expect(
            try target.merge(from: dir.path("1.sqlite")) == RunStore.MergeSummary(suiteRuns: 0, runs: 0, skipped: 1))
        let merged = try target.runSet("c1")
        #expect(merged.runs.map(\.tracePath) == ["a.trace", "b.trace"])
        #expect(merged.runs[1].events.count == 3 && merged.runs[1].tasks == sampleRun().tasks)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("1.sqlite"))) == before)
    }
}

@Suite("Run store: bad input")
struct RunStoreBadInputTests {
    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("a reader of a database that does not exist is told so, and nothing is created")
    func missing() throws {
        let dir = try TempFolder()
        let error = #expect(throws: StoreError.self) {
            try RunStore.open(path: dir.path("none.sqlite"), mode: .existing)
        }
        #expect(error?.description.contains("no runs recorded yet") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.path("none.sqlite")))
    }

    @Test("a file that is not SQLite is refused and left as it was")
    func notSQLite() throws {
        let dir = try TempFolder()
        let path = dir.path("notes.txt")
        try "hello, not a database\n".write(toFile: path, atomically: true, encoding: .utf8)
        let before = try bytes(path)
        let error = #expect(throws: StoreError.self) { try RunStore.open(path: path, mode: .create) }
        #expect(error?.description.contains("is not a SQLite database") == true)
        #expect(try bytes(path) == before)
    }

    @Test("another program's SQLite database is refused and left as it was")
    func notVloops() throws {
        let dir = try TempFolder()
        let path = dir.path("other.sqlite")
        let q = try DatabaseQueue(path: path)
        try q.write { try $0.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)") }
        try q.close()
        let before = try bytes(path)
        let error = #expect(throws: StoreError.self) { try RunStore.open(path: path, mode: .create) }
        #expect(error?.description.contains("is not a vloop run database") == true)
        #expect(error?.description.contains("customers") == true)
        #expect(try bytes(path) == before)
    }

    @Test("a database from a newer vloop is refused and left as it was")
    func newerSchema() throws {
        let dir = try TempFolder()
        let path = dir.path("newer.sqlite")
        do {
            let store = try RunStore.open(path: path, mode: .create)
            try store.close()
        }
        let q = try DatabaseQueue(path: path)
        try q.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-from-the-future')") }
        try q.close()
        let before = try bytes(path)
        let error = #expect(throws: StoreError.self) { try RunStore.open(path: path, mode: .create) }
        #expect(error?.description.contains("newer vloop") == true)
        #expect(error?.description.contains("v9-from-the-future") == true)
        #expect(try bytes(path) == before)
    }

    @Test("a location where nothing can be created is a clear error")
    func readOnlyLocation() throws {
        // /proc refuses new files even to root, who may write anywhere else.
        let error = #expect(throws: StoreError.self) {
            try RunStore.open(path: "/proc/vloop/runs.sqlite", mode: .create)
        }
        #expect(error?.description.contains("cannot create") == true)
    }
}

@Suite("Provenance")
struct ProvenanceTests {
    @Test("content hashes are SHA-256 of the bytes")
    func sha256() {
        #expect(
            Provenance.contentHash(Data()) == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            Provenance.contentHash(Data("abc".utf8))
                == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Data(repeating: 0x61, count: 1000)
        #expect(
            Provenance.contentHash(long) == "sha256:41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test("the default label is the commit, with -dirty for changes; outside git, the start time")
    func labels() {
        #expect(Provenance.defaultLabel(git: ("abc123def456", false), startedAt: Date()) == "abc123def456")
        #expect(Provenance.defaultLabel(git: ("abc123def456", true), startedAt: Date()) == "abc123def456-dirty")
        #expect(
            Provenance.defaultLabel(git: nil, startedAt: Date(timeIntervalSince1970: 1_800_000_000))
                == "run-20270115T080000Z")
    }
}
