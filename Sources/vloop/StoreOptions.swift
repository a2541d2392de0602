import ArgumentParser
import Foundation
import RunStore

/// `--db`, shared by every command that reads or writes the run database.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "The run database (default: $VLOOP_DB, else .vloop/runs.sqlite).", valueName: "file"))
    var path: String?

    var resolvedPath: String {
        if let path { return path }
        if let env = ProcessInfo.processInfo.environment["VLOOP_DB"], !env.isEmpty { return env }
        return ".vloop/runs.sqlite"
    }

    /// Opens the database, or exits 2 with the store's message.
    func open(_ mode: RunStore.OpenMode) -> RunStore {
        do {
            return try RunStore.open(path: resolvedPath, mode: mode)
        } catch {
            exitUsage("\(error)")
        }
    }
}

/// Runs `body`, exiting 2 with the message of a `StoreError`.
func orExit<T>(_ body: () throws -> T) -> T {
    do {
        return try body()
    } catch let e as StoreError {
        exitUsage(e.description)
    } catch {
        exitUsage("\(error)")
    }
}

/// Writes `text` to `path`, creating its folder; exits 2 when it cannot.
func writeFile(_ text: String, to path: String) {
    let folder = (path as NSString).deletingLastPathComponent
    do {
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        exitUsage("cannot write \(path): \((error as NSError).localizedDescription)")
    }
}

/// Where `--out` sends a file: `-` is stdout (nil); a path ending in `/` or
/// naming a folder gets `defaultName` inside it; anything else is the file.
func outputPath(_ out: String?, defaultFolder: String?, defaultName: String) -> String? {
    guard let out = out ?? defaultFolder else { return nil }
    if out == "-" { return nil }
    var isDir: ObjCBool = false
    if out.hasSuffix("/") || (FileManager.default.fileExists(atPath: out, isDirectory: &isDir) && isDir.boolValue) {
        return (out as NSString).appendingPathComponent(defaultName)
    }
    return out
}

/// A name for a file: letters, digits, dots and dashes.
func fileSafe(_ s: String) -> String {
    String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "_" })
}

/// Whether stdout is a terminal that colours may be written to.
var colourTerminal: Bool {
    isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
}
