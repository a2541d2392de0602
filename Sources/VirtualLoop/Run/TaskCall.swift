import PyRuntime
import RunModel
import TraceLanguage

/// The call that made a task's coroutine, as the reports name the task
/// beside its own name: `fetch('b', 0.15)`, `Worker.run(3)`.
///
/// It is taken when the task is created (the coroutine's parameters are
/// rebound as it runs, and dropped when it ends), and only what cannot run
/// trace code or keep an object alive is kept: numbers, `None`, booleans
/// and text (Swift values), and for any other object the name of its type
/// (`<Connection>`). Calling a `__repr__` could print, or change when an
/// object dies, and so the order of events the run is there to show.
package struct TaskCall {
    package enum Argument {
        case value(Value)
        case keyword(String, Value)
        case opaque(String)
        case keywordOpaque(String, String)
    }

    /// The coroutine function's code: its name is worked out only when the
    /// text is asked for (once per task, when the run's records are stored).
    package let code: CodeObject
    package let arguments: [Argument]

    /// Texts longer than this are cut (`'aaaa…'`), and so is the whole call.
    static let maximumText = 40
    static let maximumCall = 120

    /// The call of a coroutine made by a Python function; nil for other
    /// awaitables (the task's name says enough of them).
    package init?(_ coro: SendableIterator) {
        guard let frame = (coro as? PyGenerator)?.frame else { return nil }
        let code = frame.code
        self.code = code
        var arguments: [Argument] = []
        // vloop's own coroutines (asyncio's shutdown steps): their arguments are its objects.
        guard !code.isInternal else {
            self.arguments = []
            return
        }
        let np = code.positionalCount
        arguments.reserveCapacity(np)
        func capture(_ v: Value, keyword: String?) {
            if Self.isPlain(v) {
                arguments.append(keyword.map { .keyword($0, v) } ?? .value(v))
            } else {
                let opaque = v.object.map { "<\($0.typeName)>" } ?? "?"
                arguments.append(keyword.map { .keywordOpaque($0, opaque) } ?? .opaque(opaque))
            }
        }
        var slot = 0
        while slot < np && slot < frame.localCount {
            let parameter = code.parameters[slot]
            if !(slot == 0 && (parameter == "self" || parameter == "cls")) {
                capture(frame.locals[slot], keyword: nil)
            }
            slot += 1
        }
        if code.hasVarargs, slot < frame.localCount {
            if let t = frame.locals[slot].object as? PyTuple { for v in t.items { capture(v, keyword: nil) } }
            slot += 1
        }
        for k in code.keywordOnly where slot < frame.localCount {
            capture(frame.locals[slot], keyword: k)
            slot += 1
        }
        if code.hasKwargs, slot < frame.localCount, let d = frame.locals[slot].object as? PyDict {
            for (k, v) in d.table.entries {
                if case .str(let key) = k { capture(v, keyword: key) }
            }
        }
        self.arguments = arguments
    }

    /// The coroutine function's qualified name without the functions it is
    /// nested in: `Worker.run`, and `fetch` for `main.<locals>.fetch`.
    package var function: String {
        // After the last `<locals>.`, found byte by byte (most names have none).
        let name = code.qualifiedName
        guard name.utf8.contains(UInt8(ascii: "<")) else { return name }
        let marker = Array("<locals>.".utf8)
        let bytes = Array(name.utf8)
        var start = 0
        var i = 0
        while i + marker.count <= bytes.count {
            if bytes[i] == UInt8(ascii: "<") && bytes[i..<(i + marker.count)].elementsEqual(marker) {
                i += marker.count
                start = i
            } else {
                i += 1
            }
        }
        return start == 0 ? name : String(decoding: bytes[start...], as: UTF8.self)
    }

    /// `fetch('b', 0.15)`.
    package var text: String {
        var call = function
        call.append("(")
        for (i, a) in arguments.enumerated() {
            if i > 0 { call.append(", ") }
            switch a {
            case .value(let v): call.append(Self.text(v))
            case .keyword(let k, let v):
                call.append(k)
                call.append("=")
                call.append(Self.text(v))
            case .opaque(let o): call.append(o)
            case .keywordOpaque(let k, let o):
                call.append(k)
                call.append("=")
                call.append(o)
            }
        }
        call.append(")")
        // Bytes first: counting characters walks the text.
        guard call.utf8.count > Self.maximumCall, call.count > Self.maximumCall else { return call }
        return String(call.prefix(Self.maximumCall - 2)) + "…)"
    }

    /// A value kept as it is: one whose repr runs no trace code.
    private static func isPlain(_ v: Value) -> Bool {
        switch v {
        case .none, .bool, .int, .float, .str: return true
        case .obj, .undefined: return false
        }
    }

    private static func text(_ v: Value) -> String {
        switch v {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return floatRepr(d)
        case .str(let s):
            if s.utf8.count <= maximumText || s.count <= maximumText { return stringRepr(s) }
            let cut = stringRepr(String(s.prefix(maximumText)))
            return String(cut.dropLast()) + "…" + String(cut.last!)
        case .obj, .undefined: return "?"
        }
    }
}
