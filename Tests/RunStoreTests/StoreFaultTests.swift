import Foundation
import GRDB
import RunModel
import Testing

@testable import RunStore

/// The run database under faults, in process: readers that change nothing, a
/// reader that learns a writer began, a disk that fills up.
@Suite("Run store: faults")
struct StoreFaultTests {
    /// The bytes and modification time of a file, and the names in its folder.
    struct Snapshot: Equatable {
        var bytes: Data
        var modified: Date?
        var folder: [String]

        init(_ path: String) throws {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
            folder = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
                .sorted()
        }
    }

    /// A closed database at `path` with two labels of one run each.
    func recorded(_ path: String) throws {
        let store = try RunStore.open(path: path, mode: .create)
        for label in ["base", "cand"] {
            _ = try store.write(sampleRun(), suiteRunID: try store.beginSuiteRun(sampleSuite(label)))
        }
        try store.close()
    }

    @Test("a reader reads every kind of record and leaves the file, its time and its folder as they were")
    func readerChangesNothing() throws {
        let dir = try TempFolder()
        let path = dir.path("runs.sqlite")
        try recorded(path)
        let before = try Snapshot(path)
        let reader = try RunStore.open(path: path, mode: .existing)
        #expect(reader.immutableStamp != nil || !RunStore.sqliteTakesURIs)
        #expect(try reader.runSummaries().count == 2)
        #expect(try reader.labels().map(\.label) == ["cand", "base"])
        #expect(try reader.run(id: 1).events.count == 3)
        #expect(try reader.runSet("base").runs.count == 1)
        #expect(try reader.explorations(label: nil).isEmpty)
        #expect(try reader.failedNominalRuns(label: "base").isEmpty)
        #expect(try RunStore.inspect(path) == .current)
        try reader.close()
        #expect(try Snapshot(path) == before)
        // Writing through a reader fails, and still changes nothing.
        let again = try RunStore.open(path: path, mode: .existing)
        #expect(throws: StoreError.self) { try again.beginSuiteRun(sampleSuite("x")) }
        try again.close()
        #expect(try Snapshot(path) == before)
    }

    @Test("a reader opened while no writer was at work sees the runs of a writer that begins later")
    func readerSeesLaterWriter() throws {
        let dir = try TempFolder()
        let path = dir.path("runs.sqlite")
        try recorded(path)
        let reader = try RunStore.open(path: path, mode: .existing)
        #expect(try reader.runSummaries().count == 2)
        let writer = try RunStore.open(path: path, mode: .create)
        _ = try writer.write(sampleRun("b.trace"), suiteRunID: try writer.beginSuiteRun(sampleSuite("later")))
        // The writer is still open: its run is in the write-ahead log, not yet in the file.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(try reader.runSummaries().map(\.tracePath) == ["b.trace", "a.trace", "a.trace"])
        #expect(reader.immutableStamp == nil)
        try writer.close()
        try reader.close()
    }

    @Test("a disk that fills up fails the write with a clear cause; earlier runs stay, and the file as it was")
    func diskFull() throws {
        let dir = try TempFolder()
        let path = dir.path("runs.sqlite")
        try recorded(path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let store = try RunStore.open(path: path, mode: .create)
        // As full as SQLite can be told: not one page more.
        try store.queue.inDatabase { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        let big = sampleRun("big.trace")
        var events = big.events
        for _ in 0..<2000 { events.insert(big.events[0], at: 0) }
        let error = #expect(throws: StoreError.self) {
            try store.write(withEvents(big, events), suiteRunID: 1)
        }
        #expect(error?.description.contains("cannot record the run of big.trace in \(path): the disk is full") == true)
        #expect(try store.runSummaries().count == 2)
        try store.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let check = try DatabaseQueue(path: path, configuration: readOnly)
        #expect(try check.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        try check.close()
    }

    @Test("migrating a database of this vloop's schema changes nothing; a missing one is not created")
    func migrateCurrent() throws {
        let dir = try TempFolder()
        let path = dir.path("runs.sqlite")
        try recorded(path)
        let before = try Snapshot(path)
        #expect(try RunStore.migrate(path: path) == [])
        #expect(try Snapshot(path) == before)
        let missing = #expect(throws: StoreError.self) { try RunStore.migrate(path: dir.path("none/runs.sqlite")) }
        #expect(missing?.description.contains("no database at \(dir.path("none/runs.sqlite"))") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.path("none")))
    }

    var readOnly: Configuration {
        var c = Configuration()
        c.readonly = true
        return c
    }
}

/// `run` with other events.
func withEvents(_ run: StoredRun, _ events: [TraceEvent]) -> StoredRun {
    var r = run
    r.events = events
    return r
}
