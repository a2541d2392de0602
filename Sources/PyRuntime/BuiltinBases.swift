import TraceLanguage

// Classes that derive from a built-in type (`class Registry(dict)`,
// `class Status(str, Enum)`, `class Port(int)`), as CPython has them: the
// instance holds a value of the built-in type (`PyInstance.base`), made by
// the built-in's `__new__` (from the call's arguments, for the immutable
// types) or filled by its `__init__` (list, dict, set); everything the
// class does not define falls back to that value: methods (`self.append`,
// `super().__setitem__`), `len`, iteration, indexing, `in`, `repr`/`str`,
// equality, hashing (so a `str` subclass finds the same dict keys as its
// text), ordering and arithmetic (whose results are plain built-in values,
// as in CPython).

extension PyType {
    /// The built-in types a class of a trace may derive from.
    package static let subclassableBuiltins: [PyType] = [
        .str, .int, .float, .list, .dict, .tuple, .set, .bytes,
        // collections' native types (Deque.swift, CollectionsDicts.swift).
        PyDeque.type, DictFlavor.defaultDictType, DictFlavor.orderedDictType, DictFlavor.counterType,
    ]

    /// The built-in type whose values this class's instances hold: the first
    /// of `subclassableBuiltins` in its MRO; nil for a plain class.
    package var builtinBase: PyType? { isHeap ? heapBuiltinBase : PyType.firstSubclassableBuiltin(in: mro) }

    static func firstSubclassableBuiltin(in mro: [PyType]) -> PyType? {
        for t in mro where !t.isHeap {
            if subclassableBuiltins.contains(where: { $0 === t }) { return t }
        }
        return nil
    }

    /// True for the built-in types whose value `__init__` fills in place.
    var isMutableBuiltin: Bool {
        self === PyType.list || self === PyType.dict || self === PyType.set || self === PyDeque.type
            || isSubtype(of: .dict)
    }
}

extension Interpreter {
    /// The built-in value a new instance of `cls` (which derives from the
    /// built-in type `base`) holds: `base(*args)` for an immutable type,
    /// or an empty one that `__init__` fills. `fill` says whether the
    /// arguments fill a mutable value now (no `__init__` of the class will).
    package func builtinBaseValue(_ base: PyType, _ args: Args, fill: Bool) throws -> Value {
        if base.isMutableBuiltin && !fill { return try base.call(Args(), self) }
        return try base.call(args, self)
    }

    /// The built-in value `v` stands for: the value an instance of a class
    /// derived from a built-in type holds, else `v` itself.
    @inline(__always) package func builtinValue(_ v: Value) -> Value {
        if case .obj(let o) = v, let i = o as? PyInstance, let b = i.base { return b }
        return v
    }
}

/// Whether `name` is a method of the built-in type `t` (not a special method).
private func namedMethod(of t: PyType, _ name: String) -> Bool {
    if t === PyType.str { return strMethodNames.contains(name) }
    if t === PyType.list { return listMethodNames.contains(name) }
    if t.isSubtype(of: .dict) { return dictMethodNames.contains(name) || DictFlavor.methodNames(of: t).contains(name) }
    if t === PyType.set { return setMethodNames.contains(name) }
    if t === PyType.bytes { return bytesMethodNames.contains(name) }
    if t === PyType.tuple { return name == "count" || name == "index" }
    if t === PyDeque.type { return PyDeque.methodNames.contains(name) }
    return false
}

/// The members of the subclassable built-in types that a class deriving
/// from them inherits, and that `str.upper`, `dict.__setitem__` and the like
/// name: each works on the built-in value of its first argument.
func builtinTypeMember(_ t: PyType, _ name: String) -> Value? {
    guard PyType.subclassableBuiltins.contains(where: { $0 === t }) else { return nil }
    switch name {
    case "__new__":
        return .obj(
            PyNativeMethod(name, of: t) { cls, args, vm in
                guard case .obj(let o) = cls, let c = o as? PyType else {
                    throw vm.error(
                        .typeError, "\(t.name).__new__(X): X is not a type object (\(vm.typeName(cls)))")
                }
                guard c.isSubtype(of: t) else {
                    throw vm.error(.typeError, "\(t.name).__new__(\(c.name)): \(c.name) is not a subtype of \(t.name)")
                }
                if !c.isHeap { return try c.call(args, vm) }
                return try vm.newInstance(c, args, checkArguments: false)
            })
    case "__init__" where t.isMutableBuiltin:
        return .obj(
            PyNativeMethod(name, of: t) { instance, args, vm in
                guard case .obj(let o) = instance, let i = o as? PyInstance, i.base != nil else {
                    throw vm.error(
                        .typeError,
                        "descriptor '__init__' requires a '\(t.name)' object but received a '\(vm.typeName(instance))'")
                }
                i.base = try t.call(args, vm)
                return .none
            })
    case "fromkeys" where t === PyType.dict:
        // `dict.fromkeys(iterable, value=None)`, a class method: a subclass makes its own kind.
        let make = PyNativeMethod(name, of: t) { cls, args, vm in
            try vm.checkArity("fromkeys", args, 1, 2)
            let d = try vm.call(cls, Args())
            let value = args.count > 1 ? args[1] : .none
            for k in try vm.iterate(args[0]) {
                guard case .obj(let o) = d else { break }
                try o.setItem(k, value, vm)
            }
            return d
        }
        return .obj(PyClassMethod(.obj(make)))
    default: break
    }
    guard BuiltinSpecialMethods.names.contains(name) || namedMethod(of: t, name) else { return nil }
    return .obj(
        PyNativeMethod(name, of: t) { instance, args, vm in
            guard vm.pyType(instance).isSubtype(of: t) else {
                throw vm.error(
                    .typeError,
                    "descriptor '\(name)' for '\(t.name)' objects doesn't apply to a '\(vm.typeName(instance))' object")
            }
            let target = vm.builtinValue(instance)
            if BuiltinSpecialMethods.names.contains(name) {
                guard let m = try vm.builtinSpecialMethod(target, name) else {
                    throw vm.error(.attributeError, "type object '\(t.name)' has no attribute '\(name)'")
                }
                return try vm.call(m, args)
            }
            return try vm.callMethod(target, name, args)
        })
}
