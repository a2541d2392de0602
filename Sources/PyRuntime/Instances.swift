import RunModel

/// An instance of a class made by a `class` statement (other than an
/// exception class, whose instances are `PyException`s): its attributes,
/// then its class's. The operators and protocols of the language dispatch to
/// the special methods its class defines (`__repr__`, `__eq__`, `__len__`...).
package final class PyInstance: PyObject {
    package let cls: PyType
    /// `__dict__`. Invariant: `attributeOrder` holds the keys of `attributes`,
    /// in the order they were first set.
    @exclusivity(unchecked) package var attributes: [String: Value] = [:]
    @exclusivity(unchecked) package var attributeOrder: [String] = []
    /// True once an attribute was added whose name is that of a function of
    /// the class (it hides the method): call sites then take the slow path.
    @exclusivity(unchecked) package var hidesMethod = false
    /// The built-in value the instance holds when its class derives from a
    /// built-in type (BuiltinBases.swift). Invariant: non-nil exactly when
    /// `cls.builtinBase` is, and of that type (not a subclass instance).
    @exclusivity(unchecked) package var base: Value?

    package init(_ cls: PyType) { self.cls = cls }

    deinit {
        if !attributes.isEmpty { DeferredRelease.release(&attributes, emptying: [:]) }
        if case .obj? = base { DeferredRelease.release(&base, emptying: nil) }
    }

    package override var typeName: String { cls.name }
    package override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(cls)
        teardown.add(attributes.values)
        attributes = [:]
        attributeOrder = []
        if let base { teardown.add(base) }
        base = nil
    }
    package override var pyType: PyType { cls }

    package override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if !cls.hasDataDescriptors, let v = attributes[name] { return v }
        let member = cls.lookup(name)
        if let m = member, cls.hasDataDescriptors, isDataDescriptor(m) {
            return try vm.bind(m, to: .obj(self), of: cls)
        }
        if let v = attributes[name] { return v }
        if let m = member { return try vm.bind(m, to: .obj(self), of: cls) }
        switch name {
        case "__class__": return .obj(cls)
        case "__dict__": return .obj(try vm.dictOf(attributes, attributeOrder))
        default: break
        }
        if let native = vm.nativeAttribute(self, cls, name) { return native }
        // The data attributes of deque and defaultdict (`maxlen`, `default_factory`).
        if name == "maxlen" || name == "default_factory", case .obj(let b)? = base, collectionsRepr(b),
            let v = try b.getAttr(name, vm)
        {
            return v
        }
        if let getattr = cls.lookup("__getattr__") {
            return try vm.callSpecial(getattr, .obj(self), cls, [.str(name)])
        }
        return nil
    }

    package override func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        if let setattr = cls.lookup("__setattr__") {
            _ = try vm.callSpecial(setattr, .obj(self), cls, [.str(name), value])
            return
        }
        try setAttrGeneric(name, value, vm)
    }

    /// `object.__setattr__(self, name, value)`: a property's setter, else the instance's dict.
    package func setAttrGeneric(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        if cls.hasDataDescriptors, let m = cls.lookup(name), isDataDescriptor(m) {
            try vm.setThroughDescriptor(m, .obj(self), name, value)
            return
        }
        if !cls.isHeap { throw vm.error(.attributeError, "'\(cls.name)' object has no attribute '\(name)'") }
        if name == "__class__" || name == "__dict__" {
            throw vm.error(
                .typeError,
                "assigning \(name) is not supported in a trace; an object's class and dict are fixed: "
                    + "make an object of the other class, or set the attributes one by one")
        }
        if attributes.updateValue(value, forKey: name) == nil {
            attributeOrder.append(name)
            if !hidesMethod && cls.lookup(name)?.object is PyFunction { hidesMethod = true }
        }
    }

    /// `object.__delattr__(self, name)`.
    package func deleteAttrGeneric(_ name: String, _ vm: Interpreter) throws {
        if cls.hasDataDescriptors, let m = cls.lookup(name), isDataDescriptor(m) {
            if case .obj(let o) = m, let p = o as? PyProperty {
                try p.delete(.obj(self), name, vm)
            } else if case .obj(let o) = m, let d = o as? PyInstance, let delete = d.cls.lookup("__delete__") {
                _ = try vm.callSpecial(delete, m, d.cls, [.obj(self)])
            } else {
                throw vm.error(.attributeError, "__delete__")
            }
            return
        }
        guard attributes.removeValue(forKey: name) != nil else {
            throw vm.error(.attributeError, "'\(cls.name)' object has no attribute '\(name)'")
        }
        attributeOrder.removeAll { $0 == name }
    }

    /// The plain function that `self.name(...)` calls with `self` first, when
    /// that is what it does (no instance attribute hides a function of the class).
    @inline(__always)
    package func method(_ name: String) -> PyFunction? {
        guard let m = cls.lookup(name), case .obj(let o) = m, let fn = o as? PyFunction else { return nil }
        if !attributes.isEmpty && attributes[name] != nil { return nil }
        return fn
    }

    package override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        if let fn = method(name) {
            var positional = args.positional
            positional.insert(.obj(self), at: 0)
            return try vm.callFunction(fn, Args(positional, keywords: args.keywords))
        }
        guard let attr = try getAttr(name, vm) else {
            throw vm.error(.attributeError, "'\(cls.name)' object has no attribute '\(name)'")
        }
        return try vm.call(attr, args)
    }

    /// Calls the special method `name` when the class defines one (nil otherwise).
    @inline(__always)
    private func special(_ name: String, _ vm: Interpreter, _ args: [Value] = []) throws -> Value? {
        guard let m = cls.lookup(name) else { return nil }
        return try vm.callSpecial(m, .obj(self), cls, args)
    }

    package override func repr(_ vm: Interpreter) throws -> String {
        if let r = try special("__repr__", vm) {
            guard case .str(let s) = r else {
                throw vm.error(.typeError, "__repr__ returned non-string (type \(vm.typeName(r)))")
            }
            return s
        }
        if let base {
            // deque, defaultdict, OrderedDict and Counter name the subclass in their reprs.
            if case .obj(let o) = base, let r = try collectionsRepr(o, typeName: cls.name, vm) { return r }
            return try vm.repr(base)
        }
        return "<\(cls.qualifiedName) object at 0x7f0000000000>"
    }

    package override func str(_ vm: Interpreter) throws -> String {
        if let r = try special("__str__", vm) {
            guard case .str(let s) = r else {
                throw vm.error(.typeError, "__str__ returned non-string (type \(vm.typeName(r)))")
            }
            return s
        }
        if let base, cls.lookup("__repr__") == nil {
            if case .obj(let o) = base, collectionsRepr(o) { return try repr(vm) }
            return try vm.str(base)
        }
        return try repr(vm)
    }

    package override func length(_ vm: Interpreter) throws -> Int? {
        guard let n = try special("__len__", vm) else {
            if case .obj(let b)? = base { return try b.length(vm) }
            if case .str(let s)? = base { return s.unicodeScalars.count }
            return nil
        }
        guard let i = intValue(n) else {
            throw vm.error(.typeError, "'\(vm.typeName(n))' object cannot be interpreted as an integer")
        }
        if i < 0 { throw vm.error(.valueError, "__len__() should return >= 0") }
        return i
    }

    package override func truthy(_ vm: Interpreter) throws -> Bool {
        if let b = try special("__bool__", vm) {
            guard case .bool(let r) = b else {
                throw vm.error(.typeError, "__bool__ should return bool, returned \(vm.typeName(b))")
            }
            return r
        }
        if let n = try length(vm) { return n != 0 }
        if let base { return try vm.truthy(base) }
        return true
    }

    package override func makeIterator(_ vm: Interpreter) throws -> PyObject? {
        if let it = try special("__iter__", vm) {
            guard case .obj(let o) = it else {
                throw vm.error(.typeError, "iter() returned non-iterator of type '\(vm.typeName(it))'")
            }
            return o
        }
        if cls.lookup("__getitem__") != nil { return IndexIterator(self) }
        if let base { return try vm.makeIterator(base) }
        return nil
    }

    package override func next(_ vm: Interpreter) throws -> Value? {
        guard let m = cls.lookup("__next__") else {
            throw vm.error(.typeError, "'\(cls.name)' object is not an iterator")
        }
        do {
            return try vm.callSpecial(m, .obj(self), cls, [])
        } catch let r as PyRaise where r.exception.type.isSubtype(of: .stopIteration) {
            return nil
        }
    }

    package override func getItem(_ key: Value, _ vm: Interpreter) throws -> Value {
        if let v = try special("__getitem__", vm, [key]) { return v }
        if let base {
            if case .obj(let d) = base, d is PyDict, let missing = cls.lookup("__missing__") {
                // dict.__getitem__ of a subclass: `__missing__` for an absent key.
                do {
                    return try d.getItem(key, vm)
                } catch let r as PyRaise where r.exception.type === PyType.keyError {
                    return try vm.callSpecial(missing, .obj(self), cls, [key])
                }
            }
            if case .obj(let q) = base, q is PyDeque { return try q.getItem(key, vm) }
            if let m = try vm.builtinSpecialMethod(base, "__getitem__") { return try vm.call(m, key) }
        }
        throw vm.error(.typeError, "'\(cls.name)' object is not subscriptable")
    }

    package override func setItem(_ key: Value, _ value: Value, _ vm: Interpreter) throws {
        if try special("__setitem__", vm, [key, value]) != nil { return }
        if case .obj(let b)? = base, b is PyList || b is PyDict || b is PyDeque { return try b.setItem(key, value, vm) }
        throw vm.error(.typeError, "'\(cls.name)' object does not support item assignment")
    }

    package override func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? {
        guard let r = try special("__contains__", vm, [value]) else {
            if let base { return try containsValue(base, value, vm) }
            return nil
        }
        return try vm.truthy(r)
    }

    package override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard let r = try special("__eq__", vm, [other]) else {
            if let base { return try vm.equals(base, vm.builtinValue(other)) }
            return nil
        }
        if r.object is PyNotImplemented { return nil }
        return try vm.truthy(r)
    }

    package override func hashKey(_ vm: Interpreter) throws -> HashKey? {
        guard let m = cls.lookup("__hash__"), base == nil || !builtinBaseComesFirst("__hash__") else {
            if let base { return try HashKey.of(base, vm) }
            return .identity(ObjectIdentifier(self))
        }
        if m.isNone { return nil }
        let h = try vm.callSpecial(m, .obj(self), cls, [])
        guard let i = intValue(h) else { throw vm.error(.typeError, "__hash__ method should return an integer") }
        return .custom(CustomHashKey(hash: i, object: self, vm: vm))
    }

    /// Whether the built-in base precedes, in the MRO, the class that defines
    /// `name` (`class Status(str, Enum)` hashes as a str, not as Enum does).
    private func builtinBaseComesFirst(_ name: String) -> Bool {
        guard let b = cls.builtinBase, let owner = cls.owner(of: name),
            let bi = cls.mro.firstIndex(where: { $0 === b }), let oi = cls.mro.firstIndex(where: { $0 === owner })
        else { return false }
        return bi < oi
    }

    package override var isCallable: Bool { cls.lookup("__call__") != nil }

    package override func call(_ args: Args, _ vm: Interpreter) throws -> Value {
        guard let m = cls.lookup("__call__") else {
            throw vm.error(.typeError, "'\(cls.name)' object is not callable")
        }
        return try vm.call(try vm.bind(m, to: .obj(self), of: cls), args)
    }

    package override func awaitIterator(_ vm: Interpreter) throws -> PyObject? {
        guard let it = try special("__await__", vm) else { return nil }
        guard case .obj(let o) = it, !(o is PyTuple || o is PyList || o is PyDict) else {
            throw vm.error(.typeError, "__await__() returned non-iterator of type '\(vm.typeName(it))'")
        }
        if o is PyCoroutine { throw vm.error(.typeError, "__await__() returned a coroutine") }
        return o
    }
}

/// `iter(x)` for an object with `__getitem__` only: x[0], x[1], ... until IndexError.
package final class IndexIterator: PyObject {
    private let target: PyObject
    private var index = 0
    package init(_ target: PyObject) { self.target = target }
    package override var typeName: String { "iterator" }
    package override func dropReferences(into teardown: ObjectTeardown) { teardown.add(target) }
    package override var pyType: PyType { .iterator }
    package override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    package override func next(_ vm: Interpreter) throws -> Value? {
        do {
            let v = try target.getItem(.int(index), vm)
            index += 1
            return v
        } catch let r as PyRaise
            where r.exception.type.isSubtype(of: .indexError) || r.exception.type.isSubtype(of: .stopIteration)
        {
            return nil
        }
    }
}

/// The hash key of an instance whose class defines `__hash__`: equal keys are
/// those whose objects' `__eq__` says so (an error inside `__eq__` counts as unequal).
public final class CustomHashKey: Hashable {
    let hash: Int
    let object: PyObject
    unowned(unsafe) let vm: Interpreter

    init(hash: Int, object: PyObject, vm: Interpreter) {
        self.hash = hash
        self.object = object
        self.vm = vm
    }

    public static func == (a: CustomHashKey, b: CustomHashKey) -> Bool {
        if a.object === b.object { return true }
        guard a.hash == b.hash else { return false }
        return (try? a.vm.equals(.obj(a.object), .obj(b.object))) ?? false
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

extension Interpreter {
    /// Calls special method `m` (a class member) on `instance`: a plain
    /// function gets the instance first, with no bound method made.
    @inline(__always)
    package func callSpecial(_ m: Value, _ instance: Value, _ cls: PyType, _ args: [Value]) throws -> Value {
        if case .obj(let o) = m, let fn = o as? PyFunction {
            var positional = args
            positional.insert(instance, at: 0)
            return try callFunction(fn, Args(positional))
        }
        return try call(try bind(m, to: instance, of: cls), Args(args))
    }

    /// A dict with the given attributes, in order (`vars(x)`, `x.__dict__`;
    /// a copy: changing it does not change the object).
    package func dictOf(_ attributes: [String: Value], _ order: [String]) throws -> PyDict {
        let d = PyDict()
        for k in order { if let v = attributes[k] { try d.setItem(.str(k), v, self) } }
        return d
    }

    /// The attributes an instance gets from its builtin bases (`__init__`,
    /// `__repr__`... of `object` or `BaseException`), bound to it.
    package func nativeAttribute(_ instance: PyObject, _ cls: PyType, _ name: String) -> Value? {
        for t in cls.mro where !t.isHeap {
            guard let m = nativeMember(t, name) else { continue }
            if let c = m.object as? PyClassMethod { return .obj(PyMethod(function: c.function, receiver: .obj(cls))) }
            return .obj(PyMethod(function: m, receiver: .obj(instance)))
        }
        return nil
    }
}

/// The methods of `object` and `BaseException` that classes inherit, for
/// `super().__init__(...)`, `object.__setattr__(self, ...)` and the like.
package func nativeMember(_ t: PyType, _ name: String) -> Value? {
    if t === PyType.type { return typeNativeMember(name) }
    if t === PyType.object {
        switch name {
        case "__init__":
            return .obj(
                PyNativeMethod(name, of: t) { instance, args, vm in
                    if args.count > 0 || !args.keywords.isEmpty {
                        // CPython names the class only when it does not define __init__ itself.
                        let cls = vm.pyType(instance)
                        let owner = cls.lookup("__init__") == nil ? cls.name : "object"
                        throw vm.error(
                            .typeError,
                            "\(owner).__init__() takes exactly one argument (the instance to initialize)"
                        )
                    }
                    return .none
                })
        case "__new__":
            return .obj(
                PyNativeMethod(name, of: t) { cls, args, vm in
                    guard case .obj(let o) = cls, let c = o as? PyType else {
                        throw vm.error(.typeError, "object.__new__(X): X is not a type object (\(vm.typeName(cls)))")
                    }
                    if !c.isHeap { return try c.call(Args(), vm) }
                    return try vm.newInstance(c, args, checkArguments: false)
                })
        case "__setattr__":
            return .obj(
                PyNativeMethod(name, of: t) { instance, args, vm in
                    try vm.checkArity("__setattr__", args, 2, 2)
                    guard case .str(let n) = args[0] else {
                        throw vm.error(.typeError, "attribute name must be string, not '\(vm.typeName(args[0]))'")
                    }
                    if case .obj(let o) = instance, let i = o as? PyInstance {
                        try i.setAttrGeneric(n, args[1], vm)
                    } else if case .obj(let o) = instance {
                        try o.setAttr(n, args[1], vm)
                    }
                    return .none
                })
        case "__delattr__":
            return .obj(
                PyNativeMethod(name, of: t) { instance, args, vm in
                    try vm.checkArity("__delattr__", args, 1, 1)
                    guard case .obj(let o) = instance, let i = o as? PyInstance, case .str(let n) = args[0] else {
                        throw vm.error(.typeError, "__delattr__ is supported on instances of classes of the trace")
                    }
                    try i.deleteAttrGeneric(n, vm)
                    return .none
                })
        case "__getattribute__":
            return .obj(
                PyNativeMethod(name, of: t) { instance, args, vm in
                    try vm.checkArity("__getattribute__", args, 1, 1)
                    guard case .str(let n) = args[0] else {
                        throw vm.error(.typeError, "attribute name must be string, not '\(vm.typeName(args[0]))'")
                    }
                    return try vm.getAttr(instance, n)
                })
        case "__repr__":
            return .obj(
                PyNativeMethod(name, of: t) { instance, _, vm in
                    .str("<\(vm.pyType(instance).qualifiedName) object at 0x7f0000000000>")
                })
        case "__str__":
            return .obj(PyNativeMethod(name, of: t) { instance, _, vm in .str(try vm.repr(instance)) })
        case "__eq__":
            return .obj(
                PyNativeMethod(name, of: t) { instance, args, vm in
                    try vm.checkArity("__eq__", args, 1, 1)
                    return instance.isIdentical(to: args[0]) ? .bool(true) : .obj(PyNotImplemented.shared)
                })
        case "__ne__":
            return .obj(
                PyNativeMethod(name, of: t) { instance, args, vm in
                    try vm.checkArity("__ne__", args, 1, 1)
                    return .bool(!(try vm.equals(instance, args[0])))
                })
        case "__hash__":
            return .obj(PyNativeMethod(name, of: t) { instance, _, vm in .int(vm.identity(of: instance)) })
        case "__subclasshook__":
            // object.__subclasshook__: a class method that leaves the decision to the ABC machinery.
            let hook = PyNativeMethod(name, of: t) { _, _, _ in .obj(PyNotImplemented.shared) }
            return .obj(PyClassMethod(.obj(hook)))
        case "__init_subclass__":
            // A class method in CPython (METH_CLASS | METH_NOARGS): bound to
            // the class it is read through, also through `super()`.
            let hook = PyNativeMethod(name, of: t) { cls, args, vm in
                let owner = (cls.object as? PyType)?.name ?? "object"
                if !args.keywords.isEmpty {
                    throw vm.error(.typeError, "\(owner).__init_subclass__() takes no keyword arguments")
                }
                if !args.positional.isEmpty {
                    throw vm.error(
                        .typeError, "\(owner).__init_subclass__() takes no arguments (\(args.positional.count) given)")
                }
                return .none
            }
            return .obj(PyClassMethod(.obj(hook)))
        default: return nil
        }
    }
    if t === PyType.baseException {
        switch name {
        case "__init__":
            return .obj(
                PyNativeMethod(name, of: t) { instance, args, vm in
                    if case .obj(let o) = instance, let e = o as? PyException { e.args = args.positional }
                    return .none
                })
        case "__str__":
            return .obj(
                PyNativeMethod(name, of: t) { instance, _, vm in
                    guard case .obj(let o) = instance, let e = o as? PyException else {
                        return .str(try vm.str(instance))
                    }
                    return .str(try e.builtinMessage(vm))
                })
        case "__repr__":
            return .obj(
                PyNativeMethod(name, of: t) { instance, _, vm in
                    guard case .obj(let o) = instance, let e = o as? PyException else {
                        return .str(try vm.repr(instance))
                    }
                    return .str(try e.builtinRepr(vm))
                })
        case "with_traceback":
            return .obj(PyNativeMethod(name, of: t) { instance, _, _ in instance })
        case "add_note":
            // BaseException.add_note (3.11): appends to the `__notes__` list
            // attribute, made on the first note.
            return .obj(
                PyNativeMethod(name, of: t) { instance, args, vm in
                    guard case .obj(let o) = instance, let e = o as? PyException else { return .none }
                    if args.count != 1 || !args.keywords.isEmpty {
                        throw vm.error(
                            .typeError, "\(e.type.name).add_note() takes exactly one argument (\(args.count) given)")
                    }
                    guard case .str = args[0] else {
                        throw vm.error(.typeError, "note must be a str, not '\(vm.typeName(args[0]))'")
                    }
                    guard let notes = e.attributes["__notes__"] else {
                        try e.setAttr("__notes__", .obj(PyList([args[0]])), vm)
                        return .none
                    }
                    guard let list = notes.object as? PyList else {
                        throw vm.error(.typeError, "Cannot add note: __notes__ is not a list")
                    }
                    list.items.append(args[0])
                    return .none
                })
        default: return nil
        }
    }
    return builtinTypeMember(t, name)
}
