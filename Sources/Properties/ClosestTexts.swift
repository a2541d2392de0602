import RunModel

/// The texts of a run that come closest to matching a pattern that matched
/// none of them, for the message of a property that held only vacuously.
enum ClosestTexts {
    /// The closest values, best first (at most `CloseText.limit`), of the field
    /// the pattern reads: the text of print and log events for a string
    /// pattern; for a dict pattern its `text` glob, else its first key's.
    static func find(for pattern: EventPattern, in events: [TraceEvent]) -> [CloseText] {
        let key: String
        let glob: Glob
        switch pattern.shape {
        case .text(let g):
            (key, glob) = ("text", g)
        case .fields(let fields):
            guard let f = fields.first(where: { $0.key == "text" }) ?? fields.first else { return [] }
            (key, glob) = (f.key, f.glob)
        }
        var seen = Set<String>()
        var best: [CloseText] = []
        for e in events {
            if key == "text", e.kind != .print && e.kind != .log { continue }
            guard let value = e.field(key), seen.insert(value).inserted else { continue }
            let candidate = CloseText(
                text: value, distance: closeness(glob.source, value), sharedPrefix: sharedPrefix(glob.source, value))
            if best.count < CloseText.limit || candidate < best[best.count - 1] {
                best.append(candidate)
                best.sort()
                if best.count > CloseText.limit { best.removeLast() }
            }
        }
        return best
    }

    /// How far `text` is from matching `pattern`: its `distance`, where a `*` missing
    /// at either end counts as one edit (the commonest slip: `'all done'` for `'all done [1, 2]'`).
    static func closeness(_ pattern: String, _ text: String) -> Int {
        min(distance(pattern, text), distance(pattern + "*", text) + 1, distance("*" + pattern, text) + 1)
    }

    /// The fewest characters to insert, delete or replace in `text` for the glob
    /// `pattern` to match it: `*` covers any run of characters for free, `?` any one.
    static func distance(_ pattern: String, _ text: String) -> Int {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        // row[j]: the cost for the pattern's first i characters to match the text's first j.
        var row = Array(0...t.count)
        var next = row
        for c in p {
            next[0] = row[0] + (c == "*" ? 0 : 1)
            for j in stride(from: 1, through: t.count, by: 1) {
                if c == "*" {
                    next[j] = min(row[j], next[j - 1])
                } else {
                    let same = c == "?" || c == t[j - 1]
                    next[j] = min(row[j - 1] + (same ? 0 : 1), row[j] + 1, next[j - 1] + 1)
                }
            }
            swap(&row, &next)
        }
        return row[t.count]
    }

    /// How many leading characters the glob's literal start shares with `text`.
    static func sharedPrefix(_ pattern: String, _ text: String) -> Int {
        var n = 0
        for (a, b) in zip(pattern.unicodeScalars, text.unicodeScalars) {
            guard a != "*", a == "?" || a == b else { break }
            n += 1
        }
        return n
    }
}
