import ArgumentParser
import Foundation
import RunStore

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge run databases (from sharded CI jobs) into one.",
        discussion: """
            Copies every suite run of each DB that the target (--db) does not have yet, with all its runs \
            and explorations (`vloop report --explorations` then joins an exploration's shards); \
            merging the same database twice copies nothing the second time. Each DB is merged in one \
            transaction and is only read.

            Examples:
              vloop run --shard 1/2 --label $COMMIT --db shard1.sqlite fixtures/
              vloop run --shard 2/2 --label $COMMIT --db shard2.sqlite fixtures/
              vloop merge shard1.sqlite shard2.sqlite    (into .vloop/runs.sqlite)
              vloop merge --db all.sqlite shard*.sqlite
              vloop run --shard 1/2 --runs 10000 --label $COMMIT --db shard1.sqlite my.trace   (and 2/2)
              vloop merge --db all.sqlite shard1.sqlite shard2.sqlite
              vloop report --explorations --db all.sqlite
            """
    )

    @ArgumentParser.Argument(help: "The databases to merge in.")
    var databases: [String]

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if databases.isEmpty { throw ValidationError("name at least one database to merge") }
    }

    func run() throws {
        let target = store.resolvedPath
        for source in databases {
            if FileManager.default.fileExists(atPath: source),
                URL(fileURLWithPath: source).standardizedFileURL.path
                    == URL(fileURLWithPath: target).standardizedFileURL.path
            {
                exitUsage("cannot merge \(source) into itself")
            }
            // Sources are checked before the target is created or touched.
            _ = orExit { try RunStore.checkMergeSource(source) }
        }
        let db = store.open(.create)
        var total = RunStore.MergeSummary()
        for source in databases {
            let s = orExit { try db.merge(from: source) }
            print(
                "\(source): \(s.runs) run\(s.runs == 1 ? "" : "s") in \(s.suiteRuns) suite run\(s.suiteRuns == 1 ? "" : "s") merged"
                    + (s.skipped > 0 ? ", \(s.skipped) suite run\(s.skipped == 1 ? "" : "s") already there" : ""))
            total.runs += s.runs
            total.suiteRuns += s.suiteRuns
        }
        orExit { try db.close() }
        print("\(db.path): \(total.runs) run\(total.runs == 1 ? "" : "s") added")
    }
}
