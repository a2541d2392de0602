import Properties
import PyRuntime
import RunModel

/// A pattern of the `expect.*` properties (TRACE_LANGUAGE.md, "Properties:
/// `expect`"), written in Swift: a string literal is a glob over the whole
/// text of `print` and `log` events (only `*` and `?` are special), a
/// dictionary literal a glob per field of an event, with keys among `ctx`,
/// `text`, `kind`, `state`, `value`.
///
///     let started: Pattern = "* started"
///     let third: Pattern = ["ctx": "Task-2", "text": "3"]
///     let done: Pattern = ["kind": "task_done", "ctx": "Task-3"]
public struct Pattern: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation,
    ExpressibleByDictionaryLiteral
{
    /// The glob over the text of `print` and `log` events, for a text pattern.
    public var text: String?
    /// The globs by field, in the order written, for a dictionary pattern.
    public var fields: [(key: String, glob: String)]

    /// A glob over the text of `print` and `log` events.
    public init(_ glob: String) {
        text = glob
        fields = []
    }

    /// Globs over the fields of an event (`ctx`, `text`, `kind`, `state`, `value`).
    public init(fields: [(key: String, glob: String)]) {
        text = nil
        self.fields = fields
    }

    public init(stringLiteral value: String) { self.init(value) }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(fields: elements.map { (key: $0.0, glob: $0.1) })
    }

    public static func == (a: Pattern, b: Pattern) -> Bool {
        a.text == b.text && a.fields.map(\.key) == b.fields.map(\.key) && a.fields.map(\.glob) == b.fields.map(\.glob)
    }

    /// The pattern as Python writes it: `'* started'`, `{'ctx': 'Task-2', 'text': '3'}`.
    public var description: String {
        if let text { return stringRepr(text) }
        return "{" + fields.map { "\(stringRepr($0.key)): \(stringRepr($0.glob))" }.joined(separator: ", ") + "}"
    }

    /// The pattern as the trace's `expect.*` would receive it: a `str`, or a `dict` of `str`.
    func value(_ vm: Interpreter) -> Value {
        if let text { return .str(text) }
        let d = PyDict()
        for (k, g) in fields { try? d.setItem(.str(k), .str(g), vm) }
        return .obj(d)
    }
}

/// The outcome of an assertion on a ``Run`` (`run.order("a", "b")`): whether
/// it held, and if not, what was seen instead, in the words of the
/// `expect.*` property it shares its check with.
///
///     let check = run.order("a started", "b finished")
///     if !check.passed { print(check) }
///     // run.order('a started', 'b finished'): 'b finished' (first at t=1.0, event 3) came before ...
///     // events:
///     //   2: {"t":0.0,"ctx":"Task-2","kind":"print","text":"a started"}
///     //   ...
public struct Check: Sendable, Equatable, CustomStringConvertible {
    /// The property held.
    public var passed: Bool
    /// `run.order('a', 'b')` when it held; else that call, a colon, and what
    /// was seen instead, as `expect.order` says it.
    public var message: String
    /// The events the message names and their neighbours, each as
    /// `N: JSON line` (events numbered from 1, as in the messages); empty when it held.
    public var events: [String]
    /// The command that replays the run, for a run replayed from an exploration.
    public var replayCommand: String?

    /// The message; on failure also the slice of the event log and the replay command, one per line.
    public var description: String {
        guard !passed else { return message }
        var lines = [message]
        if !events.isEmpty { lines.append("events:") }
        lines += events.map { "  " + $0 }
        if let replayCommand { lines.append("replay: \(replayCommand)") }
        return lines.joined(separator: "\n")
    }
}

extension Run {
    /// `expect.order(a, b, ...)`: the first event matching each pattern comes
    /// after the first matching the one before; fails when a pattern matches nothing.
    ///
    ///     #expect(run.order("a started", "b started", "a finished").passed)
    public func order(_ patterns: Pattern...) -> Check { order(patterns) }

    /// `expect.order` over an array of patterns.
    public func order(_ patterns: [Pattern]) -> Check {
        check("order", call: patterns.map(\.description)) { vm in (patterns.map { $0.value(vm) }, []) }
    }

    /// `expect.before(a, b)`: every event matching `a` comes before every event
    /// matching `b`; holds when either matches nothing.
    public func before(_ a: Pattern, _ b: Pattern) -> Check {
        check("before", call: [a.description, b.description]) { vm in ([a.value(vm), b.value(vm)], []) }
    }

    /// `expect.never(a)`: no event matches `a`.
    public func never(_ a: Pattern) -> Check {
        check("never", call: [a.description]) { vm in ([a.value(vm)], []) }
    }

    /// `expect.at(a, t, tolerance=)`: the first event matching `a` happens at
    /// virtual time `t`, exactly unless a tolerance is given.
    public func at(_ a: Pattern, _ t: Double, tolerance: Double? = nil) -> Check {
        var call = [a.description, floatRepr(t)]
        var keywords: [(String, Value)] = []
        if let tolerance {
            call.append("tolerance: \(floatRepr(tolerance))")
            keywords.append(("tolerance", .float(tolerance)))
        }
        return check("at", call: call) { vm in ([a.value(vm), .float(t)], keywords) }
    }

    /// `expect.concurrency(start, end, max=n)`: at no instant are more than
    /// `max` intervals open, an interval opening at an event matching `start`
    /// and closing at the next event matching `end` in the same context.
    public func concurrency(_ start: Pattern, _ end: Pattern, max: Int) -> Check {
        check("concurrency", call: [start.description, end.description, "max: \(max)"]) { vm in
            ([start.value(vm), end.value(vm)], [("max", .int(max))])
        }
    }

    /// `expect.elapsed(t, max=, min=, tolerance=)`: the run's virtual duration
    /// is `t` (exactly unless a tolerance is given), at most `max`, at least `min`.
    ///
    ///     #expect(run.elapsed(max: 2.0).passed)
    public func elapsed(
        _ t: Double? = nil, max: Double? = nil, min: Double? = nil, tolerance: Double? = nil
    ) -> Check {
        var call: [String] = []
        var keywords: [(String, Value)] = []
        if let t { call.append(floatRepr(t)) }
        for (name, v) in [("max", max), ("min", min), ("tolerance", tolerance)] {
            guard let v else { continue }
            call.append("\(name): \(floatRepr(v))")
            keywords.append((name, .float(v)))
        }
        return check("elapsed", call: call) { vm in (t.map { [.float($0)] } ?? [], keywords) }
    }

    /// Checks `expect.<name>` with the arguments `build` makes, through the
    /// same code as the trace's `expect.*` statements.
    private func check(
        _ name: String, call: [String], _ build: (Interpreter) -> ([Value], [(String, Value)])
    ) -> Check {
        let vm = Interpreter()
        let (args, keywords) = build(vm)
        let shown = "run.\(name)(\(call.joined(separator: ", ")))"
        guard
            let failure = PropertyChecker.failure(
                of: name, args, keywords: keywords, events: events, status: status, value: value,
                elapsed: elapsed, interpreter: vm)
        else {
            return Check(passed: true, message: shown, events: [], replayCommand: replayCommand)
        }
        return Check(
            passed: false, message: "\(shown): \(failure)", events: logSlice(for: failure),
            replayCommand: replayCommand)
    }

    /// The events a message names (`event 3`), each with the one before and
    /// after, as numbered JSON lines; `...` marks a gap. A message naming no
    /// event gets the whole log when short, else its last events.
    func logSlice(for message: String) -> [String] {
        var named: [Int] = []
        var rest = message[...]
        while let r = rest.range(of: "event ") {
            rest = rest[r.upperBound...]
            let digits = rest.prefix(while: \.isNumber)
            if let n = Int(digits), n >= 1, n <= events.count { named.append(n - 1) }
        }
        var shown: [Int]
        if named.isEmpty {
            shown = Array(events.indices.suffix(8))
        } else {
            shown = Set(named.flatMap { [$0 - 1, $0, $0 + 1] }).filter(events.indices.contains).sorted()
            if shown.count > 15 { shown = Array(shown.prefix(15)) }
        }
        var lines: [String] = []
        if let first = shown.first, first > 0 { lines.append("...") }
        for (k, i) in shown.enumerated() {
            if k > 0, i > shown[k - 1] + 1 { lines.append("...") }
            lines.append("\(i + 1): \(events[i].jsonLine)")
        }
        if let last = shown.last, last < events.count - 1 { lines.append("...") }
        return lines
    }
}

// The same checks as free functions, the run first.

/// `run.order(patterns...)`: see ``Run/order(_:)-(Pattern...)``.
public func order(in run: Run, _ patterns: Pattern...) -> Check { run.order(patterns) }
/// `run.before(a, b)`.
public func before(in run: Run, _ a: Pattern, _ b: Pattern) -> Check { run.before(a, b) }
/// `run.never(a)`.
public func never(in run: Run, _ a: Pattern) -> Check { run.never(a) }
/// `run.at(a, t, tolerance:)`.
public func at(in run: Run, _ a: Pattern, _ t: Double, tolerance: Double? = nil) -> Check {
    run.at(a, t, tolerance: tolerance)
}
/// `run.concurrency(start, end, max:)`.
public func concurrency(in run: Run, _ start: Pattern, _ end: Pattern, max: Int) -> Check {
    run.concurrency(start, end, max: max)
}
/// `run.elapsed(t, max:, min:, tolerance:)`.
public func elapsed(
    of run: Run, _ t: Double? = nil, max: Double? = nil, min: Double? = nil, tolerance: Double? = nil
) -> Check {
    run.elapsed(t, max: max, min: min, tolerance: tolerance)
}
