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
