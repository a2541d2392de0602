import RunModel

// The methods of `dict`, and its views (`keys()`, `values()`, `items()`).

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
        return try vm.call(try vm.missingAttribute(.obj(d), name), args)
    }
}

/// `d.update(source)`: a dict, or an iterable of key/value pairs.
package func dictUpdate(_ d: PyDict, from source: Value, _ vm: Interpreter) throws {
    if case .obj(let o) = vm.builtinValue(source), let other = o as? PyDict {
        for (k, v) in other.table.entries { try d.setItem(k, v, vm) }
        return
    }
    // A mapping of the trace's (it has `keys`): `d[k] = source[k]` for each key, as CPython's PyDict_Merge.
    if case .obj(let o) = source, let instance = o as? PyInstance, instance.cls.lookup("keys") != nil {
        for k in try vm.iterate(try vm.callMethod(source, "keys", Args())) {
            try d.setItem(k, try o.getItem(k, vm), vm)
        }
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

    public override var pyType: PyType { PyType.native(typeName) }
    public override func dropReferences(into teardown: ObjectTeardown) { teardown.add(dict) }
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
