import Foundation
import GRDB
import GRDBSQLite

/// Opening the run database: a writer creates, checks and migrates it; a
/// reader only reads it, and leaves not one byte of it changed.
///
/// A reader opens the file `immutable` (SQLite then takes no lock and writes
/// nothing, not even a `-wal` or `-shm` file beside it, so a database on a
/// read-only mount, in a read-only folder or on a full disk can be read) when
/// no `-wal` file beside it holds anything: the file alone holds every
/// committed run then (a writer that could not start, on a full disk, leaves
/// an empty one). When a `-wal` file holds frames (a writer is at work, or was
/// killed before checkpointing), or the file or its log changes while
/// it is read immutable (a writer began meanwhile), it reads it as a
/// read-only connection among writers instead (`mode=ro`), which sees what
/// the write-ahead log holds. Without URI filenames in the system's SQLite, a
/// reader is a plain read-only connection.
extension RunStore {
    /// Opens the database at `path`: a writer (`.create`) creates and migrates
    /// it; a reader (`.existing`) only reads it.
    public static func open(path: String, mode: OpenMode) throws -> RunStore {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue {
            throw StoreError("\(path) is a folder, not a run database (name a file with --db or VLOOP_DB)")
        }
        switch mode {
        case .existing:
            if !exists {
                throw StoreError(
                    "no runs recorded yet: \(path) does not exist (record some with `vloop run`, or name the database with --db or VLOOP_DB)"
                )
            }
            return try openReader(path)
        case .create:
            return try openWriter(path, exists: exists)
        }
    }

    /// `vloop migrate`: brings the database at `path` to this vloop's schema.
    /// Returns the migrations applied, none when it was already there (and
    /// then nothing is written).
    public static func migrate(path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StoreError("no database at \(path): nothing to migrate (name it with --db or VLOOP_DB)")
        }
        if isDirectory.boolValue {
            throw StoreError("\(path) is a folder, not a run database (name a file with --db or VLOOP_DB)")
        }
        let (state, applied) = try inspectApplied(path)
        if state == .current { return [] }
        let store = try openWriter(path, exists: true)
        try store.close()
        return Schema.names.filter { !applied.contains($0) }
    }

    // MARK: Readers

    /// A read-only store of an existing file at this vloop's schema.
    static func openReader(_ path: String) throws -> RunStore {
        let store = try RunStore(readOnly: path)
        let state: Inspection
        do {
            state = try store.read { db in try inspect(db, path: path).state }
        } catch {
            try? store.close()
            throw inspectionError(error, path: path)
        }
        switch state {
        case .current:
            return store
        case .fresh:
            try? store.close()
            throw StoreError(
                "no runs recorded yet: \(path) is an empty database (record some with `vloop run`, or name another with --db or VLOOP_DB)"
            )
        case .older:
            try? store.close()
            throw StoreError(
                "\(path) was written by an older vloop, and reading it does not change it: `vloop migrate --db \(path)` brings it to this vloop's \(vloopSchemaName), then read it"
            )
        }
    }

    /// Opens `path` read-only: `immutable` when no writer can be at work on it, else `mode=ro`.
    private convenience init(readOnly path: String) throws {
        let stamp = FileStamp(path)
        let immutable = Self.sqliteTakesURIs && stamp.logSize <= 0
        self.init(
            path: path, queue: try Self.readOnlyQueue(path, immutable: immutable),
            immutableStamp: immutable ? stamp : nil)
    }

    static func readOnlyQueue(_ path: String, immutable: Bool) throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(60)
        let name = sqliteTakesURIs ? uriFilename(path, query: immutable ? "immutable=1" : "mode=ro") : path
        do {
            return try retryingWhileBusy { try DatabaseQueue(path: name, configuration: config) }
        } catch let e as DatabaseError where e.resultCode == .SQLITE_NOTADB {
            throw notSQLite(path)
        } catch {
            let errno = systemErrno()
            throw StoreError("cannot read \(path): \(reason(error, systemErrno: errno))")
        }
    }

    /// Reads through the connection. A reader opened `immutable` checks that
    /// the file did not change meanwhile (a writer began: SQLite would not
    /// have seen it, and may have read a page half written); when it did, it
    /// reads again, whatever the first read gave or threw, as a read-only
    /// connection among writers, from then on.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        guard let stamp = immutableStamp else { return try queue.read(body) }
        let first = Result { try queue.read(body) }
        if FileStamp(path) == stamp { return try first.get() }
        try? queue.close()
        queue = try Self.readOnlyQueue(path, immutable: false)
        immutableStamp = nil
        return try queue.read(body)
    }

    /// Whether this process's SQLite reads `file:` URIs (Debian's and most
    /// Linux builds do: SQLITE_USE_URI); without them, readers open the plain path read-only.
    static let sqliteTakesURIs = sqlite3_compileoption_used("USE_URI") == 1

    /// `file:/abs/path?query`, with the characters a URI gives meaning to escaped.
    static func uriFilename(_ path: String, query: String) -> String {
        var absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        while absolute.hasPrefix("//") { absolute.removeFirst() }
        let escaped =
            absolute.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "?", with: "%3f")
            .replacingOccurrences(of: "#", with: "%23")
        return "file:\(escaped)?\(query)"
    }

    // MARK: Writers

    /// A store that records runs, after checking that `path` can take them.
    static func openWriter(_ path: String, exists: Bool) throws -> RunStore {
        let folder = (path as NSString).deletingLastPathComponent
        if exists {
            if (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 > 0 {
                _ = try inspectApplied(path)
            }
            if !isWritable(path) {
                throw StoreError(
                    "cannot record runs in \(path): the file is read-only (use --no-store, or another --db)")
            }
            if !isWritable(folder.isEmpty ? "." : folder) && !FileManager.default.fileExists(atPath: path + "-wal") {
                throw StoreError(
                    "cannot record runs in \(path): its folder is read-only, and SQLite writes \((path as NSString).lastPathComponent)-wal beside it (use --no-store, or another --db)"
                )
            }
        } else {
            if !folder.isEmpty, let why = makeFolders(folder) {
                throw StoreError(
                    "cannot create the folder \(folder) for the run database \(path): \(why) (use --no-store, or another --db)"
                )
            }
            if !isWritable(folder.isEmpty ? "." : folder) {
                throw StoreError("cannot create \(path): the folder is read-only (use --no-store, or another --db)")
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(60)
        config.foreignKeysEnabled = true
        // WAL mode, set only when the file is not in it yet (it is persistent): GRDB's own
        // set-up would create and drop a table at every open.
        config.prepareDatabase { db in
            if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" {
                guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                    throw StoreError("cannot put \(path) in WAL mode")
                }
            }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let queue: DatabaseQueue
        do {
            // Setting up WAL mode reads, then writes: a process doing the same at that
            // instant makes SQLite answer "busy" at once, without waiting. Try again.
            queue = try retryingWhileBusy { try DatabaseQueue(path: path, configuration: config) }
        } catch let e as StoreError {
            throw e
        } catch {
            let errno = systemErrno()
            throw StoreError("cannot open \(path) to record runs: \(reason(error, systemErrno: errno))")
        }
        try migrate(queue, path: path)
        return RunStore(path: path, queue: queue)
    }

    /// Whether this process may write `path`, and its permissions let anyone
    /// write it: a file or folder that no one may write (`chmod a-w`) is
    /// read-only to vloop even when root, whom the system would let write it.
    static func isWritable(_ path: String) -> Bool {
        var s = stat()
        guard stat(path, &s) == 0 else { return false }
        return access(path, W_OK) == 0 && s.st_mode & 0o222 != 0
    }

    /// Runs `body` again while SQLite says the database is busy or locked, for
    /// up to a minute: the busy timeout covers waiting for a lock, not a read
    /// transaction that another process's commit made stale.
    static func retryingWhileBusy<T>(_ body: () throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(60)
        var pause: UInt32 = 10_000
        while true {
            do {
                return try body()
            } catch let e as DatabaseError
                where
                (e.resultCode.primaryResultCode == .SQLITE_BUSY || e.resultCode.primaryResultCode == .SQLITE_LOCKED)
                && Date() < deadline
            {
                usleep(pause + UInt32.random(in: 0..<pause))
                pause = min(pause * 2, 200_000)
            }
        }
    }

    /// Applies the migrations this database lacks. Two processes opening a new
    /// database at once may both try the first migration; the loser waits for
    /// the winner's transaction and then finds nothing left to do.
    static func migrate(_ queue: DatabaseQueue, path: String) throws {
        let migrator = Schema.migrator
        var attempt = 0
        while true {
            do {
                try migrator.migrate(queue)
                return
            } catch {
                attempt += 1
                if (try? queue.read(migrator.hasCompletedMigrations)) == true { return }
                if attempt >= 5 {
                    let errno = systemErrno()
                    try? queue.close()
                    throw StoreError("cannot set up \(path): \(reason(error, systemErrno: errno))")
                }
                usleep(50_000)
            }
        }
    }

    // MARK: What a file holds

    /// What is in an existing file, read without changing it.
    enum Inspection: Equatable {
        /// An empty SQLite database: vloop may set it up.
        case fresh
        /// A vloop database that needs migrations this vloop has.
        case older
        /// A vloop database at this vloop's schema.
        case current
    }

    static func inspect(_ path: String) throws -> Inspection {
        try inspectApplied(path).state
    }

    /// What `path` holds, and the migrations applied to it, read through a reader.
    static func inspectApplied(_ path: String) throws -> (state: Inspection, applied: Set<String>) {
        do {
            let store = try RunStore(readOnly: path)
            defer { try? store.close() }
            return try store.read { db in try inspect(db, path: path) }
        } catch {
            throw inspectionError(error, path: path)
        }
    }

    static func inspect(_ db: Database, path: String) throws -> (state: Inspection, applied: Set<String>) {
        let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if appID != Schema.applicationID {
            // Empty, or a vloop that is setting it up this instant (GRDB's migrator creates its
            // table before the first migration, which sets the application id, commits).
            if appID == 0 && tables.allSatisfy({ $0 == "grdb_migrations" }) { return (.fresh, []) }
            throw StoreError(
                "\(path) is not a vloop run database (it holds other tables: \(tables.prefix(5).joined(separator: ", "))); name another file with --db or VLOOP_DB"
            )
        }
        let applied =
            tables.contains("grdb_migrations")
            ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) : []
        let unknown = applied.subtracting(Schema.names)
        if !unknown.isEmpty {
            throw StoreError(
                "\(path) was written by a newer vloop (its schema has \(unknown.sorted().joined(separator: ", ")), which this vloop \(vloopSchemaName) does not know); use that vloop, or another --db"
            )
        }
        return (applied == Set(Schema.names) ? .current : .older, applied)
    }

    /// A reader's error in the words of `inspect`.
    static func inspectionError(_ error: Error, path: String) -> Error {
        switch error {
        case let e as StoreError: return e
        case let e as DatabaseError where e.resultCode == .SQLITE_NOTADB: return notSQLite(path)
        default: return StoreError("cannot read \(path): \(reason(error))")
        }
    }

    static func notSQLite(_ path: String) -> StoreError {
        StoreError(
            "\(path) is not a SQLite database, so not a vloop run database; name another file with --db or VLOOP_DB")
    }

    /// The schema this vloop writes, for messages.
    static var vloopSchemaName: String { "(schema \(Schema.names.last!))" }

    // MARK: Merge sources

    /// Opens the database at `path` as it was written, for `vloop merge`: a
    /// reader, and only at this vloop's schema.
    static func openSource(path: String) throws -> RunStore {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw StoreError("no such database: \(path)")
        }
        return try openReader(path)
    }

    /// Checks that `path` can be merged (an existing vloop database at this
    /// vloop's schema) without changing it.
    public static func checkMergeSource(_ path: String) throws {
        try openSource(path: path).close()
    }
}

/// What identifies a file's content without reading it: a reader opened
/// `immutable` compares it after reading, to learn that a writer began.
struct FileStamp: Equatable {
    var device: UInt64 = 0
    var inode: UInt64 = 0
    var size: Int64 = -1
    var modified: timespec = timespec()
    /// The size of the `-wal` file beside it; -1 when there is none.
    var logSize: Int64 = -1

    init(_ path: String) {
        var s = stat()
        if stat(path, &s) == 0 {
            device = UInt64(s.st_dev)
            inode = UInt64(s.st_ino)
            size = Int64(s.st_size)
            #if canImport(Darwin)
            modified = s.st_mtimespec
            #else
            modified = s.st_mtim
            #endif
        }
        if stat(path + "-wal", &s) == 0 { logSize = Int64(s.st_size) }
    }

    static func == (a: FileStamp, b: FileStamp) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size && a.modified.tv_sec == b.modified.tv_sec
            && a.modified.tv_nsec == b.modified.tv_nsec && a.logSize == b.logSize
    }
}

extension RunStore {
    /// The name of the last migration of this vloop's schema (`v6-run-perturbations`).
    public static var schemaName: String { Schema.names.last! }
}
