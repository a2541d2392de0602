/// One event of a run's log. The observable kinds (`print`, `log`,
/// `task_done`, `run_end`) are the ones TRACE_LANGUAGE.md's "The event log"
/// defines and the conformance rule compares.
public struct TraceEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case print, log
        case taskDone = "task_done"
        case runEnd = "run_end"
    }

    public var t: Double
    public var ctx: String?
    public var kind: Kind
    public var text: String?
    public var state: String?
    public var value: String?
    public var status: String?

    public init(
        t: Double, ctx: String?, kind: Kind, text: String? = nil, state: String? = nil,
        value: String? = nil, status: String? = nil
    ) {
        self.t = t
        self.ctx = ctx
        self.kind = kind
        self.text = text
        self.state = state
        self.value = value
        self.status = status
    }

    /// The event as one line of compact JSON, keys in the spec's order.
    public var jsonLine: String {
        var s = "{\"t\":" + floatRepr(t)
        if let ctx { s += ",\"ctx\":" + jsonString(ctx) }
        s += ",\"kind\":" + jsonString(kind.rawValue)
        if let text { s += ",\"text\":" + jsonString(text) }
        if let state { s += ",\"state\":" + jsonString(state) }
        if let status { s += ",\"status\":" + jsonString(status) }
        if let value { s += ",\"value\":" + jsonString(value) }
        return s + "}"
    }

    /// The field of a pattern key (`ctx`, `text`, `kind`, `state`, `value`).
    public func field(_ key: String) -> String? {
        switch key {
        case "ctx": return ctx
        case "text": return text
        case "kind": return kind.rawValue
        case "state": return state
        case "value": return value
        case "status": return status
        default: return nil
        }
    }
}

/// `json.dumps(s, ensure_ascii=False)` of a string.
public func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        default:
            if u.value < 0x20 {
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

extension TraceEvent {
    /// The same event up to its time: what an order of events is made of
    /// (its kind, ctx, text, state, value and status). Exploring compares
    /// runs' orders by it; `orderingHash` hashes these same fields.
    public func sameIgnoringTime(_ other: TraceEvent) -> Bool {
        kind == other.kind && ctx == other.ctx && text == other.text && state == other.state
            && value == other.value && status == other.status
    }
}

/// The index of the first event where logs `a` and `b` differ by `same`
/// (one log ending before the other counts), or nil when they are the same.
public func firstDifference(
    _ a: [TraceEvent], _ b: [TraceEvent], by same: (TraceEvent, TraceEvent) -> Bool = { $0 == $1 }
) -> Int? {
    let n = min(a.count, b.count)
    var i = 0
    while i < n && same(a[i], b[i]) { i += 1 }
    return i == n && a.count == b.count ? nil : i
}

extension TraceEvent {
    /// `print 'text' by Task-2`, `task_done Task-2 result None`, `run_end ok None`:
    /// the event in words, for messages and reports.
    public var summary: String {
        switch kind {
        case .print, .log: return "\(kind.rawValue) \(stringRepr(text ?? "")) by \(ctx ?? "-")"
        case .taskDone: return "task_done \(ctx ?? "-") \(state ?? "") \(value ?? "")"
        case .runEnd: return "run_end \(status ?? "") \(value ?? "")"
        }
    }
}
