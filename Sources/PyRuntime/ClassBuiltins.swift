import RunModel

// The builtins about classes and attributes: `object`, `property`,
// `classmethod`, `staticmethod`, `super` (types, called through their
// constructors), and `getattr`, `setattr`, `hasattr`, `delattr`, `id`,
// `hash`, `vars`, `NotImplemented`.

/// `object()`: a featureless instance.
package func objectConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    if args.count > 0 || !args.keywords.isEmpty { throw vm.error(.typeError, "object() takes no arguments") }
    return .obj(PyInstance(.object))
}

/// `property(fget=None, fset=None, fdel=None, doc=None)`.
package func propertyConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try vm.checkArity("property", args, 0, 4)
    func argument(_ i: Int, _ name: String) -> Value {
        args.keyword(name) ?? (i < args.count ? args[i] : .none)
    }
    return .obj(
        PyProperty(
            getter: argument(0, "fget"), setter: argument(1, "fset"), deleter: argument(2, "fdel"),
            doc: argument(3, "doc")))
}

package func classMethodConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try vm.checkArity("classmethod", args, 1, 1)
    return .obj(PyClassMethod(args[0]))
}

package func staticMethodConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try vm.checkArity("staticmethod", args, 1, 1)
    return .obj(PyStaticMethod(args[0]))
}

/// `super(type, obj)`, or `super()` in a method: the method's class (its
/// `__class__` cell) and its first argument.
package func superConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try vm.checkArity("super", args, 0, 2)
    let start: PyType
    let receiver: Value
    if args.count == 0 {
        guard let f = vm.currentFrame else { throw vm.error(.runtimeError, "super(): no current frame") }
        let code = f.code
        guard code.positionalCount > 0 || code.hasVarargs else {
            throw vm.error(.runtimeError, "super(): no arguments")
        }
        if let (ci, _) = code.cellParameters.first(where: { $0.local == 0 }) {
            receiver = f.cells[Int(ci)].value
        } else {
            receiver = f.locals[0]
        }
        guard let i = code.freeNames.firstIndex(of: "__class__") else {
            throw vm.error(.runtimeError, "super(): __class__ cell not found")
        }
        guard case .obj(let o) = f.cells[code.cellNames.count + i].value, let t = o as? PyType else {
            throw vm.error(.runtimeError, "super(): empty __class__ cell")
        }
        if isUndefined(receiver) { throw vm.error(.runtimeError, "super(): arg[0] deleted") }
        start = t
    } else {
        guard case .obj(let o) = args[0], let t = o as? PyType else {
            throw vm.error(.typeError, "super() argument 1 must be a type, not \(vm.typeName(args[0]))")
        }
        start = t
        guard args.count == 2 else {
            throw vm.error(.typeError, "super() with one argument is not supported in a trace")
        }
        receiver = args[1]
    }
    if vm.isInstance(receiver, start) {
        return .obj(PySuper(start: start, receiver: receiver, searched: vm.pyType(receiver)))
    }
    if case .obj(let o) = receiver, let t = o as? PyType, t.isSubtype(of: start) {
        return .obj(PySuper(start: start, receiver: receiver, searched: t))
    }
    throw vm.error(.typeError, "super(type, obj): obj must be an instance or subtype of type")
}

extension Interpreter {
    /// A number naming the object while it lives (CPython's address; here
    /// the Swift object's, so it differs from one run to the next, as CPython's does).
    package func identity(of v: Value) -> Int {
        switch v {
        case .obj(let o): return Int(bitPattern: UInt(bitPattern: ObjectIdentifier(o).hashValue))
        case .str(let s): return s.hashValue
        default: return (try? HashKey.of(v, self)).map { $0.hashValue } ?? 0
        }
    }

    /// `hash(v)`: ints hash to themselves, like CPython's for small ints.
    package func pyHash(_ v: Value) throws -> Int {
        switch v {
        case .none: return 0x1000
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return i == -1 ? -2 : i
        case .float(let d):
            if let i = Int(exactly: d) { return i == -1 ? -2 : i }
            return d.hashValue
        case .obj(let o) where o is PyInstance:
            if let i = o as? PyInstance, let base = i.base, i.cls.lookup("__hash__") == nil { return try pyHash(base) }
            guard let k = try o.hashKey(self) else { throw error(.typeError, "unhashable type: '\(o.typeName)'") }
            if case .custom(let c) = k { return c.hash }
            return identity(of: v) >> 4
        default:
            return try HashKey.of(v, self).hashValue
        }
    }

    /// `format(v, spec)`: a class's `__format__`, else `object.__format__`
    /// (str(v) for an empty spec), else the builtin types' formatting.
    package func format(_ v: Value, _ spec: String) throws -> String {
        if case .obj(let o) = v, let i = o as? PyInstance {
            if let m = i.cls.lookup("__format__") {
                let r = try callSpecial(m, v, i.cls, [.str(spec)])
                guard case .str(let s) = r else {
                    throw error(.typeError, "__format__ must return a str, not \(typeName(r))")
                }
                return s
            }
            if let base = i.base, !spec.isEmpty { return try formatWithSpec(base, spec, self) }
            guard spec.isEmpty else {
                throw error(.typeError, "unsupported format string passed to \(i.cls.name).__format__")
            }
            return try str(v)
        }
        return spec.isEmpty ? try str(v) : try formatWithSpec(v, spec, self)
    }

    /// `setattr(o, name, v)` as the statement `o.name = v` does it.
    package func setAttribute(_ o: Value, _ name: String, _ v: Value) throws {
        guard case .obj(let obj) = o else {
            throw error(.attributeError, "'\(typeName(o))' object has no attribute '\(name)'")
        }
        try obj.setAttr(name, v, self)
    }
}

/// The class-related builtins, added to a trace's builtins.
package func classBuiltins() -> [String: Value] {
    var b: [String: Value] = [:]
    func define(_ name: String, _ body: @escaping (Args, Interpreter) throws -> Value) {
        b[name] = .obj(PyBuiltin(name, body))
    }
    for t in [PyType.object, .property, .classMethod, .staticMethod, .superType] { b[t.name] = .obj(t) }
    b["NotImplemented"] = .obj(PyNotImplemented.shared)
    func attributeName(_ fn: String, _ v: Value, _ vm: Interpreter) throws -> String {
        guard case .str(let s) = v else {
            throw vm.error(.typeError, "attribute name must be string, not '\(vm.typeName(v))'")
        }
        return s
    }
    define("getattr") { args, vm in
        try vm.checkArity("getattr", args, 2, 3)
        let name = try attributeName("getattr", args[1], vm)
        if args.count == 3 {
            do {
                return try vm.getAttr(args[0], name)
            } catch let r as PyRaise where r.exception.type.isSubtype(of: .attributeError) {
                return args[2]
            }
        }
        return try vm.getAttr(args[0], name)
    }
    define("hasattr") { args, vm in
        try vm.checkArity("hasattr", args, 2, 2)
        let name = try attributeName("hasattr", args[1], vm)
        do {
            _ = try vm.getAttr(args[0], name)
            return .bool(true)
        } catch let r as PyRaise where r.exception.type.isSubtype(of: .attributeError) {
            return .bool(false)
        }
    }
    define("setattr") { args, vm in
        try vm.checkArity("setattr", args, 3, 3)
        try vm.setAttribute(args[0], try attributeName("setattr", args[1], vm), args[2])
        return .none
    }
    define("delattr") { args, vm in
        try vm.checkArity("delattr", args, 2, 2)
        let name = try attributeName("delattr", args[1], vm)
        try vm.deleteAttribute(args[0], name)
        return .none
    }
    define("id") { args, vm in
        try vm.checkArity("id", args, 1, 1)
        return .int(vm.identity(of: args[0]))
    }
    define("hash") { args, vm in
        try vm.checkArity("hash", args, 1, 1)
        return .int(try vm.pyHash(args[0]))
    }
    define("format") { args, vm in
        try vm.checkArity("format", args, 1, 2)
        var spec = ""
        if args.count == 2 {
            guard case .str(let s) = args[1] else {
                throw vm.error(.typeError, "format() argument 2 must be str, not \(vm.typeName(args[1]))")
            }
            spec = s
        }
        return .str(try vm.format(args[0], spec))
    }
    define("vars") { args, vm in
        try vm.checkArity("vars", args, 1, 1)
        guard case .obj(let o) = args[0], let d = try o.getAttr("__dict__", vm) else {
            throw vm.error(.typeError, "vars() argument must have __dict__ attribute")
        }
        return d
    }
    return b
}
