import RunModel

// What a class attribute becomes when read through an instance or the
// class: functions bind to the instance, class methods to the class, static
// methods stay plain, properties compute. CPython's descriptor protocol,
// for the descriptors a trace can make.

/// A function bound to its first argument (`obj.method` taken as a value,
/// or a class method bound to its class).
public final class PyMethod: PyObject {
    package let function: Value
    package let receiver: Value

    package init(function: Value, receiver: Value) {
        self.function = function
        self.receiver = receiver
    }

    public override var typeName: String { "method" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(function)
        teardown.add(receiver)
    }
    public override var pyType: PyType { .method }
    public override var isCallable: Bool { true }
    public override func repr(_ vm: Interpreter) throws -> String {
        let name = try vm.qualifiedNameOf(function)
        return "<bound method \(name) of \(try vm.repr(receiver))>"
    }
    public override func call(_ args: Args, _ vm: Interpreter) throws -> Value {
        var positional = args.positional
        positional.insert(receiver, at: 0)
        if case .obj(let o) = function, let fn = o as? PyFunction {
            return try vm.callFunction(fn, Args(positional, keywords: args.keywords))
        }
        return try vm.call(function, Args(positional, keywords: args.keywords))
    }
    public override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard case .obj(let o) = other, let m = o as? PyMethod else { return nil }
        return m.function.isIdentical(to: function) && m.receiver.isIdentical(to: receiver)
    }
    public override func hashKey(_ vm: Interpreter) throws -> HashKey? {
        .tuple([try HashKey.of(function, vm), try HashKey.of(receiver, vm)])
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "__self__": return receiver
        case "__func__": return function
        default: return try vm.getAttrIfPresent(function, name)
        }
    }
}

/// `property(fget, fset, fdel, doc)`, and its `setter`/`deleter` decorators.
public final class PyProperty: PyObject {
    package let getter: Value
    package let setter: Value
    package let deleter: Value
    package let doc: Value

    package init(getter: Value, setter: Value = .none, deleter: Value = .none, doc: Value = .none) {
        self.getter = getter
        self.setter = setter
        self.deleter = deleter
        self.doc = doc
    }

    public override var typeName: String { "property" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add([getter, setter, deleter, doc])
    }
    public override var pyType: PyType { .property }

    package func get(_ instance: Value, _ vm: Interpreter) throws -> Value {
        if getter.isNone {
            throw vm.error(.attributeError, "property of '\(vm.typeName(instance))' object has no getter")
        }
        return try vm.call(getter, Args([instance]))
    }

    package func set(_ instance: Value, _ name: String, _ value: Value, _ vm: Interpreter) throws {
        if setter.isNone {
            throw vm.error(.attributeError, "property '\(name)' of '\(vm.typeName(instance))' object has no setter")
        }
        _ = try vm.call(setter, Args([instance, value]))
    }

    package func delete(_ instance: Value, _ name: String, _ vm: Interpreter) throws {
        if deleter.isNone {
            throw vm.error(.attributeError, "property '\(name)' of '\(vm.typeName(instance))' object has no deleter")
        }
        _ = try vm.call(deleter, Args([instance]))
    }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "fget": return getter
        case "fset": return setter
        case "fdel": return deleter
        case "__doc__": return doc
        case "__isabstractmethod__":
            // property.__isabstractmethod__: whether one of its functions is abstract.
            for f in [getter, setter, deleter] where !f.isNone {
                if let a = try vm.getAttrIfPresent(f, name), try vm.truthy(a) { return .bool(true) }
            }
            return .bool(false)
        case "getter", "setter", "deleter":
            return .obj(
                PyBuiltin(name) { args, vm in
                    try vm.checkArity(name, args, 1, 1)
                    let f = args[0]
                    switch name {
                    case "getter": return .obj(PyProperty(getter: f, setter: self.setter, deleter: self.deleter))
                    case "setter": return .obj(PyProperty(getter: self.getter, setter: f, deleter: self.deleter))
                    default: return .obj(PyProperty(getter: self.getter, setter: self.setter, deleter: f))
                    }
                })
        default: return nil
        }
    }
}

/// `classmethod(f)`: binds to the class, whether read through the class or an instance.
public final class PyClassMethod: PyObject {
    package let function: Value
    package init(_ function: Value) { self.function = function }
    public override var typeName: String { "classmethod" }
    public override func dropReferences(into teardown: ObjectTeardown) { teardown.add(function) }
    public override var pyType: PyType { .classMethod }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        name == "__func__" ? function : try vm.getAttrIfPresent(function, name)
    }
}

/// `staticmethod(f)`: the plain function, whether read through the class or an instance.
public final class PyStaticMethod: PyObject {
    package let function: Value
    package init(_ function: Value) { self.function = function }
    public override var typeName: String { "staticmethod" }
    public override func dropReferences(into teardown: ObjectTeardown) { teardown.add(function) }
    public override var pyType: PyType { .staticMethod }
    public override var isCallable: Bool { true }
    public override func call(_ args: Args, _ vm: Interpreter) throws -> Value { try vm.call(function, args) }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        name == "__func__" ? function : try vm.getAttrIfPresent(function, name)
    }
}

/// A method of a builtin base class (`object.__init__`, `BaseException.__str__`):
/// takes the instance first, like a function read through its class.
public final class PyNativeMethod: PyObject {
    package let name: String
    package let owner: PyType
    package let body: (Value, Args, Interpreter) throws -> Value

    package init(_ name: String, of owner: PyType, _ body: @escaping (Value, Args, Interpreter) throws -> Value) {
        self.name = name
        self.owner = owner
        self.body = body
    }

    public override var typeName: String { "wrapper_descriptor" }
    public override var isCallable: Bool { true }
    public override func repr(_ vm: Interpreter) throws -> String {
        "<slot wrapper '\(name)' of '\(owner.name)' objects>"
    }
    public override func call(_ args: Args, _ vm: Interpreter) throws -> Value {
        guard let first = args.positional.first else {
            throw vm.error(.typeError, "descriptor '\(name)' of '\(owner.name)' object needs an argument")
        }
        return try body(first, Args(Array(args.positional.dropFirst()), keywords: args.keywords), vm)
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "__name__": return .str(self.name)
        case "__qualname__": return .str("\(owner.name).\(self.name)")
        default: return nil
        }
    }
}

/// `super()` and `super(type, obj)`: attributes of the classes after `start`
/// in the MRO of `obj`'s class, bound to `obj`.
public final class PySuper: PyObject {
    package let start: PyType
    package let receiver: Value
    /// The class whose MRO is searched: `type(obj)`, or `obj` itself when it is a class.
    package let searched: PyType

    package init(start: PyType, receiver: Value, searched: PyType) {
        self.start = start
        self.receiver = receiver
        self.searched = searched
    }

    public override var typeName: String { "super" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(start)
        teardown.add(receiver)
        teardown.add(searched)
    }
    public override var pyType: PyType { .superType }
    public override func repr(_ vm: Interpreter) throws -> String {
        "<super: <class '\(start.name)'>, <\(searched.name) object>>"
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if name == "__class__" { return .obj(PyType.superType) }
        let mro = searched.mro
        var i = (mro.firstIndex { $0 === start } ?? mro.count - 1) + 1
        let receiverIsClass = receiver.object === searched && !vm.isInstance(receiver, searched)
        while i < mro.count {
            let t = mro[i]
            i += 1
            let member: Value?
            if t.isHeap { member = t.members![name] } else { member = nativeMember(t, name) }
            guard let v = member else { continue }
            if receiverIsClass { return try vm.bindToClass(v, searched) }
            return try vm.bind(v, to: receiver, of: searched)
        }
        return nil
    }
}

/// Whether a class member takes precedence over an instance's attribute of
/// the same name: a property, or an instance of a class with `__set__` or `__delete__`.
package func isDataDescriptor(_ v: Value) -> Bool {
    guard case .obj(let o) = v else { return false }
    if o is PyProperty { return true }
    if let i = o as? PyInstance { return i.cls.lookup("__set__") != nil || i.cls.lookup("__delete__") != nil }
    return false
}

/// `NotImplemented`: what a binary special method returns to let the other operand try.
public final class PyNotImplemented: PyObject {
    public static let shared = PyNotImplemented()
    public override var typeName: String { "NotImplementedType" }
    public override func repr(_ vm: Interpreter) throws -> String { "NotImplemented" }
}

extension Interpreter {
    /// `v` read through an instance: functions bind, class methods bind to
    /// the class, static methods unwrap, properties compute.
    @inline(__always)
    package func bind(_ v: Value, to instance: Value, of cls: PyType) throws -> Value {
        guard case .obj(let o) = v else { return v }
        if o is PyFunction || o is PyNativeMethod { return .obj(PyMethod(function: v, receiver: instance)) }
        if let p = o as? PyProperty { return try p.get(instance, self) }
        if let c = o as? PyClassMethod { return .obj(PyMethod(function: c.function, receiver: .obj(cls))) }
        if let s = o as? PyStaticMethod { return s.function }
        if let d = o as? PyInstance, let get = d.cls.lookup("__get__") {
            return try callSpecial(get, v, d.cls, [instance, .obj(cls)])
        }
        return v
    }

    /// `v` read through its class: class methods bind to it, static methods
    /// unwrap, a class's `__get__(None, cls)` runs; functions and properties stay as they are.
    package func bindToClass(_ v: Value, _ cls: PyType) throws -> Value {
        guard case .obj(let o) = v else { return v }
        if let c = o as? PyClassMethod { return .obj(PyMethod(function: c.function, receiver: .obj(cls))) }
        if let s = o as? PyStaticMethod { return s.function }
        if let d = o as? PyInstance, let get = d.cls.lookup("__get__") {
            return try callSpecial(get, v, d.cls, [.none, .obj(cls)])
        }
        return v
    }

    /// `instance.name = value` through the data descriptor `d` (a property's
    /// setter, or `__set__` of a class's instance).
    package func setThroughDescriptor(_ d: Value, _ instance: Value, _ name: String, _ value: Value) throws {
        guard case .obj(let o) = d else { return }
        if let p = o as? PyProperty {
            try p.set(instance, name, value, self)
        } else if let i = o as? PyInstance, let set = i.cls.lookup("__set__") {
            _ = try callSpecial(set, d, i.cls, [instance, value])
        } else {
            throw error(.attributeError, "'\(typeName(instance))' object attribute '\(name)' is read-only")
        }
    }

    /// `getattr(v, name, None)` without the AttributeError (nil when absent).
    package func getAttrIfPresent(_ v: Value, _ name: String) throws -> Value? {
        if case .obj(let o) = v { return try o.getAttr(name, self) }
        return nil
    }

    /// `f.__qualname__` for the repr of bound methods.
    package func qualifiedNameOf(_ f: Value) throws -> String {
        if case .obj(let o) = f {
            if let fn = o as? PyFunction { return fn.code.qualifiedName }
            if let n = o as? PyNativeMethod { return "\(n.owner.name).\(n.name)" }
            if let b = o as? PyBuiltin { return b.name }
        }
        return try repr(f)
    }

    /// `C.name` for a class `C`: its own and its bases' members (class methods
    /// bound to it), the members builtin bases provide, and the type's own attributes.
    package func typeAttribute(_ cls: PyType, _ name: String) throws -> Value? {
        switch name {
        case "__name__": return .str(cls.name)
        case "__qualname__": return .str(cls.qualname)
        case "__module__" where !cls.isHeap: return .str(cls.module ?? PyType.moduleOf[cls.name] ?? "builtins")
        case "__mro__": return .obj(PyTuple(cls.mro.map { .obj($0) }))
        case "__bases__": return .obj(PyTuple(cls.bases.map { .obj($0) }))
        case "__base__": return cls.base.map { .obj($0) } ?? Value.none
        case "__class__": return .obj(cls.metaclass ?? PyType.type)
        case "__dict__":
            let d = PyDict()
            if cls.isHeap { for k in cls.memberOrder { try d.setItem(.str(k), cls.members![k]!, self) } }
            return .obj(d)
        case "__doc__" where cls.lookup("__doc__") == nil: return Value.none
        // The mutable builtins are unhashable: their `__hash__` is None (what `dataclasses` checks).
        case "__hash__" where !cls.isHeap && ["list", "dict", "set", "bytearray"].contains(cls.name): return Value.none
        default: break
        }
        if let m = cls.metaclass { return try metaclassAttribute(cls, m, name) }
        if let v = cls.lookup(name) { return try bindToClass(v, cls) }
        if name == "fromkeys", cls === DictFlavor.counterType { return .obj(DictFlavor.counterFromKeys) }
        for t in cls.mro where !t.isHeap {
            if let v = nativeMember(t, name) { return try bindToClass(v, cls) }
        }
        // The methods of `type` itself (`C.mro()`, `C.__subclasses__()`).
        if let v = typeNativeMember(name) { return try bind(v, to: .obj(cls), of: .type) }
        return nil
    }

    /// `cls.name` for a class whose metaclass is `meta`, as `type.__getattribute__`:
    /// the metaclass's data descriptors, then the class's MRO, then the
    /// metaclass's other attributes bound to the class.
    private func metaclassAttribute(_ cls: PyType, _ meta: PyType, _ name: String) throws -> Value? {
        let metaMember = meta.lookup(name)
        if let d = metaMember, isDataDescriptor(d) { return try bind(d, to: .obj(cls), of: meta) }
        if let v = cls.lookup(name) { return try bindToClass(v, cls) }
        for t in cls.mro where !t.isHeap {
            if let v = nativeMember(t, name) { return try bindToClass(v, cls) }
        }
        if let v = metaMember { return try bind(v, to: .obj(cls), of: meta) }
        if let v = typeNativeMember(name) { return try bind(v, to: .obj(cls), of: meta) }
        if let getattr = meta.lookup("__getattr__") { return try callSpecial(getattr, .obj(cls), meta, [.str(name)]) }
        return nil
    }
}
