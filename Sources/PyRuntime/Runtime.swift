import RunModel
import TraceLanguage

/// The operations on values that the interpreter, the builtins and asyncio
/// share: conversion to text, equality and ordering, iteration, calls and
/// the raising of Python errors.
extension Interpreter {
    /// A Python exception of `kind` with `message`, with the current trace line.
    public func error(_ kind: ErrorKind, _ message: String) -> PyRaise {
        raise(PyException(type: kind.type, args: [.str(message)]))
    }

    /// Wraps an exception for throwing.
    public func raise(_ exception: PyException) -> PyRaise {
        PyRaise(exception: exception)
    }

    public func typeName(_ v: Value) -> String {
        switch v {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .str: return "str"
        case .obj(let o): return o.typeName
        case .undefined: return "undefined"
        }
    }

    public func pyType(_ v: Value) -> PyType {
        switch v {
        case .none: return .noneType
        case .bool: return .bool
        case .int: return .int
        case .float: return .float
        case .str: return .str
        case .obj(let o): return o.pyType
        case .undefined: return .object
        }
    }

    public func repr(_ v: Value) throws -> String {
        switch v {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return floatRepr(d)
        case .str(let s): return stringRepr(s)
        case .obj(let o):
            try enterRecursiveCall(" while getting the repr of an object")
            defer { leaveRecursiveCall() }
            return try o.repr(self)
        case .undefined: return "<undefined>"
        }
    }

    public func str(_ v: Value) throws -> String {
        switch v {
        case .str(let s): return s
        case .obj(let o):
            try enterRecursiveCall(" while getting the str of an object")
            defer { leaveRecursiveCall() }
            return try o.str(self)
        default: return try repr(v)
        }
    }

    /// Guards `repr` of containers against cycles (`a.append(a)` prints `[[...]]`).
    public func withReprGuard(_ o: PyObject, _ placeholder: String, _ body: () throws -> String) throws -> String {
        let id = ObjectIdentifier(o)
        if reprInProgress.contains(id) { return placeholder }
        reprInProgress.insert(id)
        defer { reprInProgress.remove(id) }
        return try body()
    }

    @inline(__always) public func truthy(_ v: Value) throws -> Bool {
        switch v {
        case .none, .undefined: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .str(let s): return !s.isEmpty
        case .obj(let o): return try o.truthy(self)
        }
    }

    /// Python `==`.
    public func equals(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.int(let x), .int(let y)): return x == y
        case (.str(let x), .str(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.int(let x), .float(let y)): return Double(x) == y && Int(exactly: y) == x
        case (.float(let x), .int(let y)): return x == Double(y) && Int(exactly: x) == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.bool(let x), .int(let y)), (.int(let y), .bool(let x)): return (x ? 1 : 0) == y
        case (.bool(let x), .float(let y)), (.float(let y), .bool(let x)): return (x ? 1.0 : 0.0) == y
        case (.obj(let x), _):
            if case .obj(let y) = b, x === y { return true }
            try enterRecursiveCall(" in comparison")
            defer { leaveRecursiveCall() }
            if let r = try x.equals(b, self) { return r }
            if case .obj(let y) = b, let r = try y.equals(a, self) { return r }
            return false
        case (_, .obj(let y)):
            try enterRecursiveCall(" in comparison")
            defer { leaveRecursiveCall() }
            if let r = try y.equals(a, self) { return r }
            return false
        default: return false
        }
    }

    package func sequencesEqual(_ a: [Value], _ b: [Value]) throws -> Bool {
        if a.count != b.count { return false }
        for i in a.indices where !(try equals(a[i], b[i])) { return false }
        return true
    }

    /// Python `<`; raises TypeError for unorderable values.
    public func lessThan(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y
        case (.float(let x), .float(let y)): return x < y
        case (.int(let x), .float(let y)): return Double(x) < y
        case (.float(let x), .int(let y)): return x < Double(y)
        case (.bool, _), (_, .bool):
            return try lessThan(boolAsInt(a), boolAsInt(b))
        case (.str(let x), .str(let y)):
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        case (.obj(let x), .obj(let y)):
            if let l = x as? PyList, let r = y as? PyList {
                try enterRecursiveCall(" in comparison")
                defer { leaveRecursiveCall() }
                return try sequenceLess(l.items, r.items)
            }
            if let l = x as? PyTuple, let r = y as? PyTuple {
                try enterRecursiveCall(" in comparison")
                defer { leaveRecursiveCall() }
                return try sequenceLess(l.items, r.items)
            }
            if let l = x as? PyBytes, let r = y as? PyBytes { return l.bytes.lexicographicallyPrecedes(r.bytes) }
        default: break
        }
        if let r = try specialCompare(.lt, a, b, self) { return try truthy(r) }
        throw error(
            .typeError,
            "'<' not supported between instances of '\(typeName(a))' and '\(typeName(b))'")
    }

    private func boolAsInt(_ v: Value) -> Value {
        if case .bool(let b) = v { return .int(b ? 1 : 0) }
        return v
    }

    private func sequenceLess(_ a: [Value], _ b: [Value]) throws -> Bool {
        for i in 0..<min(a.count, b.count) where !(try equals(a[i], b[i])) {
            return try lessThan(a[i], b[i])
        }
        return a.count < b.count
    }

    /// An iterator object for `v`, or TypeError.
    public func makeIterator(_ v: Value) throws -> PyObject {
        switch v {
        case .str(let s):
            try willAllocate(s.utf8.count &* MemoryLayout<Value>.stride)
            return ArrayIterator(s.unicodeScalars.map { .str(String(Character($0))) }, name: "str_ascii_iterator")
        case .obj(let o):
            if let it = try o.makeIterator(self) { return it }
        default: break
        }
        throw error(.typeError, "'\(typeName(v))' object is not iterable")
    }

    /// All the items of an iterable, in an array that is checked against
    /// `SizeBounds` and the memory budget as it grows (a range, whose length
    /// is known, before it is walked: `MemoryError` as CPython's length hint gives).
    public func iterate(_ v: Value) throws -> [Value] {
        var out: [Value] = []
        if case .obj(let o) = v {
            if let l = o as? PyList { return l.items }
            if let t = o as? PyTuple { return t.items }
            if let r = o as? PyRange {
                try checkValues(r.count)
                out.reserveCapacity(r.count)
            }
        }
        let it = try makeIterator(v)
        while let x = try it.next(self) {
            try willGrowList(to: out.count &+ 1, capacity: out.capacity)
            out.append(x)
        }
        return out
    }

    /// A normalised index into a sequence of `count` items, or IndexError.
    public func index(_ key: Value, count: Int, what: String) throws -> Int {
        let i = try indexValue(key, what: what)
        let j = i < 0 ? i + count : i
        if j < 0 || j >= count { throw error(.indexError, "\(what) index out of range") }
        return j
    }

    /// An index as given (not normalised): an int, a bool or an object with
    /// `__index__`, else the TypeError of `what`'s indices.
    public func indexValue(_ key: Value, what: String) throws -> Int {
        switch key {
        case .int(let x): return x
        case .bool(let b): return b ? 1 : 0
        default:
            // An object with `__index__` (an IntEnum member).
            if let r = try specialUnary("__index__", key, self), case .int(let x) = r { return x }
            throw error(
                .typeError,
                "\(what == "list assignment" ? "list" : what) indices must be integers or slices, not \(typeName(key))")
        }
    }

    public func call(_ callee: Value, _ args: Args) throws -> Value {
        guard case .obj(let o) = callee else {
            throw error(.typeError, "'\(typeName(callee))' object is not callable")
        }
        return try o.call(args, self)
    }

    public func call(_ callee: Value, _ args: Value...) throws -> Value {
        try call(callee, Args(args))
    }

    /// `getattr(v, name)` with Python's AttributeError.
    public func getAttr(_ v: Value, _ name: String) throws -> Value {
        switch v {
        case .obj(let o):
            if let a = try o.getAttr(name, self) { return a }
            if let m = o as? PyModule {
                throw error(.attributeError, "module '\(m.name)' has no attribute '\(name)'")
            }
            if let m = o as? PyUserModule {
                throw error(.attributeError, "module '\(m.name)' has no attribute '\(name)'")
            }
            if let t = o as? PyType {
                throw error(.attributeError, "type object '\(t.name)' has no attribute '\(name)'")
            }
            if name == "__await__", let m = try awaitMethod(o) { return m }
        case .str:
            if strMethodNames.contains(name) { return .obj(PyBuiltin(name) { a, vm in try strMethod(v, name, a, vm) }) }
        case .float(let d):
            if name == "is_integer" { return .obj(PyBuiltin(name) { _, _ in .bool(d.isFinite && d.rounded() == d) }) }
        default: break
        }
        return try missingAttribute(v, name)
    }

    /// `x.__await__` of any awaitable: a function returning the iterator `await x` delegates to.
    package func awaitMethod(_ o: PyObject) throws -> Value? {
        guard try o.awaitIterator(self) != nil else { return nil }
        return .obj(
            PyBuiltin("__await__") { _, vm in
                guard let it = try o.awaitIterator(vm) else { return .none }
                if it.pyType === PyType.coroutine, let c = it as? SendableIterator { return .obj(CoroutineWrapper(c)) }
                return .obj(it)
            })
    }

    /// `v.name(args)`.
    public func callMethod(_ v: Value, _ name: String, _ args: Args) throws -> Value {
        switch v {
        case .obj(let o): return try o.callMethod(name, args, self)
        case .str: return try strMethod(v, name, args, self)
        default: return try call(try getAttr(v, name), args)
        }
    }

    /// Checks that a builtin got between `min` and `max` positional arguments.
    public func checkArity(_ name: String, _ args: Args, _ min: Int, _ max: Int) throws {
        if args.count < min || args.count > max {
            if min == max {
                throw error(
                    .typeError, "\(name)() takes exactly \(min) argument\(min == 1 ? "" : "s") (\(args.count) given)")
            }
            if args.count < min {
                throw error(
                    .typeError, "\(name)() takes at least \(min) argument\(min == 1 ? "" : "s") (\(args.count) given)")
            }
            throw error(
                .typeError, "\(name)() takes at most \(max) argument\(max == 1 ? "" : "s") (\(args.count) given)")
        }
    }

    public func intArg(_ v: Value, _ what: String) throws -> Int {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: throw error(.typeError, "'\(typeName(v))' object cannot be interpreted as an integer")
        }
    }

    public func numberArg(_ v: Value, _ what: String) throws -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: throw error(.typeError, "\(what) must be a real number, not \(typeName(v))")
        }
    }

    /// `isinstance(v, t)`.
    public func isInstance(_ v: Value, _ t: PyType) -> Bool {
        pyType(v).isSubtype(of: t)
    }
}
