import RunModel
import TraceLanguage

// The `match` statement's matching (PEP 634, CPython 3.11's MATCH_* ops):
// sequences are lists, tuples and ranges (never str, bytes or dicts),
// mappings are dicts, class patterns test isinstance and read attributes
// (positional ones through `__match_args__`, or the subject itself for the
// builtins that match themselves).

/// A pattern constant as a value, for `matchPattern`.
package final class MatchProgramBox: PyObject {
    package let program: MatchProgram
    package let captures: Int
    package init(_ program: MatchProgram, captures: Int) {
        self.program = program
        self.captures = captures
    }
    package override var typeName: String { "pattern" }
}

extension Interpreter {
    /// The builtins whose single positional sub-pattern matches the subject itself.
    static let selfMatchingTypes: Set<String> = [
        "bool", "bytearray", "bytes", "dict", "float", "frozenset", "int", "list", "set", "str", "tuple",
    ]

    /// Op `matchPattern`: pops the values and the subject, pushes the captures (or None) and the outcome.
    package func runMatchPattern(_ f: Frame, _ box: MatchProgramBox, values count: Int) throws {
        let values = f.popArray(count)
        let subject = f.pop()
        var captures = [Value](repeating: .none, count: box.captures)
        var cursor = 0
        if try match(box.program, subject, values, &cursor, &captures) {
            f.push(.obj(PyTuple(captures)))
            f.push(.bool(true))
        } else {
            f.push(.none)
            f.push(.bool(false))
        }
    }

    private func match(
        _ p: MatchProgram, _ subject: Value, _ values: [Value], _ cursor: inout Int, _ captures: inout [Value]
    ) throws -> Bool {
        switch p {
        case .wildcard:
            return true
        case .capture(let slot):
            captures[Int(slot)] = subject
            return true
        case .value:
            let v = values[cursor]
            cursor += 1
            return try equals(subject, v)
        case .singleton(let which):
            switch (which, subject) {
            case (0, .none): return true
            case (1, .bool(true)), (2, .bool(false)): return true
            default: return false
            }
        case .sequence(let items, let star):
            guard let elements = sequenceItems(subject) else { return false }
            if let star {
                let after = items.count - star - 1
                if elements.count < items.count - 1 { return false }
                for (i, item) in items.enumerated() {
                    let element: Value
                    if i < star {
                        element = elements[i]
                    } else if i == star {
                        element = .obj(PyList(Array(elements[star..<(elements.count - after)])))
                    } else {
                        element = elements[elements.count - (items.count - i)]
                    }
                    if !(try match(item, element, values, &cursor, &captures)) { return false }
                }
                return true
            }
            if elements.count != items.count { return false }
            for (item, element) in zip(items, elements) where !(try match(item, element, values, &cursor, &captures)) {
                return false
            }
            return true
        case .mapping(let keyCount, let items, let rest):
            guard case .obj(let o) = builtinValue(subject), let d = o as? PyDict else { return false }
            let keys = Array(values[cursor..<(cursor + keyCount)])
            cursor += keyCount
            var seen: [HashKey] = []
            for (key, item) in zip(keys, items) {
                let h = try HashKey.of(key, self)
                if seen.contains(h) {
                    throw error(.valueError, "mapping pattern checks duplicate key (\(try repr(key)))")
                }
                seen.append(h)
                guard let v = d.table.get(h) else { return false }
                if !(try match(item, v, values, &cursor, &captures)) { return false }
            }
            if let rest {
                let r = PyDict()
                for (k, v) in d.table.entries where !seen.contains(try HashKey.of(k, self)) {
                    try r.setItem(k, v, self)
                }
                captures[Int(rest)] = .obj(r)
            }
            return true
        case .classPattern(let positional, let names, let keywords):
            let clsValue = values[cursor]
            cursor += 1
            guard case .obj(let co) = clsValue, let cls = co as? PyType else {
                throw error(.typeError, "called match pattern must be a type")
            }
            guard pyType(subject).isSubtype(of: cls) else { return false }
            var attributes: [String] = []
            if !positional.isEmpty {
                if let matchArgs = cls.lookup("__match_args__") {
                    guard case .obj(let mo) = matchArgs, let t = mo as? PyTuple else {
                        throw error(
                            .typeError, "\(cls.name).__match_args__ must be a tuple (got \(typeName(matchArgs)))")
                    }
                    if positional.count > t.count {
                        throw error(
                            .typeError,
                            "\(cls.name)() accepts \(t.count) positional sub-pattern\(t.count == 1 ? "" : "s") (\(positional.count) given)"
                        )
                    }
                    for a in t.items.prefix(positional.count) {
                        guard case .str(let s) = a else {
                            throw error(.typeError, "__match_args__ elements must be strings (got \(typeName(a)))")
                        }
                        attributes.append(s)
                    }
                } else if Self.selfMatchingTypes.contains(cls.name) && cls.members == nil {
                    if positional.count > 1 {
                        throw error(
                            .typeError, "\(cls.name)() accepts 1 positional sub-pattern (\(positional.count) given)")
                    }
                    if !(try match(positional[0], subject, values, &cursor, &captures)) { return false }
                } else {
                    throw error(
                        .typeError, "\(cls.name)() accepts 0 positional sub-patterns (\(positional.count) given)")
                }
            }
            for name in names where attributes.contains(name) {
                throw error(.typeError, "\(cls.name)() got multiple sub-patterns for attribute '\(name)'")
            }
            let subPatterns = (attributes.isEmpty ? [] : positional) + keywords
            for (name, item) in zip(attributes + names, subPatterns) {
                guard case .obj(let so) = subject, let v = try so.getAttr(name, self) else { return false }
                if !(try match(item, v, values, &cursor, &captures)) { return false }
            }
            return true
        case .or(let alternatives):
            let start = cursor
            var offset = start
            let end = start + p.valueCount
            for a in alternatives {
                var attempt = captures
                var c = offset
                if try match(a, subject, values, &c, &attempt) {
                    captures = attempt
                    cursor = end
                    return true
                }
                offset += a.valueCount
            }
            cursor = end
            return false
        case .asPattern(let inner, let slot):
            if !(try match(inner, subject, values, &cursor, &captures)) { return false }
            captures[Int(slot)] = subject
            return true
        }
    }

    /// The items of a subject a sequence pattern can match (collections.abc.Sequence, not str or bytes).
    private func sequenceItems(_ v: Value) -> [Value]? {
        guard case .obj(let o) = v else { return nil }
        if let l = o as? PyList { return l.items }
        if let t = o as? PyTuple { return t.items }
        if o is PyRange { return try? iterate(v) }
        if let q = o as? PyDeque { return q.items }
        // A class derived from list, tuple or deque (a namedtuple's class).
        if let i = o as? PyInstance, let b = i.base { return sequenceItems(b) }
        return nil
    }
}
