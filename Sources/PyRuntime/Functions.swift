import RunModel
import TraceLanguage

/// A variable captured by a closure.
public final class PyCell {
    @exclusivity(unchecked) public var value: Value

    public init(_ value: Value = .undefined) { self.value = value }

    deinit {
        if case .obj = value { DeferredRelease.release(&value, emptying: .none) }
    }
}

/// The globals of the trace's module: one slot per global name, numbered
/// by the compiler, so that loading a global is an array access.
public final class Globals {
    @exclusivity(unchecked) public var values: [Value]
    public let names: [String]

    package init(names: [String]) {
        self.names = names
        self.values = Array(repeating: .undefined, count: names.count)
    }

}

@inline(__always) package func isUndefined(_ v: Value) -> Bool {
    if case .undefined = v { return true }
    return false
}

/// A function defined by the trace (`def`, `async def`, `lambda`, and the
/// hidden functions of comprehensions).
public final class PyFunction: PyObject {
    public let code: CodeObject
    package let runtime: CodeRuntime
    package let globals: Globals
    @exclusivity(unchecked) package var defaults: [Value]
    @exclusivity(unchecked) package var kwDefaults: [String: Value]
    package let closure: [PyCell]
    @exclusivity(unchecked) public var name: String

    package init(
        runtime: CodeRuntime, globals: Globals, defaults: [Value],
        kwDefaults: [String: Value], closure: [PyCell]
    ) {
        self.code = runtime.code
        self.runtime = runtime
        self.globals = globals
        self.defaults = defaults
        self.kwDefaults = kwDefaults
        self.closure = closure
        self.name = runtime.code.name
    }

    public override var typeName: String { "function" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(defaults)
        defaults = []
        teardown.add(kwDefaults.values)
        kwDefaults = [:]
        for c in closure { teardown.add(cell: c) }
        teardown.add(globals: globals)
        teardown.add(runtime: runtime)
        if let e = extras {
            teardown.add(e.dict)
            teardown.add(e.dunders.values)
            e.dunders = [:]
        }
    }
    public override var pyType: PyType { .function }
    public override var isCallable: Bool { true }
    public override func repr(_ vm: Interpreter) throws -> String {
        // By `__qualname__`, which may have been assigned (functools.wraps, dataclasses).
        if case .str(let q)? = extras?.dunders["__qualname__"] { return "<function \(q) at 0x7f0000000000>" }
        return "<function \(code.qualifiedName) at 0x7f0000000000>"
    }
    public override func call(_ args: Args, _ vm: Interpreter) throws -> Value {
        try vm.callFunction(self, args)
    }
    /// The attributes assignments gave the function (`wrapper.cache_info =
    /// ...`, `functools.wraps`'s `__qualname__`, `__doc__`, `__wrapped__`):
    /// its `__dict__` and the dunders that override its code's; nil until the
    /// first one, so that a function nobody decorates stays small.
    @exclusivity(unchecked) package var extras: FunctionExtras?

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if let e = extras {
            if let v = e.dunders[name] { return v }
            if let v = try e.dict.get(.str(name), vm) { return v }
        }
        switch name {
        case "__name__": return .str(self.name)
        case "__qualname__": return .str(code.qualifiedName)
        case "__doc__": return code.docstring.map { .str($0) } ?? Value.none
        case "__module__": return .str(moduleName)
        case "__dict__": return .obj(ensureExtras().dict)
        case "__defaults__": return defaults.isEmpty ? Value.none : .obj(PyTuple(defaults))
        case "__annotations__":
            let annotations = PyDict()
            ensureExtras().dunders[name] = .obj(annotations)
            return .obj(annotations)
        default: return nil
        }
    }

    public override func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        switch name {
        case "__name__", "__qualname__":
            guard case .str(let s) = value else {
                throw vm.error(.typeError, "\(name) must be set to a string object")
            }
            if name == "__name__" { self.name = s } else { ensureExtras().dunders[name] = value }
        case "__doc__", "__module__", "__annotations__", "__defaults__":
            ensureExtras().dunders[name] = value
        case "__dict__":
            guard case .obj(let o) = value, let d = o as? PyDict else {
                throw vm.error(.typeError, "__dict__ must be set to a dictionary, not a '\(vm.typeName(value))'")
            }
            ensureExtras().dict = d
        default:
            try ensureExtras().dict.setItem(.str(name), value, vm)
        }
    }

    /// `__module__`: the `__name__` of the module the function was defined in.
    private var moduleName: String {
        if let i = globals.names.firstIndex(of: "__name__"), case .str(let s) = globals.values[i] { return s }
        return code.moduleName
    }

    private func ensureExtras() -> FunctionExtras {
        if let e = extras { return e }
        let e = FunctionExtras()
        extras = e
        return e
    }
}

/// A function's attributes beyond its code (see `PyFunction.extras`).
package final class FunctionExtras {
    /// `__dict__`: what `f.x = v` sets.
    @exclusivity(unchecked) package var dict = PyDict()
    /// `__qualname__`, `__doc__`, `__module__`, `__annotations__` once assigned.
    @exclusivity(unchecked) package var dunders: [String: Value] = [:]
}

/// A function implemented in Swift.
public final class PyBuiltin: PyObject {
    public let name: String
    package let body: (Args, Interpreter) throws -> Value
    /// The same function for a call with exactly one positional argument,
    /// when it has such a path: the interpreter then builds no `Args`.
    package let unary: ((Value, Interpreter) throws -> Value)?
    /// The object a method of a built-in value is bound to (`__self__`); nil for a plain function.
    package var boundTo: Value?

    public init(
        _ name: String, unary: ((Value, Interpreter) throws -> Value)? = nil,
        _ body: @escaping (Args, Interpreter) throws -> Value
    ) {
        self.name = name
        self.body = body
        self.unary = unary
    }

    public override var typeName: String { "builtin_function_or_method" }
    public override var pyType: PyType { .builtinFunction }
    public override var isCallable: Bool { true }
    public override func repr(_ vm: Interpreter) throws -> String { "<built-in function \(name)>" }
    public override func call(_ args: Args, _ vm: Interpreter) throws -> Value { try body(args, vm) }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "__name__", "__qualname__": return .str(self.name)
        case "__self__": return boundTo
        default: return nil
        }
    }
}

/// `obj.method` taken as a value: calling it calls the method on `receiver`.
public final class PyBoundMethod: PyObject {
    package let receiver: PyObject
    package let name: String

    package init(receiver: PyObject, name: String) {
        self.receiver = receiver
        self.name = name
    }

    public override var typeName: String { "builtin_function_or_method" }
    public override func dropReferences(into teardown: ObjectTeardown) { teardown.add(receiver) }
    public override var pyType: PyType { .method }
    public override var isCallable: Bool { true }
    public override func repr(_ vm: Interpreter) throws -> String {
        "<built-in method \(name) of \(receiver.typeName) object at 0x7f0000000000>"
    }
    public override func call(_ args: Args, _ vm: Interpreter) throws -> Value {
        try receiver.callMethod(name, args, vm)
    }
    public override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard case .obj(let o) = other, let m = o as? PyBoundMethod else { return nil }
        return m.receiver === receiver && m.name == name
    }
    public override func hashKey(_ vm: Interpreter) throws -> HashKey? {
        .tuple([.identity(ObjectIdentifier(receiver)), .str(name)])
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        name == "__name__" ? .str(self.name) : nil
    }
}

/// A bound builtin method for `name` when the object has it, for `getAttr`.
package func boundBuiltin(_ receiver: PyObject, _ name: String, _ names: Set<String>) -> Value? {
    names.contains(name) ? .obj(PyBoundMethod(receiver: receiver, name: name)) : nil
}

/// A module: `asyncio`, `time`, `logging`... Attributes are a dictionary.
public final class PyModule: PyObject {
    public let name: String
    /// Changing an attribute bumps `version`, which invalidates call-site caches.
    /// Changed in place: a `didSet` observer made each `attributes[k] = v`
    /// copy the whole dictionary (45 copies of asyncio's as its prelude
    /// exported its names, 7% of a small run).
    public var attributes: [String: Value] {
        get { storage }
        set {
            storage = newValue
            version &+= 1
        }
        _modify {
            version &+= 1
            yield &storage
        }
    }
    @exclusivity(unchecked) private var storage: [String: Value]
    @exclusivity(unchecked) public private(set) var version = 0

    public init(_ name: String, _ attributes: [String: Value] = [:]) {
        self.name = name
        self.storage = attributes
    }

    public override var typeName: String { "module" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(attributes.values)
        attributes = [:]
    }
    public override var pyType: PyType { .module }
    public override func repr(_ vm: Interpreter) throws -> String { "<module '\(name)'>" }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? { attributes[name] }
    public override func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        attributes[name] = value
    }
    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        guard let f = attributes[name] else {
            throw vm.error(.attributeError, "module '\(self.name)' has no attribute '\(name)'")
        }
        return try vm.call(f, args)
    }

    package func define(
        _ name: String, unary: ((Value, Interpreter) throws -> Value)? = nil,
        _ body: @escaping (Args, Interpreter) throws -> Value
    ) {
        attributes[name] = .obj(PyBuiltin(name, unary: unary, body))
    }
}

/// `functools.partial(func, *args, **keywords)`.
public final class PyPartial: PyObject {
    package let function: Value
    package let args: [Value]
    package let keywords: [(String, Value)]

    package init(function: Value, args: [Value], keywords: [(String, Value)]) {
        self.function = function
        self.args = args
        self.keywords = keywords
    }

    public override var typeName: String { "functools.partial" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(function)
        teardown.add(args)
        teardown.add(keywords.map(\.1))
    }
    public override var isCallable: Bool { true }
    public override func repr(_ vm: Interpreter) throws -> String {
        var parts = [try vm.repr(function)]
        parts += try args.map { try vm.repr($0) }
        parts += try keywords.map { "\($0.0)=\(try vm.repr($0.1))" }
        return "functools.partial(\(parts.joined(separator: ", ")))"
    }
    public override func call(_ a: Args, _ vm: Interpreter) throws -> Value {
        var kw = keywords
        for (k, v) in a.keywords {
            if let i = kw.firstIndex(where: { $0.0 == k }) { kw[i].1 = v } else { kw.append((k, v)) }
        }
        return try vm.call(function, Args(args + a.positional, keywords: kw))
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "func": return function
        case "args": return .obj(PyTuple(args))
        default: return nil
        }
    }
}
