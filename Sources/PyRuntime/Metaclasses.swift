import RunModel

/// Metaclasses, as CPython 3.11's `__build_class__` and `type` do them: the
/// metaclass comes from `metaclass=` or the bases (the most derived one, or
/// "metaclass conflict"), `__prepare__` gives the namespace, and the class is
/// `M(name, bases, ns, **kw)`. A class whose metaclass is not `type` keeps it
/// in `PyType.metaclass`; operations on the class (`len(C)`, `C[k]`, `C()`,
/// `repr(C)`, attributes it lacks) then go to the metaclass's methods.
/// Classes whose metaclass is `type` have a nil `metaclass` and take the
/// paths they took before metaclasses existed.
extension Interpreter {
    /// `__build_class__` once the body has run: `keywords` are the class
    /// keywords (`metaclass=` among them), in source order.
    package func buildClass(
        name: Value, bases: [Value], namespace: PyDict, keywords: [(String, Value)], module: String
    ) throws -> Value {
        // CPython's update_bases comes first: the metaclass and `__prepare__` see the resolved bases.
        let bases = try resolveMroEntries(bases, namespace)
        var keywords = keywords
        var explicit: Value?
        if let i = keywords.firstIndex(where: { $0.0 == "metaclass" }) { explicit = keywords.remove(at: i).1 }
        var meta: PyType = .type
        if let explicit {
            guard case .obj(let o) = explicit, let t = o as? PyType else {
                // A metaclass that is not a class (a function) is called as is.
                let prepared = try prepare(explicit, name: name, bases: bases, keywords: keywords, into: namespace)
                return try call(explicit, Args([name, .obj(PyTuple(bases)), prepared], keywords: keywords))
            }
            meta = t
        }
        meta = try calculateMetaclass(meta, bases)
        if meta === PyType.type {
            return .obj(
                try makeClass(name: name, bases: bases, namespace: namespace, module: module, keywords: keywords))
        }
        let prepared = try prepare(.obj(meta), name: name, bases: bases, keywords: keywords, into: namespace)
        return try meta.call(Args([name, .obj(PyTuple(bases)), prepared], keywords: keywords), self)
    }

    /// The namespace `meta.__prepare__(name, bases, **kw)` gives, holding the
    /// class body's bindings (set after the body ran, in the order they were first bound).
    private func prepare(
        _ meta: Value, name: Value, bases: [Value], keywords: [(String, Value)], into namespace: PyDict
    ) throws -> Value {
        let hook: Value?
        if case .obj(let o) = meta, let t = o as? PyType {
            hook = try t.lookup("__prepare__").map { try bindToClass($0, t) }
        } else {
            hook = try meta.object?.getAttr("__prepare__", self)
        }
        guard let hook else { return .obj(namespace) }
        let mapping = try call(hook, Args([name, .obj(PyTuple(bases))], keywords: keywords))
        if case .obj(let o) = mapping, o is PyDict || o is PyInstance {
            for (k, v) in namespace.table.entries { try o.setItem(k, v, self) }
            return mapping
        }
        let owner = (meta.object as? PyType)?.name ?? "<metaclass>"
        throw error(.typeError, "\(owner).__prepare__() must return a mapping, not \(typeName(mapping))")
    }

    /// CPython's `_PyType_CalculateMetaclass`: the most derived of `meta` and the bases' metaclasses.
    package func calculateMetaclass(_ meta: PyType, _ bases: [Value]) throws -> PyType {
        var winner = meta
        for b in bases {
            let t = pyType(b)
            if winner.isSubtype(of: t) { continue }
            if t.isSubtype(of: winner) {
                winner = t
                continue
            }
            throw error(
                .typeError,
                "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases"
            )
        }
        return winner
    }

    /// `type.__new__(meta, name, bases, ns, **kw)`: a class whose metaclass is `meta`.
    package func typeNew(_ meta: PyType, _ args: Args) throws -> Value {
        guard args.count == 3 else {
            if args.count == 1 && meta === PyType.type { return .obj(pyType(args[0])) }
            throw error(.typeError, "type.__new__() takes exactly 3 arguments (\(args.count) given)")
        }
        guard case .str = args[0] else {
            throw error(.typeError, "type.__new__() argument 1 must be str, not \(typeName(args[0]))")
        }
        guard case .obj(let b) = args[1], let bases = b as? PyTuple else {
            throw error(.typeError, "type.__new__() argument 2 must be tuple, not \(typeName(args[1]))")
        }
        guard case .obj(let d) = args[2], let ns = d as? PyDict else {
            throw error(.typeError, "type.__new__() argument 3 must be dict, not \(typeName(args[2]))")
        }
        let winner = try calculateMetaclass(meta, bases.items)
        let namespace = PyDict()
        let module: String
        if case .str(let m)? = ns.table.get(.str("__module__")) {
            module = m
        } else {
            module = "__main__"
            try namespace.setItem(.str("__module__"), .str(module), self)
        }
        for (k, v) in ns.table.entries { try namespace.setItem(k, v, self) }
        let cls = try makeClass(
            name: args[0], bases: bases.items, namespace: namespace, module: module, keywords: args.keywords,
            metaclass: winner)
        return .obj(cls)
    }

    /// Calls the metaclass's special method `name` on the class `cls`; nil when it has none.
    package func metaclassSpecial(_ name: String, _ cls: PyType, _ meta: PyType, _ args: [Value]) throws -> Value? {
        guard let m = meta.lookup(name) else { return nil }
        return try callSpecial(m, .obj(cls), meta, args)
    }

    /// The metaclass's `__repr__` or `__str__` of `cls`, checked to be a str.
    package func metaclassString(_ name: String, _ cls: PyType, _ meta: PyType) throws -> String? {
        guard let r = try metaclassSpecial(name, cls, meta, []) else { return nil }
        guard case .str(let s) = r else {
            throw error(.typeError, "\(name) returned non-string (type \(typeName(r)))")
        }
        return s
    }

    /// `len(cls)` through the metaclass's `__len__`.
    package func metaclassLength(_ cls: PyType, _ meta: PyType) throws -> Int? {
        guard let n = try metaclassSpecial("__len__", cls, meta, []) else { return nil }
        guard let i = intValue(n) else {
            throw error(.typeError, "'\(typeName(n))' object cannot be interpreted as an integer")
        }
        if i < 0 { throw error(.valueError, "__len__() should return >= 0") }
        return i
    }

    /// `bool(cls)` through the metaclass's `__bool__`, then `__len__`.
    package func metaclassTruthy(_ cls: PyType, _ meta: PyType) throws -> Bool {
        if let b = try metaclassSpecial("__bool__", cls, meta, []) {
            guard case .bool(let r) = b else {
                throw error(.typeError, "__bool__ should return bool, returned \(typeName(b))")
            }
            return r
        }
        if let n = try metaclassLength(cls, meta) { return n != 0 }
        return true
    }

    /// `isinstance(v, spec)`: `__instancecheck__` of a class's metaclass when it has one.
    package func instanceCheck(_ v: Value, _ spec: Value) throws -> Bool? {
        guard case .obj(let o) = spec else { return nil }
        if let t = o as? PyType {
            let vt = pyType(v)
            if vt === t { return true }
            if let m = t.metaclass, let hook = m.lookup("__instancecheck__") {
                return try truthy(try callSpecial(hook, spec, m, [v]))
            }
            return vt.isSubtype(of: t)
        }
        if let tuple = o as? PyTuple {
            for item in tuple.items {
                guard let r = try instanceCheck(v, item) else { return nil }
                if r { return true }
            }
            return false
        }
        return nil
    }

    /// `issubclass(c, spec)`: `__subclasscheck__` of a class's metaclass when it has one.
    package func subclassCheck(_ c: PyType, _ spec: Value) throws -> Bool? {
        guard case .obj(let o) = spec else { return nil }
        if let t = o as? PyType {
            if let m = t.metaclass, let hook = m.lookup("__subclasscheck__") {
                return try truthy(try callSpecial(hook, spec, m, [.obj(c)]))
            }
            return c.isSubtype(of: t)
        }
        if let tuple = o as? PyTuple {
            for item in tuple.items {
                guard let r = try subclassCheck(c, item) else { return nil }
                if r { return true }
            }
            return false
        }
        return nil
    }
}

/// The methods of `type` itself that a metaclass reaches through `super()`
/// or `type.NAME` (`__new__`, `__init__`, `__call__`, `__setattr__`...).
package func typeNativeMember(_ name: String) -> Value? {
    let t = PyType.type
    switch name {
    case "__new__":
        return .obj(
            PyNativeMethod(name, of: t) { meta, args, vm in
                guard case .obj(let o) = meta, let m = o as? PyType else {
                    throw vm.error(.typeError, "type.__new__(X): X is not a type object (\(vm.typeName(meta)))")
                }
                guard m.isSubtype(of: .type) else {
                    throw vm.error(.typeError, "type.__new__(\(m.name)): \(m.name) is not a subtype of type")
                }
                return try vm.typeNew(m, args)
            })
    case "__init__":
        return .obj(
            PyNativeMethod(name, of: t) { _, args, vm in
                if args.count != 1 && args.count != 3 {
                    throw vm.error(.typeError, "type.__init__() takes 1 or 3 arguments")
                }
                if args.count == 1 && !args.keywords.isEmpty {
                    throw vm.error(.typeError, "type.__init__() takes no keyword arguments")
                }
                return .none
            })
    case "__call__":
        return .obj(
            PyNativeMethod(name, of: t) { cls, args, vm in
                guard case .obj(let o) = cls, let c = o as? PyType else {
                    throw vm.error(
                        .typeError,
                        "descriptor '__call__' requires a 'type' object but received a '\(vm.typeName(cls))'")
                }
                return try c.typeCall(args, vm)
            })
    case "__setattr__":
        return .obj(
            PyNativeMethod(name, of: t) { cls, args, vm in
                try vm.checkArity("__setattr__", args, 2, 2)
                guard case .obj(let o) = cls, let c = o as? PyType, case .str(let n) = args[0] else {
                    throw vm.error(.typeError, "attribute name must be string, not '\(vm.typeName(args[0]))'")
                }
                try c.setAttrGeneric(n, args[1], vm)
                return .none
            })
    case "__delattr__":
        return .obj(
            PyNativeMethod(name, of: t) { cls, args, vm in
                try vm.checkArity("__delattr__", args, 1, 1)
                guard case .obj(let o) = cls, let c = o as? PyType, c.isHeap, case .str(let n) = args[0] else {
                    throw vm.error(.typeError, "can't apply this __delattr__ to \(vm.typeName(cls)) object")
                }
                guard c.members![n] != nil else {
                    throw vm.error(.attributeError, "type object '\(c.name)' has no attribute '\(n)'")
                }
                c.setMember(n, nil)
                return .none
            })
    case "__repr__":
        return .obj(
            PyNativeMethod(name, of: t) { cls, _, vm in
                guard case .obj(let o) = cls, let c = o as? PyType else { return .str(try vm.repr(cls)) }
                return .str("<class '\(c.qualifiedName)'>")
            })
    case "__instancecheck__":
        return .obj(
            PyNativeMethod(name, of: t) { cls, args, vm in
                try vm.checkArity("__instancecheck__", args, 1, 1)
                guard case .obj(let o) = cls, let c = o as? PyType else { return .bool(false) }
                return .bool(vm.isInstance(args[0], c))
            })
    case "__subclasscheck__":
        return .obj(
            PyNativeMethod(name, of: t) { cls, args, vm in
                try vm.checkArity("__subclasscheck__", args, 1, 1)
                guard case .obj(let o) = cls, let c = o as? PyType else { return .bool(false) }
                guard case .obj(let s) = args[0], let sub = s as? PyType else {
                    throw vm.error(.typeError, "issubclass() arg 1 must be a class")
                }
                return .bool(sub.isSubtype(of: c))
            })
    case "__subclasses__":
        return .obj(
            PyNativeMethod(name, of: t) { cls, args, vm in
                try vm.checkArity("__subclasses__", args, 0, 0)
                guard case .obj(let o) = cls, let c = o as? PyType else { return .obj(PyList([])) }
                return .obj(PyList(c.directSubclasses.map { .obj($0) }))
            })
    case "mro":
        return .obj(
            PyNativeMethod(name, of: t) { cls, args, vm in
                try vm.checkArity("mro", args, 0, 0)
                guard case .obj(let o) = cls, let c = o as? PyType else { return .obj(PyList([])) }
                return .obj(PyList(c.mro.map { .obj($0) }))
            })
    default: return nil
    }
}
