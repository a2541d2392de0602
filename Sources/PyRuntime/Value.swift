import RunModel
import TraceLanguage

/// A value of the trace language.
///
/// Scalars are stored inline so that arithmetic and comparisons allocate
/// nothing; everything else is a reference to a `PyObject` subclass.
public enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    /// Boxed, so that every payload that needs reference counting is one
    /// pointer: a `Value` is then 9 bytes instead of 17, and copies are cheaper.
    indirect case str(String)
    case obj(PyObject)
    /// The content of a local that has not been assigned yet. Never visible
    /// to a trace: loading it raises `UnboundLocalError` / `NameError`.
    case undefined

    @inline(__always) public var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// True for the cases without a reference-counted payload: a copy of
    /// such a value is a copy of its bytes.
    @inline(__always) package var isTrivial: Bool {
        switch self {
        case .str, .obj: return false
        default: return true
        }
    }

    @inline(__always) public var object: PyObject? {
        if case .obj(let o) = self { return o }
        return nil
    }

    /// Identity as Python's `is` sees it.
    public func isIdentical(to other: Value) -> Bool {
        switch (self, other) {
        case (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.float(let a), .float(let b)): return a.bitPattern == b.bitPattern
        case (.str(let a), .str(let b)): return a == b
        case (.obj(let a), .obj(let b)): return a === b
        case (.undefined, .undefined): return true
        default: return false
        }
    }
}

/// The base of every heap value. Subclasses override what they support;
/// the defaults raise the errors Python raises.
open class PyObject {
    public init() {}

    /// Python's `type(x).__name__`.
    open var typeName: String { "object" }

    /// The Python type object of this value, for `isinstance` and `type()`.
    open var pyType: PyType { PyType.object }

    open func repr(_ vm: Interpreter) throws -> String {
        "<\(typeName) object>"
    }

    open func str(_ vm: Interpreter) throws -> String { try repr(vm) }

    /// `getattr(self, name)`; nil when the attribute does not exist.
    open func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? { nil }

    open func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        throw vm.error(.attributeError, "'\(typeName)' object has no attribute '\(name)'")
    }

    /// Calls `self.name(args)` without building a bound method where the
    /// object knows the method; the default looks the attribute up and calls it.
    open func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        guard let attr = try getAttr(name, vm) else {
            if name == "__await__", let m = try vm.awaitMethod(self) { return try vm.call(m, args) }
            return try vm.call(try vm.missingAttribute(.obj(self), name), args)
        }
        return try vm.call(attr, args)
    }

    /// `type(self).__await__(self)`: the iterator that `await self`
    /// delegates to; nil when the object cannot be awaited.
    open func awaitIterator(_ vm: Interpreter) throws -> PyObject? { nil }

    open var isCallable: Bool { false }

    open func call(_ args: Args, _ vm: Interpreter) throws -> Value {
        throw vm.error(.typeError, "'\(typeName)' object is not callable")
    }

    open func truthy(_ vm: Interpreter) throws -> Bool { true }

    /// Hands every object this one refers to over to `teardown`, emptying
    /// what can be emptied (ObjectTeardown.swift): called once per object,
    /// when its run is over and nothing runs any more. An immutable object
    /// only hands its contents over; an object shared by every run (a
    /// builtin type) changes nothing. The default refers to nothing.
    open func dropReferences(into teardown: ObjectTeardown) {}

    open func length(_ vm: Interpreter) throws -> Int? { nil }

    /// `iter(self)`; nil when the object is not iterable.
    open func makeIterator(_ vm: Interpreter) throws -> PyObject? { nil }

    /// `next(self)` for iterators: nil when exhausted.
    open func next(_ vm: Interpreter) throws -> Value? {
        throw vm.error(.typeError, "'\(typeName)' object is not an iterator")
    }

    open func getItem(_ key: Value, _ vm: Interpreter) throws -> Value {
        throw vm.error(.typeError, "'\(typeName)' object is not subscriptable")
    }

    open func setItem(_ key: Value, _ value: Value, _ vm: Interpreter) throws {
        throw vm.error(.typeError, "'\(typeName)' object does not support item assignment")
    }

    open func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? { nil }

    /// Python `==` against another value; nil means NotImplemented (falls back to identity).
    open func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? { nil }

    /// `self op other` (or `other op self` when `reflected`, `self op= other`
    /// when `inPlace`) for a native type with operators of its own (deque,
    /// Counter); nil when it has none for these operands (NotImplemented).
    /// Asked only after the builtin types' own cases, so it costs them nothing.
    open func binaryOperator(
        _ op: BinaryOp, _ other: Value, reflected: Bool, inPlace: Bool, _ vm: Interpreter
    ) throws -> Value? { nil }

    /// `self op other` for `<`, `<=`, `>`, `>=` for a native type that orders
    /// its values (deque, Counter's inclusion); nil when it does not apply.
    open func orderOperator(_ op: CompareOp, _ other: Value, _ vm: Interpreter) throws -> Bool? { nil }

    /// The key under which this object is stored in dicts and sets; nil when unhashable.
    open func hashKey(_ vm: Interpreter) throws -> HashKey? { .identity(ObjectIdentifier(self)) }
}

/// Arguments of a call: positional values, then keyword pairs in source order.
public struct Args {
    public var positional: [Value]
    public var keywords: [(String, Value)]

    public init(_ positional: [Value] = [], keywords: [(String, Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    @inline(__always) public var count: Int { positional.count }
    @inline(__always) public subscript(i: Int) -> Value { positional[i] }

    public func keyword(_ name: String) -> Value? {
        for (k, v) in keywords where k == name { return v }
        return nil
    }
}

/// What dicts and sets hash: Python's equality classes for the hashable values.
public enum HashKey: Hashable {
    case none
    case number(Double)  // bools, ints and floats that equal an integer-valued double
    case int(Int)  // ints too large to be exact doubles
    case str(String)
    case bytes([UInt8])
    case tuple([HashKey])
    case identity(ObjectIdentifier)
    /// An instance whose class defines `__hash__` and `__eq__`.
    case custom(CustomHashKey)

    package static func of(_ v: Value, _ vm: Interpreter) throws -> HashKey {
        switch v {
        case .none: return .none
        case .bool(let b): return .number(b ? 1 : 0)
        case .int(let i):
            let d = Double(i)
            if Int(exactly: d) == i { return .number(d) }
            return .int(i)
        case .float(let d): return .number(d)
        case .str(let s): return .str(s)
        case .obj(let o):
            guard let k = try o.hashKey(vm) else {
                throw vm.error(.typeError, "unhashable type: '\(o.typeName)'")
            }
            return k
        case .undefined: return .none
        }
    }
}
