import RunModel

/// The methods of the builtin values: list, tuple, dict (and its views),
/// set, bytes and str. Python's `str` is indexed by code point, so every
/// position here counts Unicode scalars, never Swift `Character`s.

// MARK: - Argument helpers

/// Rejects keyword arguments other than `allowed`, as CPython does.
package func checkKeywords(_ function: String, _ args: Args, _ allowed: Set<String>, _ vm: Interpreter) throws {
    for (k, _) in args.keywords where !allowed.contains(k) {
        if allowed.isEmpty { throw vm.error(.typeError, "\(function)() takes no keyword arguments") }
        throw vm.error(.typeError, "\(function)() got an unexpected keyword argument '\(k)'")
    }
}

/// CPython's "expected at least/at most" arity errors of methods.
package func checkCount(_ function: String, _ args: Args, _ min: Int, _ max: Int, _ vm: Interpreter) throws {
    let n = args.count
    if n < min || n > max {
        if min == max {
            if min == 0 { throw vm.error(.typeError, "\(function)() takes no arguments (\(n) given)") }
            if min == 1 { throw vm.error(.typeError, "\(function)() takes exactly one argument (\(n) given)") }
            throw vm.error(.typeError, "\(function) expected \(min) arguments, got \(n)")
        }
        if n < min {
            throw vm.error(.typeError, "\(function) expected at least \(min) argument\(min == 1 ? "" : "s"), got \(n)")
        }
        throw vm.error(.typeError, "\(function) expected at most \(max) argument\(max == 1 ? "" : "s"), got \(n)")
    }
}

/// A positional argument, or the keyword of that name, or nil.
package func argument(_ args: Args, _ position: Int, _ name: String) -> Value? {
    if position < args.count { return args[position] }
    return args.keyword(name)
}

/// Clamps Python's optional `start`/`end` slice arguments to `0...count`.
package func sliceBounds(_ start: Value?, _ end: Value?, _ count: Int, _ vm: Interpreter) throws -> (Int, Int) {
    // CPython's ADJUST_INDICES: a start past the end stays there, so that
    // `'abc'.find('', 5)` is -1.
    func bound(_ v: Value?, _ dflt: Int, clampHigh: Bool) throws -> Int {
        guard let v, !v.isNone else { return dflt }
        guard let i = intValue(v) else {
            throw vm.error(.typeError, "slice indices must be integers or None or have an __index__ method")
        }
        if i < 0 { return max(0, i + count) }
        return clampHigh ? min(i, count) : i
    }
    return (try bound(start, 0, clampHigh: false), try bound(end, count, clampHigh: true))
}

// MARK: - list

public let listMethodNames: Set<String> = [
    "append", "extend", "pop", "insert", "remove", "index", "count", "sort", "reverse", "copy", "clear",
]

public func listMethod(_ l: PyList, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    if name != "sort" { try checkKeywords(name, args, [], vm) }
    switch name {
    case "append":
        try checkCount("list.append", args, 1, 1, vm)
        l.items.append(args[0])
        return .none
    case "extend":
        try checkCount("list.extend", args, 1, 1, vm)
        l.items.append(contentsOf: try vm.iterate(args[0]))
        return .none
    case "pop":
        try checkCount("pop", args, 0, 1, vm)
        if l.items.isEmpty { throw vm.error(.indexError, "pop from empty list") }
        var i = args.count == 1 ? try vm.intArg(args[0], "pop") : -1
        if i < 0 { i += l.items.count }
        if i < 0 || i >= l.items.count { throw vm.error(.indexError, "pop index out of range") }
        return l.items.remove(at: i)
    case "insert":
        try checkCount("insert", args, 2, 2, vm)
        var i = try vm.intArg(args[0], "insert")
        let n = l.items.count
        if i < 0 { i = max(0, i + n) }
        l.items.insert(args[1], at: min(i, n))
        return .none
    case "remove":
        try checkCount("list.remove", args, 1, 1, vm)
        for (i, v) in l.items.enumerated() where try vm.equals(v, args[0]) {
            l.items.remove(at: i)
            return .none
        }
        throw vm.error(.valueError, "list.remove(x): x not in list")
    case "index":
        try checkCount("index", args, 1, 3, vm)
        let (s, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), l.items.count, vm)
        var i = s
        while i < min(e, l.items.count) {
            if try vm.equals(l.items[i], args[0]) { return .int(i) }
            i += 1
        }
        throw vm.error(.valueError, "\(try vm.repr(args[0])) is not in list")
    case "count":
        try checkCount("list.count", args, 1, 1, vm)
        var n = 0
        for v in l.items where try vm.equals(v, args[0]) { n += 1 }
        return .int(n)
    case "sort":
        try checkCount("sort", args, 0, 0, vm)
        try checkKeywords("sort", args, ["key", "reverse"], vm)
        l.items = try sortedValues(l.items, key: args.keyword("key"), reverse: args.keyword("reverse"), vm)
        return .none
    case "reverse":
        try checkCount("list.reverse", args, 0, 0, vm)
        l.items.reverse()
        return .none
    case "copy":
        try checkCount("list.copy", args, 0, 0, vm)
        return .obj(PyList(l.items))
    case "clear":
        try checkCount("list.clear", args, 0, 0, vm)
        l.items.removeAll()
        return .none
    default:
        throw vm.error(.attributeError, "'list' object has no attribute '\(name)'")
    }
}

/// A stable sort by Python's `<` (of the keys when `key` is given), as
/// `list.sort` and `sorted` do; `reverse` keeps equal items in their order.
package func sortedValues(_ items: [Value], key: Value?, reverse: Value?, _ vm: Interpreter) throws -> [Value] {
    let descending = try reverse.map { try vm.truthy($0) } ?? false
    var keyed: [(key: Value, value: Value)]
    if let key, !key.isNone {
        keyed = try items.map { (try vm.call(key, Args([$0])), $0) }
    } else {
        keyed = items.map { ($0, $0) }
    }
    if descending { keyed.reverse() }
    keyed = try mergeSort(keyed) { try pyLessThan($0.key, $1.key, vm) }
    if descending { keyed.reverse() }
    return keyed.map(\.value)
}

/// A stable merge sort whose comparison may throw.
package func mergeSort<T>(_ a: [T], _ less: (T, T) throws -> Bool) throws -> [T] {
    if a.count < 2 { return a }
    var src = a
    var dst = a
    var width = 1
    let n = a.count
    // Short runs by insertion sort first.
    let run = 8
    var s = 0
    while s < n {
        let e = min(s + run, n)
        var i = s + 1
        while i < e {
            let x = src[i]
            var j = i
            while j > s, try less(x, src[j - 1]) {
                src[j] = src[j - 1]
                j -= 1
            }
            src[j] = x
            i += 1
        }
        s = e
    }
    width = run
    while width < n {
        var lo = 0
        while lo < n {
            let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
            var i = lo, j = mid, k = lo
            while i < mid && j < hi {
                if try less(src[j], src[i]) {
                    dst[k] = src[j]
                    j += 1
                } else {
                    dst[k] = src[i]
                    i += 1
                }
                k += 1
            }
            while i < mid {
                dst[k] = src[i]
                i += 1
                k += 1
            }
            while j < hi {
                dst[k] = src[j]
                j += 1
                k += 1
            }
            lo = hi
        }
        swap(&src, &dst)
        width *= 2
    }
    return src
}

// MARK: - tuple

public func tupleMethod(_ t: PyTuple, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords(name, args, [], vm)
    switch name {
    case "count":
        try checkCount("tuple.count", args, 1, 1, vm)
        var n = 0
        for v in t.items where try vm.equals(v, args[0]) { n += 1 }
        return .int(n)
    case "index":
        try checkCount("index", args, 1, 3, vm)
        let (s, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), t.items.count, vm)
        var i = s
        while i < e {
            if try vm.equals(t.items[i], args[0]) { return .int(i) }
            i += 1
        }
        throw vm.error(.valueError, "tuple.index(x): x not in tuple")
    default:
        throw vm.error(.attributeError, "'tuple' object has no attribute '\(name)'")
    }
}

// MARK: - dict

public let dictMethodNames: Set<String> = [
    "get", "items", "keys", "values", "pop", "popitem", "setdefault", "update", "copy", "clear",
]

public func dictMethod(_ d: PyDict, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    if name != "update" { try checkKeywords(name, args, [], vm) }
    switch name {
    case "get":
        try checkCount("get", args, 1, 2, vm)
        return try d.get(args[0], vm) ?? (args.count > 1 ? args[1] : .none)
    case "keys":
        try checkCount("dict.keys", args, 0, 0, vm)
        return .obj(PyDictView(d, .keys))
    case "values":
        try checkCount("dict.values", args, 0, 0, vm)
        return .obj(PyDictView(d, .values))
    case "items":
        try checkCount("dict.items", args, 0, 0, vm)
        return .obj(PyDictView(d, .items))
    case "pop":
        try checkCount("pop", args, 1, 2, vm)
        if let (_, v) = d.table.remove(try HashKey.of(args[0], vm)) {
            d.version += 1
            return v
        }
        if args.count > 1 { return args[1] }
        throw vm.raise(PyException(type: .keyError, args: [args[0]]))
    case "popitem":
        try checkCount("dict.popitem", args, 0, 0, vm)
        guard let last = d.table.entries.last else {
            throw vm.raise(PyException(type: .keyError, args: [.str("popitem(): dictionary is empty")]))
        }
        d.table.remove(try HashKey.of(last.key, vm))
        d.version += 1
        return .obj(PyTuple([last.key, last.value]))
    case "setdefault":
        try checkCount("setdefault", args, 1, 2, vm)
        if let v = try d.get(args[0], vm) { return v }
        let v = args.count > 1 ? args[1] : .none
        try d.setItem(args[0], v, vm)
        return v
    case "update":
        try checkCount("update", args, 0, 1, vm)
        if args.count == 1 { try dictUpdate(d, from: args[0], vm) }
        for (k, v) in args.keywords { try d.setItem(.str(k), v, vm) }
        return .none
    case "copy":
        try checkCount("dict.copy", args, 0, 0, vm)
        let c = PyDict()
        c.table = d.table
        return .obj(c)
    case "clear":
        try checkCount("dict.clear", args, 0, 0, vm)
        if d.table.count > 0 { d.version += 1 }
        d.table.removeAll()
        return .none
    default:
        throw vm.error(.attributeError, "'dict' object has no attribute '\(name)'")
    }
}

/// `d.update(source)`: a dict, or an iterable of key/value pairs.
package func dictUpdate(_ d: PyDict, from source: Value, _ vm: Interpreter) throws {
    if case .obj(let o) = source, let other = o as? PyDict {
        for (k, v) in other.table.entries { try d.setItem(k, v, vm) }
        return
    }
    for (n, element) in try vm.iterate(source).enumerated() {
        let pair: [Value]
        do {
            pair = try vm.iterate(element)
        } catch let e as PyRaise where e.exception.type === PyType.typeError {
            throw vm.error(.typeError, "cannot convert dictionary update sequence element #\(n) to a sequence")
        }
        if pair.count != 2 {
            throw vm.error(
                .valueError, "dictionary update sequence element #\(n) has length \(pair.count); 2 is required")
        }
        try d.setItem(pair[0], pair[1], vm)
    }
}

/// `d.keys()`, `d.values()`, `d.items()`: live views over the dict.
public final class PyDictView: PyObject {
    public enum Kind { case keys, values, items }

    package let dict: PyDict
    package let kind: Kind

    package init(_ dict: PyDict, _ kind: Kind) {
        self.dict = dict
        self.kind = kind
    }

    public override var typeName: String {
        switch kind {
        case .keys: return "dict_keys"
        case .values: return "dict_values"
        case .items: return "dict_items"
        }
    }

    package var elements: [Value] {
        switch kind {
        case .keys: return dict.table.liveKeys
        case .values: return dict.table.entries.map(\.value)
        case .items: return dict.table.entries.map { .obj(PyTuple([$0.key, $0.value])) }
        }
    }

    public override func repr(_ vm: Interpreter) throws -> String {
        try vm.withReprGuard(self, "...") {
            "\(typeName)([" + (try elements.map { try vm.repr($0) }.joined(separator: ", ")) + "])"
        }
    }
    public override func truthy(_ vm: Interpreter) throws -> Bool { dict.table.count > 0 }
    public override func length(_ vm: Interpreter) throws -> Int? { dict.table.count }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? {
        switch kind {
        case .keys: return TableIterator(dict: dict, mode: .keys)
        case .values: return TableIterator(dict: dict, mode: .values)
        case .items: return TableIterator(dict: dict, mode: .items)
        }
    }
    public override func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? {
        switch kind {
        case .keys:
            return dict.table.find(try HashKey.of(value, vm)) != nil
        case .values:
            for v in dict.table.entries.map(\.value) where try vm.equals(v, value) { return true }
            return false
        case .items:
            guard case .obj(let o) = value, let t = o as? PyTuple, t.items.count == 2 else { return false }
            guard let v = dict.table.get(try HashKey.of(t.items[0], vm)) else { return false }
            return try vm.equals(v, t.items[1])
        }
    }
    public override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard kind != .values, case .obj(let o) = other else { return nil }
        let others: [Value]
        if let s = o as? PySet {
            others = s.table.liveKeys
        } else if let v = o as? PyDictView, v.kind != .values {
            others = v.elements
        } else {
            return nil
        }
        if others.count != dict.table.count { return false }
        for x in others where !(try contains(x, vm) ?? false) { return false }
        return true
    }
    public override func hashKey(_ vm: Interpreter) throws -> HashKey? { nil }
}

// MARK: - set

public let setMethodNames: Set<String> = [
    "add", "discard", "remove", "pop", "clear", "copy", "union", "intersection", "difference",
    "symmetric_difference", "update", "intersection_update", "difference_update",
    "symmetric_difference_update", "issubset", "issuperset", "isdisjoint",
]

/// A set of the elements of any iterable, in iteration order.
package func makeSet(_ v: Value, _ vm: Interpreter) throws -> PySet {
    if case .obj(let o) = v, let s = o as? PySet { return s }
    let s = PySet()
    for x in try vm.iterate(v) { try s.add(x, vm) }
    return s
}

public func setMethod(_ s: PySet, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("set.\(name)", args, [], vm)
    func one() throws { try checkCount("set.\(name)", args, 1, 1, vm) }
    func copy() -> PySet {
        let c = PySet()
        c.table = s.table
        return c
    }
    func replace(with r: PySet) {
        if r.table.count != s.table.count { s.version += 1 }
        s.table = r.table
    }
    switch name {
    case "add":
        try one()
        try s.add(args[0], vm)
        return .none
    case "discard", "remove":
        try one()
        if s.table.remove(try HashKey.of(args[0], vm)) != nil {
            s.version += 1
        } else if name == "remove" {
            throw vm.raise(PyException(type: .keyError, args: [args[0]]))
        }
        return .none
    case "pop":
        try checkCount("set.pop", args, 0, 0, vm)
        guard let first = s.table.liveKeys.first else {
            throw vm.raise(PyException(type: .keyError, args: [.str("pop from an empty set")]))
        }
        s.table.remove(try HashKey.of(first, vm))
        s.version += 1
        return first
    case "clear":
        try checkCount("set.clear", args, 0, 0, vm)
        if s.table.count > 0 { s.version += 1 }
        s.table.removeAll()
        return .none
    case "copy":
        try checkCount("set.copy", args, 0, 0, vm)
        return .obj(copy())
    case "union", "intersection", "difference", "update", "intersection_update", "difference_update":
        var r = copy()
        let symbol: Character =
            name.hasPrefix("union") || name == "update" ? "|" : name.hasPrefix("intersection") ? "&" : "-"
        for a in args.positional { r = try setOperator(symbol, r, try makeSet(a, vm), vm) }
        if name.hasSuffix("update") {
            replace(with: r)
            return .none
        }
        return .obj(r)
    case "symmetric_difference", "symmetric_difference_update":
        try one()
        let r = try setOperator("^", s, try makeSet(args[0], vm), vm)
        if name.hasSuffix("update") {
            replace(with: r)
            return .none
        }
        return .obj(r)
    case "issubset", "issuperset", "isdisjoint":
        try one()
        let other = try makeSet(args[0], vm)
        let (p, q) = name == "issuperset" ? (other, s) : (s, other)
        for k in p.table.liveKeys {
            let found = q.table.find(try HashKey.of(k, vm)) != nil
            if name == "isdisjoint" ? found : !found { return .bool(false) }
        }
        return .bool(true)
    default:
        throw vm.error(.attributeError, "'set' object has no attribute '\(name)'")
    }
}

// MARK: - bytes

public let bytesMethodNames: Set<String> = [
    "decode", "hex", "startswith", "endswith", "find", "count", "split", "strip", "join", "upper", "lower",
]

private func bytesArg(_ v: Value, _ vm: Interpreter) throws -> [UInt8] {
    guard case .obj(let o) = v, let b = o as? PyBytes else {
        throw vm.error(.typeError, "a bytes-like object is required, not '\(vm.typeName(v))'")
    }
    return b.bytes
}

private func isByteSpace(_ b: UInt8) -> Bool { b == 32 || (9...13).contains(b) }

public func bytesMethod(_ b: PyBytes, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    let bytes = b.bytes
    switch name {
    case "decode":
        try checkKeywords("decode", args, ["encoding", "errors"], vm)
        try checkCount("decode", args, 0, 2, vm)
        var encoding = "utf-8"
        if let e = argument(args, 0, "encoding") {
            guard case .str(let s) = e else {
                throw vm.error(.typeError, "decode() argument 'encoding' must be str, not \(vm.typeName(e))")
            }
            encoding = s
        }
        return .str(try decodeBytes(bytes, encoding, vm))
    case "hex":
        try checkCount("hex", args, 0, 0, vm)
        return .str(bytes.map { hex2($0) }.joined())
    case "startswith", "endswith":
        try checkCount(name, args, 1, 3, vm)
        let (s, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), bytes.count, vm)
        var candidates: [[UInt8]] = []
        if case .obj(let o) = args[0], let t = o as? PyTuple {
            candidates = try t.items.map { try bytesArg($0, vm) }
        } else {
            guard case .obj(let o) = args[0], let p = o as? PyBytes else {
                throw vm.error(
                    .typeError, "\(name) first arg must be bytes or a tuple of bytes, not \(vm.typeName(args[0]))")
            }
            candidates = [p.bytes]
        }
        for c in candidates where tailMatch(bytes, c, s, e, atStart: name == "startswith") { return .bool(true) }
        return .bool(false)
    case "find", "count":
        try checkCount(name, args, 1, 3, vm)
        var needle: [UInt8]
        if case .int(let i) = args[0] {
            guard (0...255).contains(i) else { throw vm.error(.valueError, "byte must be in range(0, 256)") }
            needle = [UInt8(i)]
        } else {
            needle = try bytesArg(args[0], vm)
        }
        let (s, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), bytes.count, vm)
        if name == "find" {
            if s > bytes.count { return .int(-1) }
            return .int(findScalars(bytes, needle, s, e) ?? -1)
        }
        return .int(countOccurrences(bytes, needle, s, e))
    case "split":
        try checkKeywords("split", args, ["sep", "maxsplit"], vm)
        let sep = argument(args, 0, "sep")
        let maxsplit = try argument(args, 1, "maxsplit").map { try vm.intArg($0, "maxsplit") } ?? -1
        let parts: [[UInt8]]
        if let sep, !sep.isNone {
            let sepBytes = try bytesArg(sep, vm)
            if sepBytes.isEmpty { throw vm.error(.valueError, "empty separator") }
            parts = splitBySeparator(bytes, sepBytes, maxsplit)
        } else {
            parts = splitWhitespace(bytes, maxsplit, isByteSpace)
        }
        return .obj(PyList(parts.map { .obj(PyBytes($0)) }))
    case "strip":
        try checkCount("strip", args, 0, 1, vm)
        let chars: [UInt8]? = try args.count == 1 && !args[0].isNone ? bytesArg(args[0], vm) : nil
        let keep: (UInt8) -> Bool = { b in chars.map { !$0.contains(b) } ?? !isByteSpace(b) }
        guard let first = bytes.firstIndex(where: keep), let last = bytes.lastIndex(where: keep) else {
            return .obj(PyBytes([]))
        }
        return .obj(PyBytes(Array(bytes[first...last])))
    case "join":
        try checkCount("join", args, 1, 1, vm)
        var out: [UInt8] = []
        for (i, item) in try vm.iterate(args[0]).enumerated() {
            guard case .obj(let o) = item, let p = o as? PyBytes else {
                throw vm.error(
                    .typeError, "sequence item \(i): expected a bytes-like object, \(vm.typeName(item)) found")
            }
            if i > 0 { out += bytes }
            out += p.bytes
        }
        return .obj(PyBytes(out))
    case "upper":
        return .obj(PyBytes(bytes.map { (97...122).contains($0) ? $0 - 32 : $0 }))
    case "lower":
        return .obj(PyBytes(bytes.map { (65...90).contains($0) ? $0 + 32 : $0 }))
    default:
        throw vm.error(.attributeError, "'bytes' object has no attribute '\(name)'")
    }
}

/// Decodes utf-8, ascii or latin-1 strictly, with CPython's error text.
package func decodeBytes(_ bytes: [UInt8], _ encoding: String, _ vm: Interpreter) throws -> String {
    let enc = encoding.lowercased().replacingUnderscores()
    switch enc {
    case "utf-8", "utf8":
        var out = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i]
            var need = 0
            var cp: UInt32 = 0
            switch b0 {
            case 0..<0x80: need = 0; cp = UInt32(b0)
            case 0xc2...0xdf: need = 1; cp = UInt32(b0 & 0x1f)
            case 0xe0...0xef: need = 2; cp = UInt32(b0 & 0x0f)
            case 0xf0...0xf4: need = 3; cp = UInt32(b0 & 0x07)
            default:
                throw unicodeError(
                    "'utf-8' codec can't decode byte 0x\(hex2(b0)) in position \(i): invalid start byte", vm)
            }
            func failure(_ valid: Int, _ reason: String) -> PyRaise {
                let where_ =
                    valid == 1 ? "byte 0x\(hex2(b0)) in position \(i)" : "bytes in position \(i)-\(i + valid - 1)"
                return unicodeError("'utf-8' codec can't decode \(where_): \(reason)", vm)
            }
            var j = 1
            while j <= need {
                guard i + j < bytes.count else { throw failure(j, "unexpected end of data") }
                let c = bytes[i + j]
                var lo: UInt8 = 0x80, hi: UInt8 = 0xbf
                if j == 1 {
                    if b0 == 0xe0 { lo = 0xa0 }
                    if b0 == 0xed { hi = 0x9f }
                    if b0 == 0xf0 { lo = 0x90 }
                    if b0 == 0xf4 { hi = 0x8f }
                }
                guard c >= lo && c <= hi else { throw failure(j, "invalid continuation byte") }
                cp = cp << 6 | UInt32(c & 0x3f)
                j += 1
            }
            out.append(Unicode.Scalar(cp)!)
            i += need + 1
        }
        return String(out)
    case "ascii", "us-ascii":
        if let i = bytes.firstIndex(where: { $0 >= 0x80 }) {
            throw unicodeError(
                "'ascii' codec can't decode byte 0x\(hex2(bytes[i])) in position \(i): ordinal not in range(128)", vm)
        }
        return String(decoding: bytes, as: UTF8.self)
    case "latin-1", "latin1", "iso-8859-1", "iso8859-1":
        var out = String.UnicodeScalarView()
        for b in bytes { out.append(Unicode.Scalar(b)) }
        return String(out)
    default:
        throw vm.raise(PyException(type: .lookupError, args: [.str("unknown encoding: \(encoding)")]))
    }
}

private func unicodeError(_ message: String, _ vm: Interpreter) -> PyRaise {
    vm.raise(PyException(type: .unicodeError, args: [.str(message)]))
}

private extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}

// MARK: - Searching and splitting (shared by str and bytes)

/// CPython's `tailmatch`: does `hay[start..<end]` start (or end) with `needle`?
package func tailMatch<T: Equatable>(_ hay: [T], _ needle: [T], _ start: Int, _ end: Int, atStart: Bool) -> Bool {
    if end - needle.count < start { return false }
    if needle.isEmpty { return true }
    let from = atStart ? start : end - needle.count
    return Array(hay[from..<(from + needle.count)]) == needle
}

/// The first position of `needle` in `hay[start..<end]`, or nil.
package func findScalars<T: Equatable>(_ hay: [T], _ needle: [T], _ start: Int, _ end: Int) -> Int? {
    let end = min(end, hay.count)
    if start > end { return nil }
    if needle.isEmpty { return start }
    if needle.count > end - start { return nil }
    var i = start
    while i + needle.count <= end {
        if hay[i] == needle[0] {
            var k = 1
            while k < needle.count && hay[i + k] == needle[k] { k += 1 }
            if k == needle.count { return i }
        }
        i += 1
    }
    return nil
}

/// The last position of `needle` in `hay[start..<end]`, or nil.
package func rfindScalars<T: Equatable>(_ hay: [T], _ needle: [T], _ start: Int, _ end: Int) -> Int? {
    let end = min(end, hay.count)
    if start > end { return nil }
    if needle.count > end - start { return nil }
    var i = end - needle.count
    while i >= start {
        if Array(hay[i..<(i + needle.count)]) == needle { return i }
        i -= 1
    }
    return nil
}

/// Non-overlapping occurrences of `needle` in `hay[start..<end]`.
package func countOccurrences<T: Equatable>(_ hay: [T], _ needle: [T], _ start: Int, _ end: Int) -> Int {
    let end = min(end, hay.count)
    if start > end { return 0 }
    if needle.isEmpty { return end - start + 1 }
    var n = 0
    var i = start
    while let p = findScalars(hay, needle, i, end) {
        n += 1
        i = p + needle.count
    }
    return n
}

package func splitBySeparator<T: Equatable>(_ s: [T], _ sep: [T], _ maxsplit: Int) -> [[T]] {
    var parts: [[T]] = []
    var i = 0
    var splits = 0
    while maxsplit < 0 || splits < maxsplit, let p = findScalars(s, sep, i, s.count) {
        parts.append(Array(s[i..<p]))
        i = p + sep.count
        splits += 1
    }
    parts.append(Array(s[i...]))
    return parts
}

package func rsplitBySeparator<T: Equatable>(_ s: [T], _ sep: [T], _ maxsplit: Int) -> [[T]] {
    var parts: [[T]] = []
    var end = s.count
    var splits = 0
    while maxsplit < 0 || splits < maxsplit, let p = rfindScalars(s, sep, 0, end) {
        parts.append(Array(s[(p + sep.count)..<end]))
        end = p
        splits += 1
    }
    parts.append(Array(s[0..<end]))
    return parts.reversed()
}

/// Python's `split()` without a separator: runs of whitespace separate, and
/// leading/trailing whitespace yields no empty strings.
package func splitWhitespace<T>(_ s: [T], _ maxsplit: Int, _ isSpace: (T) -> Bool) -> [[T]] {
    var parts: [[T]] = []
    var i = 0
    let n = s.count
    while i < n {
        while i < n && isSpace(s[i]) { i += 1 }
        if i == n { break }
        if maxsplit >= 0 && parts.count == maxsplit {
            // The rest keeps its trailing whitespace, as in CPython.
            parts.append(Array(s[i..<n]))
            break
        }
        let start = i
        while i < n && !isSpace(s[i]) { i += 1 }
        parts.append(Array(s[start..<i]))
    }
    return parts
}

package func rsplitWhitespace<T>(_ s: [T], _ maxsplit: Int, _ isSpace: (T) -> Bool) -> [[T]] {
    var parts: [[T]] = []
    var i = s.count
    while i > 0 {
        while i > 0 && isSpace(s[i - 1]) { i -= 1 }
        if i == 0 { break }
        if maxsplit >= 0 && parts.count == maxsplit {
            parts.append(Array(s[0..<i]))
            break
        }
        let end = i
        while i > 0 && !isSpace(s[i - 1]) { i -= 1 }
        parts.append(Array(s[i..<end]))
    }
    return parts.reversed()
}

// MARK: - str

/// Python's `str.isspace` for one code point.
package func isPythonSpace(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x09...0x0d, 0x1c...0x20, 0x85, 0xa0, 0x1680, 0x2000...0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
        return true
    default:
        return false
    }
}

private func isLineBreak(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x0a...0x0d, 0x1c...0x1e, 0x85, 0x2028, 0x2029: return true
    default: return false
    }
}

private func isCased(_ u: Unicode.Scalar) -> Bool {
    let p = u.properties
    return p.isLowercase || p.isUppercase || p.generalCategory == .titlecaseLetter
}

private func isAlpha(_ u: Unicode.Scalar) -> Bool {
    switch u.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
    default: return false
    }
}

private func isDecimal(_ u: Unicode.Scalar) -> Bool { u.properties.numericType == .decimal }
private func isDigit(_ u: Unicode.Scalar) -> Bool {
    u.properties.numericType == .decimal || u.properties.numericType == .digit
}
private func isNumeric(_ u: Unicode.Scalar) -> Bool { u.properties.numericType != nil }

package func scalarsString<S: Sequence>(_ s: S) -> String where S.Element == Unicode.Scalar {
    var v = String.UnicodeScalarView()
    v.append(contentsOf: s)
    return String(v)
}

/// `len(s)`: code points.
public func strLength(_ s: String) -> Int { s.unicodeScalars.count }

/// `s[key]` for an int or a slice.
public func strGetItem(_ s: String, _ key: Value, _ vm: Interpreter) throws -> Value {
    let scalars = Array(s.unicodeScalars)
    if case .obj(let o) = key, let slice = o as? PySlice {
        return .str(scalarsString(try slice.apply(to: scalars, vm)))
    }
    guard let i = intValue(key) else {
        throw vm.error(.typeError, "string indices must be integers, not '\(vm.typeName(key))'")
    }
    let j = i < 0 ? i + scalars.count : i
    if j < 0 || j >= scalars.count { throw vm.error(.indexError, "string index out of range") }
    return .str(String(Character(scalars[j])))
}

public let strMethodNames: Set<String> = [
    "format", "join", "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "startswith", "endswith",
    "upper", "lower", "replace", "find", "rfind", "index", "rindex", "count", "isdigit", "isdecimal",
    "isnumeric", "isalpha", "isalnum", "isspace", "isupper", "islower", "istitle", "ljust", "rjust", "center",
    "zfill", "encode", "title", "capitalize", "swapcase", "casefold", "partition", "rpartition",
    "removeprefix", "removesuffix",
]

private func strArg(_ v: Value, _ function: String, _ vm: Interpreter) throws -> String {
    guard case .str(let s) = v else {
        throw vm.error(.typeError, "must be str, not \(vm.typeName(v))")
    }
    return s
}

/// `s.name(*args)`.
public func strMethod(_ s: Value, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    guard case .str(let str) = s else { throw vm.error(.typeError, "descriptor requires a 'str' object") }
    let u = Array(str.unicodeScalars)
    switch name {
    case "format":
        return .str(try strFormat(str, args, vm))
    case "join":
        try checkKeywords("str.join", args, [], vm)
        try checkCount("str.join", args, 1, 1, vm)
        var out = ""
        for (i, item) in try vm.iterate(args[0]).enumerated() {
            guard case .str(let p) = item else {
                throw vm.error(.typeError, "sequence item \(i): expected str instance, \(vm.typeName(item)) found")
            }
            if i > 0 { out += str }
            out += p
        }
        return .str(out)
    case "split", "rsplit":
        try checkKeywords(name, args, ["sep", "maxsplit"], vm)
        try checkCount(name, args, 0, 2, vm)
        let sep = argument(args, 0, "sep")
        let maxsplit = try argument(args, 1, "maxsplit").map { try vm.intArg($0, "maxsplit") } ?? -1
        let parts: [[Unicode.Scalar]]
        if let sep, !sep.isNone {
            guard case .str(let sepText) = sep else {
                throw vm.error(.typeError, "must be str or None, not \(vm.typeName(sep))")
            }
            if sepText.isEmpty { throw vm.error(.valueError, "empty separator") }
            parts =
                name == "split"
                ? splitBySeparator(u, Array(sepText.unicodeScalars), maxsplit)
                : rsplitBySeparator(u, Array(sepText.unicodeScalars), maxsplit)
        } else {
            parts =
                name == "split"
                ? splitWhitespace(u, maxsplit, isPythonSpace)
                : rsplitWhitespace(u, maxsplit, isPythonSpace)
        }
        return .obj(PyList(parts.map { .str(scalarsString($0)) }))
    case "splitlines":
        try checkKeywords(name, args, ["keepends"], vm)
        try checkCount(name, args, 0, 1, vm)
        let keep = try argument(args, 0, "keepends").map { try vm.truthy($0) } ?? false
        var lines: [Value] = []
        var start = 0
        var i = 0
        while i < u.count {
            if isLineBreak(u[i]) {
                var e = i + 1
                if u[i] == "\r", e < u.count, u[e] == "\n" { e += 1 }
                lines.append(.str(scalarsString(u[start..<(keep ? e : i)])))
                start = e
                i = e
            } else {
                i += 1
            }
        }
        if start < u.count { lines.append(.str(scalarsString(u[start...]))) }
        return .obj(PyList(lines))
    case "strip", "lstrip", "rstrip":
        try checkKeywords(name, args, [], vm)
        try checkCount(name, args, 0, 1, vm)
        var chars: Set<Unicode.Scalar>?
        if args.count == 1, !args[0].isNone {
            guard case .str(let c) = args[0] else {
                throw vm.error(.typeError, "\(name) arg must be None or str")
            }
            chars = Set(c.unicodeScalars)
        }
        let strip: (Unicode.Scalar) -> Bool = { chars?.contains($0) ?? isPythonSpace($0) }
        var b = 0, e = u.count
        if name != "rstrip" { while b < e && strip(u[b]) { b += 1 } }
        if name != "lstrip" { while e > b && strip(u[e - 1]) { e -= 1 } }
        return .str(scalarsString(u[b..<e]))
    case "startswith", "endswith":
        try checkKeywords(name, args, [], vm)
        try checkCount(name, args, 1, 3, vm)
        let (b, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), u.count, vm)
        var candidates: [String] = []
        if case .obj(let o) = args[0], let t = o as? PyTuple {
            for item in t.items {
                guard case .str(let c) = item else {
                    throw vm.error(.typeError, "tuple for \(name) must only contain str, not \(vm.typeName(item))")
                }
                candidates.append(c)
            }
        } else {
            guard case .str(let c) = args[0] else {
                throw vm.error(
                    .typeError, "\(name) first arg must be str or a tuple of str, not \(vm.typeName(args[0]))")
            }
            candidates = [c]
        }
        for c in candidates where tailMatch(u, Array(c.unicodeScalars), b, e, atStart: name == "startswith") {
            return .bool(true)
        }
        return .bool(false)
    case "upper": return .str(str.uppercased())
    case "lower": return .str(str.lowercased())
    case "casefold": return .str(str.lowercased())
    case "swapcase":
        var out = ""
        for c in u {
            if c.properties.isUppercase {
                out += c.properties.lowercaseMapping
            } else if c.properties.isLowercase {
                out += c.properties.uppercaseMapping
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return .str(out)
    case "title", "capitalize":
        try checkCount(name, args, 0, 0, vm)
        var out = ""
        var previousCased = false
        for (i, c) in u.enumerated() {
            if name == "capitalize" {
                out += i == 0 ? c.properties.titlecaseMapping : c.properties.lowercaseMapping
            } else {
                out += previousCased ? c.properties.lowercaseMapping : c.properties.titlecaseMapping
                previousCased = isCased(c)
            }
        }
        return .str(out)
    case "replace":
        try checkKeywords(name, args, [], vm)
        try checkCount("replace", args, 2, 3, vm)
        let old = Array(try strArg(args[0], name, vm).unicodeScalars)
        let new = Array(try strArg(args[1], name, vm).unicodeScalars)
        let count = args.count > 2 ? try vm.intArg(args[2], "count") : -1
        var out: [Unicode.Scalar] = []
        var n = 0
        if old.isEmpty {
            for c in u {
                if count < 0 || n < count {
                    out += new
                    n += 1
                }
                out.append(c)
            }
            if count < 0 || n < count { out += new }
            return .str(scalarsString(out))
        }
        var i = 0
        while count < 0 || n < count, let p = findScalars(u, old, i, u.count) {
            out += u[i..<p]
            out += new
            i = p + old.count
            n += 1
        }
        out += u[i...]
        return .str(scalarsString(out))
    case "find", "rfind", "index", "rindex", "count":
        try checkKeywords(name, args, [], vm)
        try checkCount(name, args, 1, 3, vm)
        guard case .str(let subText) = args[0] else {
            throw vm.error(.typeError, "must be str, not \(vm.typeName(args[0]))")
        }
        let sub = Array(subText.unicodeScalars)
        let (b, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), u.count, vm)
        if name == "count" { return .int(b > u.count ? 0 : countOccurrences(u, sub, b, e)) }
        let found = name.hasPrefix("r") ? rfindScalars(u, sub, b, e) : findScalars(u, sub, b, e)
        if let p = found { return .int(p) }
        if name.hasSuffix("index") { throw vm.error(.valueError, "substring not found") }
        return .int(-1)
    case "isdigit": return .bool(!u.isEmpty && u.allSatisfy(isDigit))
    case "isdecimal": return .bool(!u.isEmpty && u.allSatisfy(isDecimal))
    case "isnumeric": return .bool(!u.isEmpty && u.allSatisfy(isNumeric))
    case "isalpha": return .bool(!u.isEmpty && u.allSatisfy(isAlpha))
    case "isalnum": return .bool(!u.isEmpty && u.allSatisfy { isAlpha($0) || isNumeric($0) })
    case "isspace": return .bool(!u.isEmpty && u.allSatisfy(isPythonSpace))
    case "isupper":
        return .bool(
            u.contains(where: isCased)
                && !u.contains { $0.properties.isLowercase || $0.properties.generalCategory == .titlecaseLetter })
    case "islower":
        return .bool(
            u.contains(where: isCased)
                && !u.contains { $0.properties.isUppercase || $0.properties.generalCategory == .titlecaseLetter })
    case "istitle":
        var cased = false
        var previousCased = false
        for c in u {
            if c.properties.isUppercase || c.properties.generalCategory == .titlecaseLetter {
                if previousCased { return .bool(false) }
                previousCased = true
                cased = true
            } else if c.properties.isLowercase {
                if !previousCased { return .bool(false) }
                previousCased = true
                cased = true
            } else {
                previousCased = false
            }
        }
        return .bool(cased)
    case "ljust", "rjust", "center":
        try checkKeywords(name, args, [], vm)
        try checkCount(name, args, 1, 2, vm)
        let width = try vm.intArg(args[0], "width")
        var fill: Unicode.Scalar = " "
        if args.count > 1 {
            guard case .str(let f) = args[1], f.unicodeScalars.count == 1 else {
                if case .str = args[1] {
                    throw vm.error(.typeError, "The fill character must be exactly one character long")
                }
                throw vm.error(.typeError, "\(name)() argument 2 must be str, not \(vm.typeName(args[1]))")
            }
            fill = f.unicodeScalars.first!
        }
        if width <= u.count { return s }
        let margin = width - u.count
        let left: Int
        switch name {
        case "ljust": left = 0
        case "rjust": left = margin
        default: left = margin / 2 + (margin & width & 1)
        }
        let l = String(repeating: String(Character(fill)), count: left)
        let r = String(repeating: String(Character(fill)), count: margin - left)
        return .str(l + str + r)
    case "zfill":
        try checkCount("zfill", args, 1, 1, vm)
        let width = try vm.intArg(args[0], "width")
        if width <= u.count { return s }
        let zeros = [Unicode.Scalar](repeating: "0", count: width - u.count)
        if let f = u.first, f == "+" || f == "-" {
            return .str(scalarsString([f] + zeros + u.dropFirst()))
        }
        return .str(scalarsString(zeros + u))
    case "encode":
        try checkKeywords(name, args, ["encoding", "errors"], vm)
        try checkCount(name, args, 0, 2, vm)
        var encoding = "utf-8"
        if let e = argument(args, 0, "encoding") { encoding = try strArg(e, name, vm) }
        switch encoding.lowercased().replacingUnderscores() {
        case "utf-8", "utf8": return .obj(PyBytes(Array(str.utf8)))
        case "ascii", "us-ascii", "latin-1", "latin1", "iso-8859-1", "iso8859-1":
            let limit: UInt32 =
                encoding.lowercased().hasPrefix("a") || encoding.lowercased().hasPrefix("us") ? 0x80 : 0x100
            if let i = u.firstIndex(where: { $0.value >= limit }) {
                let codec = limit == 0x80 ? "ascii" : "latin-1"
                let escaped = asciiEscaped(String(Character(u[i])))
                throw vm.raise(
                    PyException(
                        type: .unicodeError,
                        args: [
                            .str(
                                "'\(codec)' codec can't encode character '\(escaped)' in position \(i): ordinal not in range(\(limit))"
                            )
                        ]))
            }
            return .obj(PyBytes(u.map { UInt8($0.value) }))
        default:
            throw vm.raise(PyException(type: .lookupError, args: [.str("unknown encoding: \(encoding)")]))
        }
    case "partition", "rpartition":
        try checkCount(name, args, 1, 1, vm)
        let sep = Array(try strArg(args[0], name, vm).unicodeScalars)
        if sep.isEmpty { throw vm.error(.valueError, "empty separator") }
        let p = name == "partition" ? findScalars(u, sep, 0, u.count) : rfindScalars(u, sep, 0, u.count)
        guard let p else {
            return name == "partition"
                ? .obj(PyTuple([s, .str(""), .str("")])) : .obj(PyTuple([.str(""), .str(""), s]))
        }
        return .obj(PyTuple([.str(scalarsString(u[..<p])), args[0], .str(scalarsString(u[(p + sep.count)...]))]))
    case "removeprefix", "removesuffix":
        try checkCount(name, args, 1, 1, vm)
        let a = Array(try strArg(args[0], name, vm).unicodeScalars)
        if a.isEmpty { return s }
        if name == "removeprefix", u.starts(with: a) { return .str(scalarsString(u.dropFirst(a.count))) }
        if name == "removesuffix", u.count >= a.count, Array(u.suffix(a.count)) == a {
            return .str(scalarsString(u.dropLast(a.count)))
        }
        return s
    default:
        throw vm.error(.attributeError, "'str' object has no attribute '\(name)'")
    }
}
