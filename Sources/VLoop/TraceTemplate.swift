import RunModel
import TraceLanguage

/// A Swift value written into trace source as the Python literal with the
/// same value: `Int` as `42`, `Double` as Python's `repr` (`0.061`, `1e-07`,
/// `float('inf')`), `String` as its `repr` (`'a\'b'`), `Bool` as `True` or
/// `False`, `nil` as `None`, arrays as lists.
public protocol PythonLiteral: Sendable {
    /// The Python source of the value.
    var pythonLiteral: String { get }
}

extension Int: PythonLiteral {
    public var pythonLiteral: String { String(self) }
}

extension Double: PythonLiteral {
    public var pythonLiteral: String {
        if isNaN { return "float('nan')" }
        if isInfinite { return self < 0 ? "-float('inf')" : "float('inf')" }
        return floatRepr(self)
    }
}

extension String: PythonLiteral {
    public var pythonLiteral: String { stringRepr(self) }
}

extension Bool: PythonLiteral {
    public var pythonLiteral: String { self ? "True" : "False" }
}

extension Optional: PythonLiteral where Wrapped: PythonLiteral {
    public var pythonLiteral: String { map(\.pythonLiteral) ?? "None" }
}

extension Array: PythonLiteral where Element: PythonLiteral {
    public var pythonLiteral: String { "[" + map(\.pythonLiteral).joined(separator: ", ") + "]" }
}

/// Trace source with `${NAME}` placeholders, filled with Swift values written
/// as Python literals: the way generated inputs (latencies, counts, sizes)
/// reach a trace. The filled source is an ordinary trace, the one format that
/// is stored and replayed.
///
///     let template = TraceTemplate(name: "retry.trace", """
///         import asyncio
///         async def main():
///             await asyncio.sleep(${latency})
///             print('replied after', ${latency})
///         asyncio.run(main())
///         """)
///     let run = try template.trace(["latency": 0.061]).replay()
///     #expect(run.output == ["replied after 0.061"])
///
/// A placeholder is `${` an identifier `}`. Every placeholder needs a value and
/// every value a placeholder; a `${` that does not open a placeholder is an
/// error too, each a ``TraceError`` with the template's line and column (a
/// value that fills nothing, at line 1). A filled source that is not a valid
/// trace is the trace's ``TraceError``.
public struct TraceTemplate: Sendable {
    /// The name the filled traces get (`NAME.trace` in diagnostics and the run store).
    public let name: String
    /// The template's text, placeholders included.
    public let source: String

    public init(name: String, _ source: String) {
        self.name = name
        self.source = source
    }

    /// The placeholders' names, in order of first use.
    public var placeholders: [String] {
        var seen: [String] = []
        for piece in (try? pieces()) ?? [] {
            if case .placeholder(let name, _) = piece, !seen.contains(name) { seen.append(name) }
        }
        return seen
    }

    /// The source with every placeholder replaced by its value's Python literal.
    public func fill(_ values: [String: any PythonLiteral]) throws(TraceError) -> String {
        var text = ""
        var used: Set<String> = []
        for piece in try pieces() {
            switch piece {
            case .text(let s): text += s
            case .placeholder(let key, let at):
                guard let value = values[key] else {
                    throw error(at, "no value for the placeholder ${\(key)}; the values are \(describe(values.keys))")
                }
                used.insert(key)
                text += value.pythonLiteral
            }
        }
        if let unused = values.keys.filter({ !used.contains($0) }).sorted().first {
            throw error(
                SourceLocation(line: 1, column: 1),
                "the value '\(unused)' fills no placeholder; the placeholders are \(describe(placeholders))")
        }
        return text
    }

    /// The trace the filled source is.
    public func trace(_ values: [String: any PythonLiteral]) throws(TraceError) -> Trace {
        try Trace(source: fill(values), name: name)
    }

    private enum Piece {
        case text(String)
        case placeholder(String, SourceLocation)
    }

    /// The template cut into text and placeholders.
    private func pieces() throws(TraceError) -> [Piece] {
        var result: [Piece] = []
        var text = ""
        var line = 1
        var column = 1
        var i = source.startIndex
        while i < source.endIndex {
            let c = source[i]
            if c == "$", source[source.index(after: i)...].first == "{" {
                let at = SourceLocation(line: line, column: column)
                let open = source.index(i, offsetBy: 2)
                guard let close = source[open...].firstIndex(of: "}"),
                    isIdentifier(source[open..<close])
                else { throw error(at, "'${' opens no placeholder: write ${NAME}, NAME an identifier") }
                result.append(.text(text))
                text = ""
                result.append(.placeholder(String(source[open..<close]), at))
                column += source.distance(from: i, to: close) + 1
                i = source.index(after: close)
                continue
            }
            text.append(c)
            if c == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            i = source.index(after: i)
        }
        result.append(.text(text))
        return result
    }

    private func isIdentifier(_ s: Substring) -> Bool {
        guard let first = s.first, first == "_" || first.isLetter else { return false }
        return s.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    private func describe(_ names: some Sequence<String>) -> String {
        let sorted = names.sorted()
        return sorted.isEmpty ? "none" : sorted.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// A template error, as `.invalid` with its place in the template.
    private func error(_ at: SourceLocation, _ message: String) -> TraceError {
        let d = Diagnostic(path: name, loc: at, message: message)
        return .invalid(path: name, diagnostics: [TraceDiagnostic(d, in: SourceFile(path: name, text: source))])
    }
}
