import RunModel

// The methods of `set` (insertion ordered: TRACE_LANGUAGE.md).

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
        return try vm.call(try vm.missingAttribute(.obj(s), name), args)
    }
}
