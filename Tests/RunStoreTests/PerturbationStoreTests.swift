import Foundation
import GRDB
import RunModel
import Testing

@testable import RunStore

/// An explored run: run 17 of a `pct` exploration, with a timer made late by
/// a task, a job made slower outside any task, and a perturbation without a time.
func exploredRun(_ path: String = "a.trace") -> StoredRun {
    var r = sampleRun(path, passed: false)
    r.runIndex = 17
    r.explored = ExploredRun(strategy: "pct", flags: "--seed 7 --strategy portfolio --depth 3 --run 17")
    r.perturbations = [
        StoredPerturbation(
            kind: "lateness", draw: "54:9#0", t: 0.25, task: "Task-3", coroutine: "fetch", position: "line 54",
            amount: 0.037, nominal: 0,
            description: "Task-3 `fetch`: its asyncio.sleep(0.05) at line 54 fired 0.037 s late"),
        StoredPerturbation(
            kind: "duration", draw: "9:5#1", t: 0.5, task: nil, coroutine: nil, position: "pkg/mod.py line 9",
            amount: 0.131, nominal: 0.1, description: "job blocks(3) took 0.131 s instead of 0.1 (line 9)"),
        StoredPerturbation(kind: "shuffle", draw: "0:0#0", description: "the 2 ready callbacks at t=0.0 ran shuffled"),
    ]
    return r
}

@Suite("Run store: explored runs")
struct PerturbationStoreTests {
    @Test("an explored run's strategy, flags and perturbations are read back as written, in order")
    func roundTrip() throws {
        let dir = try TempFolder()
        let store = try RunStore.open(path: dir.path("runs.sqlite"), mode: .create)
        let suite = try store.beginSuiteRun(sampleSuite("main"))
        let written = exploredRun()
        let read = try store.run(id: try store.write(written, suiteRunID: suite))
        #expect(read.explored == written.explored)
        #expect(read.perturbations == written.perturbations)
        #expect(read.runIndex == 17)
        #expect(read.replayCommand == "vloop run --seed 7 --strategy portfolio --depth 3 --run 17 a.trace")
        // A run that was not explored has neither.
        let nominal = try store.run(id: try store.write(sampleRun(), suiteRunID: suite))
        #expect(nominal.explored == nil && nominal.perturbations.isEmpty && nominal.replayCommand == nil)
    }

    @Test("deleting a run deletes its perturbations")
    func cascade() throws {
        let dir = try TempFolder()
        let store = try RunStore.open(path: dir.path("runs.sqlite"), mode: .create)
        let id = try store.write(exploredRun(), suiteRunID: try store.beginSuiteRun(sampleSuite("main")))
        let count = try store.queue.write { db in
            try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [id])
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM perturbation") ?? -1
        }
        #expect(count == 0)
    }

    @Test("a database of the schema before perturbations migrates, keeping its runs, and then records them")
    func migratesFromV4() throws {
        let dir = try TempFolder()
        let path = dir.path("v4.sqlite")
        do {
            var config = Configuration()
            config.journalMode = .wal
            let queue = try DatabaseQueue(path: path, configuration: config)
            try Schema.migrator.migrate(queue, upTo: "v4-run-modules")
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO suite_run (uuid, label, host, harness_version, arguments, started_at)
                        VALUES ('u4', 'v4-label', 'h', '0.0.9', '["run"]', '2026-01-01T00:00:00.000Z');
                        INSERT INTO run (suite_run_id, trace_path, trace_hash, seed, run_index, status, value, passed,
                                         virtual_duration, wall_time, steps, problems, started_at)
                        VALUES (1, 'old.trace', 'sha256:00', 0, 5, 'ok', 'None', 1, 1.5, 0.002, 9, '[]', '2026-01-01T00:00:00.000Z');
                        INSERT INTO run_module VALUES (1, 0, 'pkg/mod.py', 'sha256:11');
                        """)
            }
            #expect(try queue.read { try $0.tableExists("perturbation") } == false)
            try queue.close()
        }
        #expect(try RunStore.inspect(path) == .older)
        let store = try RunStore.open(path: path, mode: .create)
        let old = try store.run(id: 1)
        #expect(old.label == "v4-label" && old.runIndex == 5 && old.modules.map(\.path) == ["pkg/mod.py"])
        #expect(old.explored == nil && old.perturbations.isEmpty)
        let id = try store.write(exploredRun(), suiteRunID: try store.beginSuiteRun(sampleSuite("new")))
        #expect(try store.run(id: id).perturbations.count == 3)
        #expect(try RunStore.inspect(path) == .current)
    }

    @Test("merging copies explored runs with their strategy and perturbations")
    func merge() throws {
        let dir = try TempFolder()
        let shard = try RunStore.open(path: dir.path("shard.sqlite"), mode: .create)
        let suite = try shard.beginSuiteRun(sampleSuite("c1"))
        try shard.write(sampleRun("a.trace"), suiteRunID: suite)
        try shard.write(exploredRun("a.trace"), suiteRunID: suite)
        try shard.close()
        let target = try RunStore.open(path: dir.path("all.sqlite"), mode: .create)
        try target.write(sampleRun("z.trace"), suiteRunID: try target.beginSuiteRun(sampleSuite("c0")))
        #expect(try target.merge(from: dir.path("shard.sqlite")).runs == 2)
        let merged = try target.runSet("c1").runs
        #expect(merged.map(\.runIndex) == [0, 17])
        #expect(merged[0].perturbations.isEmpty && merged[0].explored == nil)
        #expect(merged[1].perturbations == exploredRun().perturbations)
        #expect(merged[1].explored == exploredRun().explored)
    }
}
