import RunModel
import TraceLanguage

/// What makes a `PyDict` one of `collections`' dict subclasses: `defaultdict`
/// (CPython's C `_collections.defaultdict`), `OrderedDict` and `Counter`
/// (pure Python in CPython's `Lib/collections/__init__.py`, whose semantics
/// these follow: reprs, `__missing__`, order-sensitive equality, Counter's
/// multiset operators). Each hook returns nil (or false) where the dict
/// behaves as a plain one.
public final class DictFlavor {
    public enum Kind { case defaultDict, ordered, counter }

    public let kind: Kind
    /// `default_factory` of a defaultdict (None or a callable); unused otherwise.
    @exclusivity(unchecked) package var defaultFactory: Value = .none

    package init(_ kind: Kind, defaultFactory: Value = .none) {
        self.kind = kind
        self.defaultFactory = defaultFactory
    }

    package static func make(_ kind: Kind, defaultFactory: Value = .none) -> PyDict {
        PyDict(flavor: DictFlavor(kind, defaultFactory: defaultFactory))
    }

    public static let defaultDictType: PyType = {
        let t = PyType("defaultdict", base: .dict) { args, vm in try makeDefaultDict(args, vm) }
        t.module = "collections"
        return t
    }()
    public static let orderedDictType: PyType = {
        let t = PyType("OrderedDict", base: .dict) { args, vm in try makeOrderedDict(args, vm) }
        t.module = "collections"
        return t
    }()
    public static let counterType: PyType = {
        let t = PyType("Counter", base: .dict) { args, vm in try makeCounter(args, vm) }
        t.module = "collections"
        return t
    }()

    var type: PyType {
        switch kind {
        case .defaultDict: return DictFlavor.defaultDictType
        case .ordered: return DictFlavor.orderedDictType
        case .counter: return DictFlavor.counterType
        }
    }

    /// CPython's `tp_name` (what error messages say).
    var typeName: String {
        switch kind {
        case .defaultDict: return "collections.defaultdict"
        case .ordered: return "collections.OrderedDict"
        case .counter: return "Counter"
        }
    }

    // MARK: Constructors

    /// `defaultdict(default_factory=None, [mapping or iterable], **kwargs)`.
    static func makeDefaultDict(_ args: Args, _ vm: Interpreter) throws -> Value {
        let factory = args.count > 0 ? args[0] : .none
        if !factory.isNone && !(factory.object?.isCallable ?? false) {
            throw vm.error(.typeError, "first argument must be callable or None")
        }
        let d = make(.defaultDict, defaultFactory: factory)
        try initialize(d, Args(Array(args.positional.dropFirst()), keywords: args.keywords), vm)
        return .obj(d)
    }

    static func makeOrderedDict(_ args: Args, _ vm: Interpreter) throws -> Value {
        let d = make(.ordered)
        try initialize(d, args, vm)
        return .obj(d)
    }

    /// `Counter(iterable=None, /, **kwds)`.
    static func makeCounter(_ args: Args, _ vm: Interpreter) throws -> Value {
        if args.count > 1 {
            throw vm.error(
                .typeError, "Counter.__init__() takes from 1 to 2 positional arguments but \(args.count + 1) were given"
            )
        }
        let d = make(.counter)
        try counterUpdate(d, args, sign: 1, vm)
        return .obj(d)
    }

    /// `dict.__init__`'s part: one mapping or iterable of pairs, then keywords.
    private static func initialize(_ d: PyDict, _ args: Args, _ vm: Interpreter) throws {
        if args.count > 1 { throw vm.error(.typeError, "expected at most 1 arguments, got \(args.count)") }
        if args.count == 1 { try dictUpdate(d, from: args[0], vm) }
        for (k, v) in args.keywords { try d.setItem(.str(k), v, vm) }
    }

    // MARK: Hooks of PyDict

    func repr(_ d: PyDict, _ vm: Interpreter) throws -> String { try repr(d, typeName: type.name, vm) }

    /// The repr, naming `typeName` (a subclass's name, as CPython's reprs do).
    func repr(_ d: PyDict, typeName: String, _ vm: Interpreter) throws -> String {
        switch kind {
        case .defaultDict:
            // plainRepr guards against the dict containing itself.
            return "\(typeName)(\(try vm.repr(defaultFactory)), \(try d.plainRepr(vm)))"
        case .ordered:
            if d.table.count == 0 { return "\(typeName)()" }
            return try vm.withReprGuard(d, "...") {
                "\(typeName)(["
                    + (try d.table.entries.map { "(\(try vm.repr($0.key)), \(try vm.repr($0.value)))" }
                        .joined(separator: ", ")) + "])"
            }
        case .counter:
            if d.table.count == 0 { return "\(typeName)()" }
            let entries: [(key: Value, value: Value)]
            do {
                entries = try DictFlavor.mostCommon(d, vm)
            } catch let e as PyRaise where e.exception.type === PyType.typeError {
                // Counter.__repr__ falls back to the dict's repr for unorderable counts.
                return "\(typeName)(\(try d.plainRepr(vm)))"
            }
            return try vm.withReprGuard(d, "...") {
                "\(typeName)({"
                    + (try entries.map { "\(try vm.repr($0.key)): \(try vm.repr($0.value))" }
                        .joined(separator: ", ")) + "})"
            }
        }
    }

    /// `__missing__(key)`, for `d[key]` on a key the dict lacks.
    func missing(_ d: PyDict, _ key: Value, _ vm: Interpreter) throws -> Value {
        switch kind {
        case .defaultDict:
            if defaultFactory.isNone { throw vm.raise(PyException(type: .keyError, args: [key])) }
            let v = try vm.call(defaultFactory, Args())
            try d.setItem(key, v, vm)
            return v
        case .counter:
            return .int(0)
        case .ordered:
            throw vm.raise(PyException(type: .keyError, args: [key]))
        }
    }

    /// `==` between dicts: OrderedDicts compare in order with each other;
    /// Counters compare as multisets (missing counts are zero).
    func equals(_ d: PyDict, _ other: PyDict, _ vm: Interpreter) throws -> Bool? {
        switch kind {
        case .ordered:
            guard other.flavor?.kind == .ordered else { return nil }
            let a = d.table.entries, b = other.table.entries
            if a.count != b.count { return false }
            for i in a.indices {
                if try !vm.equals(a[i].key, b[i].key) || !vm.equals(a[i].value, b[i].value) { return false }
            }
            return true
        case .counter:
            guard other.flavor?.kind == .counter else { return nil }
            return try DictFlavor.counterIncluded(d, other, vm, strict: false, both: true)
        case .defaultDict:
            return nil
        }
    }

    /// The methods a type adds to dict's (for a subclass's `super().name`).
    package static func methodNames(of t: PyType) -> Set<String> {
        if t === defaultDictType { return ["__missing__", "__copy__"] }
        if t === orderedDictType { return ["move_to_end", "__copy__"] }
        if t === counterType { return ["most_common", "elements", "total", "subtract", "__missing__", "__copy__"] }
        return []
    }

    func getAttr(_ d: PyDict, _ name: String, _ vm: Interpreter) throws -> Value? {
        switch (kind, name) {
        case (.defaultDict, "default_factory"): return defaultFactory
        case (.defaultDict, "__missing__"), (.defaultDict, "__copy__"),
            (.ordered, "move_to_end"), (.ordered, "__copy__"),
            (.counter, "most_common"), (.counter, "elements"), (.counter, "total"), (.counter, "subtract"),
            (.counter, "__missing__"), (.counter, "__copy__"):
            return .obj(PyBoundMethod(receiver: d, name: name))
        default: return nil
        }
    }

    func setAttr(_ d: PyDict, _ name: String, _ value: Value, _ vm: Interpreter) throws -> Bool {
        guard kind == .defaultDict, name == "default_factory" else { return false }
        defaultFactory = value
        return true
    }

    func callMethod(_ d: PyDict, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value? {
        switch (kind, name) {
        case (_, "copy"), (_, "__copy__"):
            try checkCount(name == "copy" ? "\(type.name).copy" : "\(type.name).__copy__", args, 0, 0, vm)
            let c = DictFlavor.make(kind, defaultFactory: defaultFactory)
            c.table = d.table
            return .obj(c)
        case (.defaultDict, "__missing__"):
            try checkCount("__missing__", args, 1, 1, vm)
            return try missing(d, args[0], vm)
        case (.ordered, "move_to_end"):
            try checkKeywords("move_to_end", args, ["key", "last"], vm)
            guard let key = argument(args, 0, "key") else {
                throw vm.error(.typeError, "OrderedDict.move_to_end() missing required argument 'key' (pos 1)")
            }
            let last = try argument(args, 1, "last").map { try vm.truthy($0) } ?? true
            let h = try HashKey.of(key, vm)
            guard let (k, v) = d.table.remove(h) else { throw vm.raise(PyException(type: .keyError, args: [key])) }
            d.version += 1
            if last {
                d.table.set(h, k, v)
            } else {
                var t = OrderedTable()
                t.set(h, k, v)
                for (k2, v2) in d.table.entries { t.set(try HashKey.of(k2, vm), k2, v2) }
                d.table = t
            }
            return Value.none
        case (.ordered, "popitem"):
            try checkKeywords("popitem", args, ["last"], vm)
            let last = try argument(args, 0, "last").map { try vm.truthy($0) } ?? true
            let entries = d.table.entries
            guard let e = last ? entries.last : entries.first else {
                throw vm.raise(PyException(type: .keyError, args: [.str("dictionary is empty")]))
            }
            d.table.remove(try HashKey.of(e.key, vm))
            d.version += 1
            return .obj(PyTuple([e.key, e.value]))
        case (.counter, "most_common"):
            try checkKeywords("most_common", args, ["n"], vm)
            var entries = try DictFlavor.mostCommon(d, vm)
            if let n = argument(args, 0, "n"), !n.isNone {
                guard let k = intValue(n) else {
                    // heapq.nlargest compares n with the size, then slices with it.
                    if case .float = n {
                        throw vm.error(
                            .typeError, "slice indices must be integers or None or have an __index__ method")
                    }
                    throw vm.error(
                        .typeError, "'>=' not supported between instances of '\(vm.typeName(n))' and 'int'")
                }
                entries = Array(entries.prefix(max(0, k)))
            }
            return .obj(PyList(entries.map { .obj(PyTuple([$0.key, $0.value])) }))
        case (.counter, "elements"):
            try checkCount("Counter.elements", args, 0, 0, vm)
            var out: [Value] = []
            for (k, v) in d.table.entries {
                guard let n = intValue(v) else {
                    throw vm.error(.typeError, "'\(vm.typeName(v))' object cannot be interpreted as an integer")
                }
                if n > 0 { out += Array(repeating: k, count: n) }
            }
            return .obj(ArrayIterator(out, name: "itertools.chain"))
        case (.counter, "total"):
            try checkCount("Counter.total", args, 0, 0, vm)
            var sum: Value = .int(0)
            for v in d.table.entries.map(\.value) { sum = try binaryOp(.add, sum, v, vm) }
            return sum
        case (.counter, "update"), (.counter, "subtract"):
            if args.count > 1 {
                throw vm.error(
                    .typeError,
                    "Counter.\(name)() takes from 1 to 2 positional arguments but \(args.count + 1) were given")
            }
            try DictFlavor.counterUpdate(d, args, sign: name == "update" ? 1 : -1, vm)
            return Value.none
        case (.counter, "__missing__"):
            try checkCount("__missing__", args, 1, 1, vm)
            return .int(0)
        case (_, "fromkeys") where kind == .counter:
            throw vm.error(.notImplementedError, "Counter.fromkeys() is undefined.  Use Counter(iterable) instead.")
        default: return nil
        }
    }

    // MARK: Operators

    func binaryOperator(
        _ d: PyDict, _ op: BinaryOp, _ other: Value, reflected: Bool, inPlace: Bool, _ vm: Interpreter
    ) throws -> Value? {
        guard case .obj(let o) = other, let od = o as? PyDict else { return nil }
        switch kind {
        case .defaultDict, .ordered:
            guard op == .bitOr else { return nil }
            let result = DictFlavor.make(kind, defaultFactory: defaultFactory)
            result.table = (reflected ? od : d).table
            try dictUpdate(result, from: .obj(reflected ? d : od), vm)
            return .obj(result)
        case .counter:
            guard !reflected else { return nil }
            if inPlace {
                // Counter.__iadd__ & co. take any mapping's items.
                return try DictFlavor.counterInPlace(d, op, od, vm)
            }
            guard od.flavor?.kind == .counter else { return nil }
            return try DictFlavor.counterOperator(d, op, od, vm)
        }
    }

    func orderOperator(_ d: PyDict, _ op: CompareOp, _ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard kind == .counter, case .obj(let o) = other, let od = o as? PyDict, od.flavor?.kind == .counter else {
            return nil
        }
        switch op {
        case .le: return try DictFlavor.counterIncluded(d, od, vm, strict: false, both: false)
        case .ge: return try DictFlavor.counterIncluded(od, d, vm, strict: false, both: false)
        case .lt:
            return try DictFlavor.counterIncluded(d, od, vm, strict: false, both: false)
                && !(DictFlavor.counterIncluded(d, od, vm, strict: false, both: true))
        case .gt:
            return try DictFlavor.counterIncluded(od, d, vm, strict: false, both: false)
                && !(DictFlavor.counterIncluded(d, od, vm, strict: false, both: true))
        default: return nil
        }
    }

    // MARK: Class methods

    /// `Counter.fromkeys`, which CPython's Counter defines to raise (`dict.fromkeys`
    /// serves the other types: BuiltinBases.swift).
    package static let counterFromKeys = PyBuiltin("fromkeys") { _, vm in
        throw vm.error(.notImplementedError, "Counter.fromkeys() is undefined.  Use Counter(iterable) instead.")
    }

    // MARK: Counter

    /// `+counter` (the positive counts) and `-counter` (the negated negative ones).
    static func counterUnary(_ d: PyDict, negate: Bool, _ vm: Interpreter) throws -> Value {
        let result = make(.counter)
        for (k, v) in d.table.entries {
            if negate {
                if try pyLessThan(v, .int(0), vm) { try result.setItem(k, try binaryOp(.sub, .int(0), v, vm), vm) }
            } else if try greaterThan(v, .int(0), vm) {
                try result.setItem(k, v, vm)
            }
        }
        return .obj(result)
    }

    /// The entries by count, largest first; equal counts keep insertion order
    /// (`sorted(..., key=itemgetter(1), reverse=True)` is stable).
    static func mostCommon(_ d: PyDict, _ vm: Interpreter) throws -> [(key: Value, value: Value)] {
        var entries = d.table.entries
        var failure: Error?
        // Insertion sort keeps the order stable and lets comparisons throw.
        var i = 1
        while i < entries.count, failure == nil {
            var j = i
            let e = entries[i]
            while j > 0 {
                do {
                    if try !pyLessThan(entries[j - 1].value, e.value, vm) { break }
                } catch {
                    failure = error
                    break
                }
                entries[j] = entries[j - 1]
                j -= 1
            }
            entries[j] = e
            i += 1
        }
        if let failure { throw failure }
        return entries
    }

    /// `Counter.update` (sign 1) and `Counter.subtract` (sign -1).
    static func counterUpdate(_ d: PyDict, _ args: Args, sign: Int, _ vm: Interpreter) throws {
        func add(_ k: Value, _ n: Value) throws {
            let current = try d.get(k, vm) ?? .int(0)
            try d.setItem(k, sign > 0 ? try binaryOp(.add, n, current, vm) : try binaryOp(.sub, current, n, vm), vm)
        }
        if args.count == 1, !args[0].isNone {
            if case .obj(let o) = args[0], let m = o as? PyDict {
                if sign > 0 && d.table.count == 0 {
                    // CPython's fast path for an empty Counter: dict.update.
                    for (k, v) in m.table.entries { try d.setItem(k, v, vm) }
                } else {
                    for (k, v) in m.table.entries { try add(k, v) }
                }
            } else {
                let it = try vm.makeIterator(args[0])
                while let x = try it.next(vm) { try add(x, .int(1)) }
            }
        }
        if !args.keywords.isEmpty {
            let kw = PyDict()
            for (k, v) in args.keywords { try kw.setItem(.str(k), v, vm) }
            try counterUpdate(d, Args([.obj(kw)]), sign: sign, vm)
        }
    }

    /// Whether every count of `a` is at most the one of `b` (and, when
    /// `both`, the other way too: equality), missing counts being zero.
    static func counterIncluded(_ a: PyDict, _ b: PyDict, _ vm: Interpreter, strict: Bool, both: Bool) throws -> Bool {
        for (k, v) in a.table.entries {
            let w = try b.get(k, vm) ?? .int(0)
            if both ? !(try vm.equals(v, w)) : !(try lessOrEqual(v, w, vm)) { return false }
        }
        for (k, w) in b.table.entries where try a.get(k, vm) == nil {
            if both ? !(try vm.equals(.int(0), w)) : !(try lessOrEqual(.int(0), w, vm)) { return false }
        }
        return true
    }

    /// `a + b`, `a - b`, `a | b`, `a & b` between Counters: only positive counts are kept.
    static func counterOperator(_ a: PyDict, _ op: BinaryOp, _ b: PyDict, _ vm: Interpreter) throws -> Value? {
        let result = make(.counter)
        func positive(_ v: Value) throws -> Bool { try greaterThan(v, .int(0), vm) }
        switch op {
        case .add, .sub:
            for (k, v) in a.table.entries {
                let n = try binaryOp(op, v, try b.get(k, vm) ?? .int(0), vm)
                if try positive(n) { try result.setItem(k, n, vm) }
            }
            for (k, v) in b.table.entries where try a.get(k, vm) == nil {
                if op == .add {
                    if try positive(v) { try result.setItem(k, v, vm) }
                } else if try pyLessThan(v, .int(0), vm) {
                    try result.setItem(k, try binaryOp(.sub, .int(0), v, vm), vm)
                }
            }
        case .bitOr:
            for (k, v) in a.table.entries {
                let w = try b.get(k, vm) ?? .int(0)
                let n = try pyLessThan(v, w, vm) ? w : v
                if try positive(n) { try result.setItem(k, n, vm) }
            }
            for (k, v) in b.table.entries where try a.get(k, vm) == nil {
                if try positive(v) { try result.setItem(k, v, vm) }
            }
        case .bitAnd:
            for (k, v) in a.table.entries {
                let w = try b.get(k, vm) ?? .int(0)
                let n = try pyLessThan(v, w, vm) ? v : w
                if try positive(n) { try result.setItem(k, n, vm) }
            }
        default: return nil
        }
        return .obj(result)
    }

    /// `a += b` and the other in-place forms: `a` changes, then keeps only
    /// its positive counts (`Counter._keep_positive`).
    static func counterInPlace(_ a: PyDict, _ op: BinaryOp, _ b: PyDict, _ vm: Interpreter) throws -> Value? {
        switch op {
        case .add, .sub:
            for (k, v) in b.table.entries {
                try a.setItem(k, try binaryOp(op, try a.getItem(k, vm), v, vm), vm)
            }
        case .bitOr:
            for (k, v) in b.table.entries {
                let mine = try a.getItem(k, vm)
                if try greaterThan(v, mine, vm) { try a.setItem(k, v, vm) }
            }
        case .bitAnd:
            for (k, v) in a.table.entries {
                let theirs = try b.getItem(k, vm)
                if try pyLessThan(theirs, v, vm) { try a.setItem(k, theirs, vm) }
            }
        default: return nil
        }
        for (k, v) in a.table.entries where !(try greaterThan(v, .int(0), vm)) {
            a.table.remove(try HashKey.of(k, vm))
            a.version += 1
        }
        return .obj(a)
    }
}

/// The repr of a collections value held by an instance of a subclass
/// (`LRU([('a', 1)])`, `Votes({'a': 2})`); nil for other values.
package func collectionsRepr(_ o: PyObject, typeName: String, _ vm: Interpreter) throws -> String? {
    if let d = o as? PyDict, let flavor = d.flavor { return try flavor.repr(d, typeName: typeName, vm) }
    if let q = o as? PyDeque { return try q.repr(typeName: typeName, vm) }
    return nil
}

/// Whether `o` is a collections value whose repr names its type (for a subclass's `str()`).
package func collectionsRepr(_ o: PyObject) -> Bool { (o as? PyDict)?.flavor != nil || o is PyDeque }
