import Foundation

/// A trace read from disk: its source and, when it is valid, its compiled form.
public struct LoadedTrace: Sendable {
    public var file: SourceFile
    public var compiled: CompiledModule
}

public enum TraceLoader {
    public enum Failure: Error {
        /// The file could not be read (a problem of the command, not of the trace).
        case unreadable(String)
        /// The trace has errors, each with file:line:column.
        case invalid(SourceFile, [Diagnostic])
    }

    /// Reads, parses and compiles a trace. Bytes that are not UTF-8 are
    /// decoded leniently, so that the parser can point at them.
    public static func load(path: String) -> Result<LoadedTrace, Failure> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.unreadable("cannot read \(path)"))
        }
        return load(SourceFile(path: path, text: String(decoding: data, as: UTF8.self)))
    }

    public static func load(_ file: SourceFile) -> Result<LoadedTrace, Failure> {
        do {
            let module = try Parser.parse(file)
            let compiled = try Compiler.compile(module, file: file)
            return .success(LoadedTrace(file: file, compiled: compiled))
        } catch let d as Diagnostic {
            return .failure(.invalid(file, [d]))
        } catch let list as DiagnosticList {
            return .failure(.invalid(file, list.diagnostics))
        } catch {
            return .failure(
                .invalid(
                    file,
                    [
                        Diagnostic(
                            path: file.path, loc: SourceLocation(line: 1, column: 1),
                            message: "\(error)")
                    ]))
        }
    }
}
