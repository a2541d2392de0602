import Foundation
import GRDB
import Testing

/// The run database under faults, as processes meet them: reading commands
/// that change nothing, `vloop run` refused by a database it cannot write, a
/// suite killed with SIGKILL, several writers at once.
@Suite("Run database under faults")
struct StoreFaultCommandTests {
    typealias Workspace = StoreCommandTests.Workspace

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

    static func chmod(_ path: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static func integrity(_ path: String) throws -> String? {
        var config = Configuration()
        config.readonly = true
        let q = try DatabaseQueue(path: path, configuration: config)
        defer { try? q.close() }
        return try q.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
    }

    /// The trace paths of the runs `vloop runs --json` lists, and their ids.
    static func recorded(_ w: Workspace, db: String) throws -> [(path: String, id: Int)] {
        let r = try w.vloopArgs(["runs", "--limit", "1000", "--json"], db: db)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        return doc.map { ($0["tracePath"] as? String ?? "", $0["id"] as? Int ?? 0) }
    }

    /// A database with runs under two labels, `base` and `cand`.
    static func twoLabels(_ w: Workspace, db: String) throws {
        for label in ["base", "cand"] {
            let r = try w.vloopArgs(["run", "--label", label, "fixtures/seed/gather-two-coroutines.trace"], db: db)
            #expect(r.status == 0, "\(r.stderr)")
        }
    }

    static let readingCommands: [[String]] = [
        ["runs"], ["runs", "--labels"], ["show", "2", "--json"], ["report", "--format", "json"],
    ]

    @Test(
        "reading commands leave a read-only database, and one in a read-only folder, byte for byte (and their time)",
        arguments: ["read-only file", "read-only folder"])
    func readersWriteNothing(_ where_: String) throws {
        let w = try Workspace()
        let folder = w.path("data")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = folder + "/runs.sqlite"
        try Self.twoLabels(w, db: db)
        try Self.chmod(where_ == "read-only file" ? db : folder, where_ == "read-only file" ? 0o444 : 0o555)
        defer { try? Self.chmod(folder, 0o755) }
        let before = try Snapshot(db)
        for args in Self.readingCommands {
            let r = try w.vloopArgs(args, db: db)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(try Snapshot(db) == before, "\(args) changed \(db)")
        }
        // A reading command that fails changes nothing either.
        let none = try w.vloopArgs(["report", "--explorations", "--label", "base"], db: db)
        #expect(none.status == 2 && none.stderr.contains("no exploration recorded under base"))
        #expect(try Snapshot(db) == before)
    }

    @Test(
        "a database of an older vloop: reading commands exit 2 naming `vloop migrate` and change nothing; it migrates")
    func olderSchema() throws {
        let w = try Workspace()
        try Self.twoLabels(w, db: w.db)
        // Back to the schema before perturbations were recorded (v5).
        let q = try DatabaseQueue(path: w.db)
        try q.write { db in
            try db.execute(
                sql: """
                    DROP TABLE perturbation;
                    ALTER TABLE run DROP COLUMN strategy;
                    ALTER TABLE run DROP COLUMN explore_flags;
                    DELETE FROM grdb_migrations WHERE identifier = 'v6-run-perturbations';
                    """)
        }
        try q.close()
        let before = try Snapshot(w.db)
        for args in Self.readingCommands {
            let r = try w.vloopArgs(args, db: w.db)
            #expect(r.status == 2, "\(args)")
            #expect(
                r.stderr.contains("\(w.db) was written by an older vloop")
                    && r.stderr.contains("`vloop migrate --db \(w.db)`"), "\(args): \(r.stderr)")
        }
        #expect(try Snapshot(w.db) == before)
        let m = try w.vloopArgs(["migrate"], db: w.db)
        #expect(m.status == 0)
        #expect(m.stdout.contains("applied 1 migration (v6-run-perturbations)"))
        #expect(try Self.recorded(w, db: w.db).count == 2)
        let again = try w.vloopArgs(["migrate"], db: w.db)
        #expect(again.stdout.contains("already at this vloop's schema"))
    }

    @Test(
        "run --db given what it cannot write exits 2 naming the path and the cause, and leaves the file as it was",
        arguments: [
            "read-only file", "read-only folder", "folder", "not SQLite", "full disk", "folder that cannot be made",
        ])
    func writerRefused(_ fault: String) throws {
        let w = try Workspace()
        let binary = try #require(CommandLineTests.binary)
        let trace = "fixtures/seed/gather-two-coroutines.trace"
        let folder = w.path("data")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? Self.chmod(folder, 0o755) }
        var db = folder + "/runs.sqlite"
        var arguments = ["run", "--label", "refused", trace]
        var executable = binary
        let cause: String
        switch fault {
        case "read-only file":
            try Self.twoLabels(w, db: db)
            try Self.chmod(db, 0o444)
            cause = "the file is read-only"
        case "read-only folder":
            try Self.twoLabels(w, db: db)
            try Self.chmod(folder, 0o555)
            cause = "its folder is read-only"
        case "folder":
            db = folder
            cause = "is a folder, not a run database"
        case "not SQLite":
            try "name,price\nbolt,3\n".write(toFile: db, atomically: true, encoding: .utf8)
            cause = "is not a SQLite database"
        case "full disk":
            // A file size limit (ulimit -f, in 512-byte blocks) stands for a full disk:
            // SQLite's writes past it fail (EFBIG); vloop ignores SIGXFSZ itself.
            try Self.twoLabels(w, db: db)
            executable = URL(fileURLWithPath: "/bin/sh")
            arguments = ["-c", "ulimit -f 8 && exec \"$0\" \"$@\"", binary.path] + arguments
            cause = "the size limit of this process"
        default:
            try "not a folder\n".write(toFile: w.path("file"), atomically: true, encoding: .utf8)
            db = w.path("file/data/runs.sqlite")
            cause =
                "cannot create the folder \(w.path("file/data")) for the run database \(db): \(w.path("file")) is a file"
        }
        let watched = FileManager.default.fileExists(atPath: db) && fault != "folder" ? db : nil
        let before = try watched.map { try Snapshot($0).bytes }
        let r = try #require(runProcess(executable, arguments, environment: ["VLOOP_DB": db]))
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.hasPrefix("vloop: ") && r.stderr.contains(db) && r.stderr.contains(cause), "\(r.stderr)")
        if let watched { #expect(try Snapshot(watched).bytes == before) }
        if fault == "folder that cannot be made" { #expect(!FileManager.default.fileExists(atPath: db)) }
        if fault == "full disk" {
            // A reader works on the full disk, past what the refused writer left beside the file.
            let runs = try #require(
                runProcess(executable, Array(arguments.prefix(3)) + ["runs", "--json"], environment: ["VLOOP_DB": db]))
            #expect(runs.status == 0, "\(runs.stderr)")
            #expect(runs.stdout.components(separatedBy: "\"tracePath\"").count == 3)
            #expect(try Snapshot(db).bytes == before)
            #expect(try Self.integrity(db) == "ok")
        }
    }

    @Test("a suite killed with SIGKILL: what it printed is what it recorded; the database stays usable")
    func killedSuite() throws {
        let w = try Workspace()
        let binary = try #require(CommandLineTests.binary)
        let traces = w.path("traces")
        try FileManager.default.createDirectory(atPath: traces, withIntermediateDirectories: true)
        for i in 1...4 {
            try """
            import asyncio

            async def main():
                await asyncio.sleep(\(i))
                print('trace \(i) done')

            asyncio.run(main())
            """.write(toFile: "\(traces)/fast\(i).trace", atomically: true, encoding: .utf8)
        }
        // Spins in one step until killed (the instruction bound is lifted below).
        try """
        import asyncio

        async def main():
            n = 0
            while True:
                n += 1

        asyncio.run(main())
        """.write(toFile: "\(traces)/slow.trace", atomically: true, encoding: .utf8)
        let child = try StreamingChild(
            binary, ["run", "--label", "killed", "--max-instructions", "1000000000000000", traces],
            environment: ["VLOOP_DB": w.db])
        // The line of the 4th trace is out: the 5th, which never ends, is running.
        let waited = child.waitForOutput(timeout: 60) { $0.components(separatedBy: "\n").count > 4 }
        child.kill()
        #expect(waited, "no 4 result lines within 60 s: \(child.output)")
        #expect(child.terminationSignal == SIGKILL)
        let printed = child.output.split(separator: "\n").map(String.init)
        #expect(printed.count == 4 && printed.allSatisfy { $0.hasPrefix("PASS  ") }, "\(printed)")
        let printedTraces = Set(
            printed.compactMap {
                $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
            })
        // Every run printed is recorded, and every run recorded was printed.
        let runs = try Self.recorded(w, db: w.db)
        #expect(Set(runs.map(\.path)) == printedTraces)
        #expect(runs.count == 4)
        #expect(try Self.integrity(w.db) == "ok")
        // A new suite appends to it.
        let again = try w.vloopArgs(["run", "--label", "after", "\(traces)/fast1.trace"], db: w.db)
        #expect(again.status == 0, "\(again.stderr)")
        let after = try Self.recorded(w, db: w.db)
        #expect(after.count == 5 && after.map(\.id).max() == 5 && Set(after.map(\.id)) == Set(1...5))
        #expect(try Self.integrity(w.db) == "ok")
    }

    @Test("writers at once on one database lose no run", arguments: [2, 4])
    func concurrentWriters(_ writers: Int) throws {
        let w = try Workspace()
        let binary = try #require(CommandLineTests.binary)
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var items: [ProcessOutput?]
            init(_ n: Int) { items = Array(repeating: nil, count: n) }
        }
        let results = Results(writers)
        let group = DispatchGroup()
        let repeats = 3
        for i in 0..<writers {
            group.enter()
            let db = w.db
            Thread {
                let r = runProcess(
                    binary, ["run", "--label", "writer\(i)", "--repeat", "\(repeats)", "fixtures/seed"],
                    environment: ["VLOOP_DB": db])
                results.lock.lock()
                results.items[i] = r
                results.lock.unlock()
                group.leave()
            }.start()
        }
        group.wait()
        for r in results.items { #expect(r?.status == 0, "\(r?.stderr ?? "did not start")") }
        let perWriter = 4 * repeats
        let labels = try w.vloop("runs", "--labels", "--json")
        let doc = try JSONSerialization.jsonObject(with: Data(labels.stdout.utf8)) as? [[String: Any]]
        #expect(Set(doc?.compactMap { $0["label"] as? String } ?? []) == Set((0..<writers).map { "writer\($0)" }))
        #expect(doc?.map { $0["runs"] as? Int } == Array(repeating: perWriter, count: writers))
        let ids = try Self.recorded(w, db: w.db).map(\.id)
        #expect(ids.count == writers * perWriter && Set(ids) == Set(1...(writers * perWriter)))
        #expect(try Self.integrity(w.db) == "ok")
    }
}

/// A child process whose standard output is collected while it runs (standard
/// error goes to /dev/null), so that a test can act on what it printed so far.
final class StreamingChild: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var collected = Data()
    private let drained = DispatchSemaphore(value: 0)

    init(_ executable: URL, _ arguments: [String], environment: [String: String]) throws {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.executableURL = executable
        process.arguments = arguments
        process.environment = env
        process.currentDirectoryURL = repositoryRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reading = out.fileHandleForReading
        Thread { [self] in
            while true {
                let d = reading.availableData
                if d.isEmpty { break }
                lock.lock()
                collected.append(d)
                lock.unlock()
            }
            drained.signal()
        }.start()
    }

    /// What it printed so far.
    var output: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Waits until `ready` holds of the output, or `timeout` seconds pass.
    func waitForOutput(timeout: Double, _ ready: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if ready(output) { return true }
            if !process.isRunning { return ready(output) }
            usleep(10_000)
        }
        return false
    }

    /// Kills it with SIGKILL, and waits for it to end and its output to be read to the end.
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        _ = drained.wait(timeout: .now() + 10)
    }

    /// The signal that ended it, if one did.
    var terminationSignal: Int32? {
        process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
    }
}
