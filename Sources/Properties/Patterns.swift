import PyRuntime
import RunModel
import VirtualLoop

/// A glob over a whole text in which only `*` (any run of characters,
/// newlines included) and `?` (exactly one character) are special; every
/// other character, `[` and `\` included, stands for itself.
///
/// Characters are Unicode scalars, as Python's `re` counts them, so `?`
/// matches one code point even inside a grapheme cluster.
///
///     Glob("*blocks(*): running").matches("job blocks(3): running")  // true
///     Glob("worker ?").matches("worker 12")                          // false
public struct Glob: Sendable, Equatable {
    public let source: String
    private let scalars: [Unicode.Scalar]

    public init(_ source: String) {
        self.source = source
        self.scalars = Array(source.unicodeScalars)
    }

    /// Whether the glob matches all of `text` (Python's `re.fullmatch`).
    public func matches(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        var p = 0, i = 0
        // The last `*` seen and the text position it is currently made to cover up to:
        // on a mismatch the star swallows one more character and matching resumes.
        var star: Int?
        var starText = 0
        while i < s.count {
            if p < scalars.count, scalars[p] == "*" {
                star = p
                starText = i
                p += 1
            } else if p < scalars.count, scalars[p] == "?" || scalars[p] == s[i] {
                p += 1
                i += 1
            } else if let st = star {
                p = st + 1
                starText += 1
                i = starText
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }
}

/// A pattern of `expect.*` (TRACE_LANGUAGE.md, "Properties"): a glob over
/// the text of `print` and `log` events, or a dict of globs over an event's
/// fields (`{'ctx': 'Task-2', 'kind': 'task_done'}`), which may match any
/// kind of event, `run_end` included, as the reference's `Pattern` does.
struct EventPattern {
    static let keys = ["ctx", "text", "kind", "state", "value"]

    enum Shape {
        case text(Glob)
        case fields([(key: String, glob: Glob)])
    }

    let shape: Shape
    /// The pattern as the trace wrote it (`repr`), for messages.
    let shown: String

    /// Reads a pattern argument; throws an `ArgumentError` naming `what`
    /// when the value is neither a pattern nor something the reference accepts as one.
    init(_ v: Value, _ what: String, _ vm: Interpreter) throws {
        shown = show(v, vm)
        if case .obj(let o) = v, let d = o as? PyDict {
            var fields: [(key: String, glob: Glob)] = []
            var bad: [String] = []
            for (k, g) in d.table.entries {
                guard case .str(let key) = k, EventPattern.keys.contains(key) else {
                    bad.append(show(k, vm))
                    continue
                }
                fields.append((key, Glob(try globText(g, "the glob of '\(key)' in \(what)", vm))))
            }
            if !bad.isEmpty {
                throw ArgumentError(
                    "\(what) has key\(bad.count == 1 ? "" : "s") \(bad.joined(separator: ", ")); "
                        + "the keys of a pattern are among \(EventPattern.keys.joined(separator: ", "))")
            }
            shape = .fields(fields)
        } else {
            shape = .text(Glob(try globText(v, what, vm)))
        }
    }

    func matches(_ e: TraceEvent) -> Bool {
        switch shape {
        case .text(let g):
            guard e.kind == .print || e.kind == .log, let text = e.text else { return false }
            return g.matches(text)
        case .fields(let fields):
            for (key, g) in fields {
                guard let field = e.field(key), g.matches(field) else { return false }
            }
            return true
        }
    }

    /// The index of the first event matching, if any.
    func first(in log: [TraceEvent]) -> Int? { log.firstIndex(where: matches) }

    /// The indices of every event matching, in log order.
    func all(in log: [TraceEvent]) -> [Int] { log.indices.filter { matches(log[$0]) } }
}

/// The text of a glob: a string, or a number or bool read as its `str()`
/// (the reference globs `str(p)`, so `expect.never(42)` looks for the text `42`).
private func globText(_ v: Value, _ what: String, _ vm: Interpreter) throws -> String {
    switch v {
    case .str(let s): return s
    case .int, .float, .bool: return (try? vm.str(v)) ?? ""
    default:
        throw ArgumentError(
            "\(what) is \(vm.typeName(v)) \(show(v, vm)); a pattern is a string (a glob over the text of "
                + "print and log events) or a dict of globs with keys among \(EventPattern.keys.joined(separator: ", "))"
        )
    }
}

/// `repr(v)`, or a placeholder when `repr` itself fails.
func show(_ v: Value, _ vm: Interpreter) -> String {
    (try? vm.repr(v)) ?? "<\(vm.typeName(v))>"
}
