import RunModel

/// Classes made by `class` statements, a trace's and the harness's prelude's
/// alike: CPython's `type.__new__` (C3 method resolution order, `__classcell__`
/// for zero-argument `super()`, `__hash__ = None` beside `__eq__`) and
/// `type.__call__` (`__new__`, then `__init__`).
extension Interpreter {
    package func makeClass(
        name nameValue: Value, bases: [Value], namespace: PyDict, module: String, keywords: [(String, Value)] = [],
        metaclass: PyType? = nil
    ) throws -> PyType {
        guard case .str(let name) = nameValue else { preconditionFailure("class name") }
        let bases = try resolveMroEntries(bases, namespace)
        var baseTypes: [PyType] = []
        for b in bases {
            guard case .obj(let o) = b, let t = o as? PyType else {
                throw error(.typeError, "bases must be types")
            }
            if baseTypes.contains(where: { $0 === t }) {
                throw error(.typeError, "duplicate base class \(t.name)")
            }
            guard t.isHeap || t === PyType.object || t === PyType.type || t.isExceptionType || t.builtinBase === t
            else {
                throw error(.typeError, "type '\(t.name)' is not an acceptable base type")
            }
            baseTypes.append(t)
        }
        // CPython's best_base: the bases' instance layouts must nest.
        let layouts = baseTypes.compactMap { t -> PyType? in t.builtinBase ?? (t.isExceptionType ? .baseException : nil)
        }
        if let first = layouts.first, layouts.contains(where: { $0 !== first }) {
            throw error(.typeError, "multiple bases have instance lay-out conflict")
        }
        let mro = try linearize(baseTypes.isEmpty ? [.object] : baseTypes)
        let cls = PyType(heapName: name, bases: baseTypes, mro: mro)
        if let metaclass, metaclass !== PyType.type { cls.metaclass = metaclass }
        cls.serial = nextClassSerial
        nextClassSerial += 1
        cls.module = module
        var cell: PyCell?
        var pairs: [(String, Value)] = []
        pairs.reserveCapacity(namespace.table.count + 1)
        var hasEq = false
        var hasHash = false
        var descriptors: [(String, PyInstance)] = []
        for (k, v) in namespace.table.entries {
            guard case .str(let s) = k else { continue }
            switch s {
            case "__classcell__":
                cell = (v.object as? CellBox)?.cell
                continue
            case "__qualname__":
                guard case .str(let q) = v else {
                    throw error(.typeError, "type __qualname__ must be a str, not \(typeName(v))")
                }
                cls.qualname = q
                continue
            case "__module__": cls.module = try str(v)
            case "__init_subclass__", "__class_getitem__":
                // type_new: a plain function here is made a class method.
                if case .obj(let o) = v, o is PyFunction {
                    pairs.append((s, .obj(PyClassMethod(v))))
                    continue
                }
            case "__eq__": hasEq = true
            case "__hash__": hasHash = true
            default: break
            }
            pairs.append((s, v))
            if case .obj(let o) = v, let d = o as? PyInstance { descriptors.append((s, d)) }
        }
        if hasEq && !hasHash { pairs.append(("__hash__", .none)) }
        cls.initializeMembers(pairs)
        cell?.value = .obj(cls)
        // CPython's type_new_set_names, then init_subclass: `__set_name__` of the
        // namespace's values whose class defines it, then the nearest base's
        // `__init_subclass__` (an implicit class method).
        for (name, d) in descriptors {
            guard let setName = d.cls.lookup("__set_name__") else { continue }
            _ = try callSpecial(setName, .obj(d), d.cls, [.obj(cls), .str(name)])
        }
        if let owner = cls.owner(of: "__init_subclass__", after: cls), let hook = owner.members!["__init_subclass__"] {
            _ = try call((hook.object as? PyClassMethod)?.function ?? hook, Args([.obj(cls)], keywords: keywords))
        } else if !keywords.isEmpty {
            throw error(.typeError, "\(name).__init_subclass__() takes no keyword arguments")
        }
        return cls
    }

    /// CPython's `update_bases` (PEP 560): a base that is not a class but has
    /// `__mro_entries__` (`Generic[T]`, `NamedTuple`) is replaced by the
    /// classes that method returns; when any was, the namespace gets the
    /// original bases as `__orig_bases__`.
    func resolveMroEntries(_ bases: [Value], _ namespace: PyDict) throws -> [Value] {
        guard bases.contains(where: { !($0.object is PyType) }) else { return bases }
        var resolved: [Value] = []
        var changed = false
        for b in bases {
            if !(b.object is PyType), let entries = try getAttrIfPresent(b, "__mro_entries__") {
                let result = try call(entries, Args([.obj(PyTuple(bases))]))
                guard case .obj(let o) = result, let tuple = o as? PyTuple else {
                    throw error(.typeError, "__mro_entries__ must return a tuple")
                }
                resolved += tuple.items
                changed = true
            } else {
                resolved.append(b)
            }
        }
        if changed { try namespace.setItem(.str("__orig_bases__"), .obj(PyTuple(bases)), self) }
        return resolved
    }

    /// C3 linearization of the bases' MROs, as CPython's `mro_implementation`,
    /// with its error for an inconsistent order.
    private func linearize(_ bases: [PyType]) throws -> [PyType] {
        var sequences = bases.map { $0.mro } + [bases]
        var result: [PyType] = []
        while true {
            sequences.removeAll { $0.isEmpty }
            if sequences.isEmpty { return result }
            var next: PyType?
            for s in sequences {
                let head = s[0]
                if !sequences.contains(where: { $0.dropFirst().contains { $0 === head } }) {
                    next = head
                    break
                }
            }
            guard let chosen = next else {
                var names: [String] = []
                for s in sequences where !names.contains(s[0].name) { names.append(s[0].name) }
                throw error(
                    .typeError,
                    "Cannot create a consistent method resolution\norder (MRO) for bases \(names.joined(separator: ", "))"
                )
            }
            result.append(chosen)
            for i in sequences.indices where sequences[i][0] === chosen { sequences[i].removeFirst() }
        }
    }

    /// `cls(*args)` for a class made by a `class` statement.
    package func instantiate(_ cls: PyType, _ args: Args) throws -> Value {
        let instance: Value
        if let new = cls.lookup("__new__") {
            var positional = args.positional
            positional.insert(.obj(cls), at: 0)
            instance = try call(unwrapStatic(new), Args(positional, keywords: args.keywords))
            guard isInstance(instance, cls) else { return instance }
        } else if cls.metaclass == nil && cls.derivesFromType {
            // A metaclass without `__new__` of its own: `type.__new__`.
            instance = try typeNew(cls, args)
        } else {
            instance = try newInstance(cls, args, checkArguments: cls.lookup("__init__") == nil)
        }
        if let initializer = cls.lookup("__init__") {
            var positional = args.positional
            positional.insert(instance, at: 0)
            let result = try call(unwrapStatic(initializer), Args(positional, keywords: args.keywords))
            guard result.isNone else {
                throw error(.typeError, "__init__() should return None, not '\(typeName(result))'")
            }
        }
        return instance
    }

    /// `object.__new__(cls)`: an instance of the kind the class's builtin base
    /// makes (an exception for exception classes), with no attributes yet.
    package func newInstance(_ cls: PyType, _ args: Args, checkArguments: Bool) throws -> Value {
        if cls.isExceptionType {
            let base = cls.mro.first { !$0.isHeap } ?? .exception
            let e = try PyException.make(base, Args(args.positional), self)
            return .obj(PyException(type: cls, args: e.args, attributes: e.attributes))
        }
        if let abstract = cls.abstractMethods {
            throw error(
                .typeError,
                "Can't instantiate abstract class \(cls.name) with abstract method\(abstract.count > 1 ? "s" : "") \(abstract.joined(separator: ", "))"
            )
        }
        if let base = cls.builtinBase {
            let instance = PyInstance(cls)
            instance.base = try builtinBaseValue(base, args, fill: cls.lookup("__init__") == nil)
            return .obj(instance)
        }
        if checkArguments && (args.count > 0 || !args.keywords.isEmpty) {
            throw error(.typeError, "\(cls.name)() takes no arguments")
        }
        return .obj(PyInstance(cls))
    }

    /// `__new__` is a static method even without `@staticmethod`.
    private func unwrapStatic(_ v: Value) -> Value {
        if case .obj(let o) = v, let s = o as? PyStaticMethod { return s.function }
        return v
    }
}
