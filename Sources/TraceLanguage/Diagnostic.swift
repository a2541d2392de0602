/// An error in a trace, with the place it was found.
///
/// `description` is the one-line form `path:line:column: message`;
/// `rendered(in:)` adds the offending line and a caret under the column.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var loc: SourceLocation
    public var message: String

    public init(path: String, loc: SourceLocation, message: String) {
        self.path = path
        self.loc = loc
        self.message = message
    }

    public var description: String { "\(path):\(loc.line):\(loc.column): \(message)" }

    /// Three lines: `path:line:column: error: message`, the source line, and a
    /// caret under the column. Tabs become one space each so that the caret
    /// lines up (a tab counts as one column), and other control characters
    /// become U+FFFD so that binary garbage cannot disturb a terminal.
    public func rendered(in file: SourceFile) -> String {
        var shown = String.UnicodeScalarView()
        for scalar in file.lineText(loc.line).unicodeScalars {
            if scalar == "\t" {
                shown.append(" ")
            } else if scalar.properties.generalCategory == .control {
                shown.append("\u{FFFD}")
            } else {
                shown.append(scalar)
            }
        }
        let caret = String(repeating: " ", count: max(0, loc.column - 1)) + "^"
        return "\(path):\(loc.line):\(loc.column): error: \(message)\n\(String(shown))\n\(caret)"
    }
}

/// Several diagnostics at once, for the layers that report more than the first.
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }
}

/// Every error found in a trace and in the modules it imports, with the
/// files they are in, as the loader reports them.
///
/// Invariant: every diagnostic's `path` is the path of one of `files`.
public struct InvalidSource: Sendable {
    /// The files that have errors, the trace's first, then its modules' in load order.
    public var files: [SourceFile]
    /// The errors, file after file, each file's in the order of its text.
    public var diagnostics: [Diagnostic]

    /// Beyond this many errors in one file, the rest are only counted.
    public static let maxShownPerFile = 50

    public init(files: [SourceFile], diagnostics: [Diagnostic]) {
        self.files = files
        self.diagnostics = diagnostics
    }

    public init(file: SourceFile, diagnostics: [Diagnostic]) {
        self.init(files: [file], diagnostics: diagnostics)
    }

    /// The first file with errors.
    public var file: SourceFile { files[0] }

    /// The file a diagnostic is in.
    public func file(of d: Diagnostic) -> SourceFile {
        files.first { $0.path == d.path } ?? files[0]
    }

    /// The errors to show, each with its rendering (`Diagnostic.rendered(in:)`):
    /// at most `maxShownPerFile` per file; the last one shown of a file that
    /// has more ends with the line `PATH: N more errors not shown`.
    public var shown: [(diagnostic: Diagnostic, rendered: String)] {
        var out: [(diagnostic: Diagnostic, rendered: String)] = []
        for f in files {
            let mine = diagnostics.filter { $0.path == f.path }
            for d in mine.prefix(Self.maxShownPerFile) { out.append((d, d.rendered(in: f))) }
            let hidden = mine.count - Self.maxShownPerFile
            if hidden > 0 {
                out[out.count - 1].rendered += "\n\(f.path): \(hidden) more error\(hidden == 1 ? "" : "s") not shown"
            }
        }
        return out
    }

    /// The errors to show, rendered, separated by newlines (see `shown`).
    public var rendered: String { shown.map(\.rendered).joined(separator: "\n") }
}
