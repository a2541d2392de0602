import ArgumentParser
import Foundation
import RunStore

/// `vloop migrate`: the one command besides `run` and `merge` that changes a
/// run database's schema; the reading commands never do.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the run database to this vloop's schema.",
        discussion: """
            `vloop run` and `vloop merge` migrate the database they write; `vloop runs`, `show` and \
            `report` only read, and refuse a database of an older vloop (exit 2) rather than change it. \
            This migrates it explicitly, keeping every recorded run; a database already at this vloop's \
            schema is left as it is, byte for byte.

            Examples:
              vloop migrate
              vloop migrate --db ci/runs.sqlite
            """
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        let path = store.resolvedPath
        let applied = orExit { try RunStore.migrate(path: path) }
        if applied.isEmpty {
            print("\(path) is already at this vloop's schema (\(RunStore.schemaName)); nothing changed")
        } else {
            print(
                "\(path): applied \(applied.count) migration\(applied.count == 1 ? "" : "s") (\(applied.joined(separator: ", "))); it is now at \(RunStore.schemaName)"
            )
        }
    }
}
