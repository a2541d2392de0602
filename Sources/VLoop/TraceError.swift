import TraceLanguage

/// Why a ``Trace`` could not be made: its file could not be read, or its
/// source has errors.
///
/// An invalid trace carries every error the parser and compiler found, each
/// with its file, line and column. `description` renders them as `vloop check`
/// prints them: `file:line:column: error: message`, the source line, and a
/// caret under the column, one error after the other.
///
///     do {
///         _ = try Trace(source: "x = 1 +\n", name: "broken.trace")
///     } catch {
///         print(error.diagnostics.map { "\($0.line):\($0.column)" })   // ["1:8"]
///         print(error)
///         // broken.trace:1:8: error: invalid syntax
///         // x = 1 +
///         //        ^
///     }
public enum TraceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be read (none of the search paths holds it).
    case unreadable(path: String)
    /// The trace has errors: every one, in the order found.
    case invalid(path: String, diagnostics: [TraceDiagnostic])

    /// The file the error is about (the trace's name for a trace made from source).
    public var path: String {
        switch self {
        case .unreadable(let path), .invalid(let path, _): return path
        }
    }

    /// Every error of an invalid trace; empty for an unreadable file.
    public var diagnostics: [TraceDiagnostic] {
        switch self {
        case .unreadable: return []
        case .invalid(_, let diagnostics): return diagnostics
        }
    }

    /// `cannot read PATH`, or each error as `vloop check` prints it
    /// (`file:line:column: error: message`, the line, a caret), separated by newlines.
    public var description: String {
        switch self {
        case .unreadable(let path): return "cannot read \(path)"
        case .invalid(_, let diagnostics): return diagnostics.map(\.rendered).joined(separator: "\n")
        }
    }

    /// The error of a trace that failed to load.
    init(_ failure: TraceLoader.Failure, path: String) {
        switch failure {
        case .unreadable: self = .unreadable(path: path)
        case .invalid(let errors):
            self = .invalid(
                path: path, diagnostics: errors.shown.map { TraceDiagnostic($0.diagnostic, rendered: $0.rendered) })
        }
    }
}

/// One error in a trace, with its place.
public struct TraceDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The trace's file (or its name, for a trace made from source).
    public var path: String
    /// From 1.
    public var line: Int
    /// From 1; a tab counts as one column.
    public var column: Int
    public var message: String
    /// Three lines: `path:line:column: error: message`, the source line, and a caret under the column.
    public var rendered: String

    public init(path: String, line: Int, column: Int, message: String, rendered: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.rendered = rendered
    }

    init(_ d: Diagnostic, in file: SourceFile) {
        self.init(d, rendered: d.rendered(in: file))
    }

    init(_ d: Diagnostic, rendered: String) {
        self.init(path: d.path, line: d.loc.line, column: d.loc.column, message: d.message, rendered: rendered)
    }

    /// `path:line:column: message`.
    public var description: String { "\(path):\(line):\(column): \(message)" }
}
