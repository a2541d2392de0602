import TraceLanguage

/// The special methods of built-in values, looked up as attributes:
/// `it.__next__`, `[].__len__`, `d.__getitem__`, `(1).__lt__`, which
/// CPython's own library code (and some services) call directly. Each is a
/// bound builtin doing what the operation does; the operations themselves
/// never come through here. Only the methods the value's type has exist, so
/// `hasattr(x, '__next__')` tells iterators apart as in CPython.
enum BuiltinSpecialMethods {
    /// The names `builtinSpecialMethod` knows.
    static let names: Set<String> = [
        "__repr__", "__str__", "__format__", "__hash__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
        "__bool__", "__len__", "__iter__", "__next__", "__contains__", "__getitem__", "__setitem__", "__delitem__",
        "__call__",
    ]
}

extension Interpreter {
    /// The special method `name` of a built-in value, or nil.
    package func builtinSpecialMethod(_ v: Value, _ name: String) throws -> Value? {
        guard name.hasPrefix("__"), name.hasSuffix("__") else { return nil }
        if case .obj(let o) = v, o is PyInstance || o is PyType { return nil }
        func bound(_ arity: Int, _ body: @escaping (Args, Interpreter) throws -> Value) -> Value {
            let method = PyBuiltin(name) { args, vm in
                try vm.checkArity(name, args, arity, arity)
                return try body(args, vm)
            }
            method.boundTo = v
            return .obj(method)
        }
        let object = v.object
        switch name {
        case "__repr__": return bound(0) { _, vm in .str(try vm.repr(v)) }
        case "__str__": return bound(0) { _, vm in .str(try vm.str(v)) }
        case "__format__": return bound(1) { a, vm in .str(try vm.format(v, try vm.str(a[0]))) }
        case "__hash__":
            if object is PyList || object is PyDict || object is PySet { return Value.none }
            return bound(0) { _, vm in try vm.call(vm.builtin("hash")!, Args([v])) }
        case "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__":
            let op: CompareOp =
                ["__eq__": .eq, "__ne__": .ne, "__lt__": .lt, "__le__": .le, "__gt__": .gt][name] ?? .ge
            return bound(1) { a, vm in
                // A built-in type's comparison handles its own kind only
                // (float's takes ints too); anything else is NotImplemented.
                let mine = vm.pyType(v), theirs = vm.pyType(a[0])
                let handled =
                    theirs.isSubtype(of: mine) || mine.isSubtype(of: theirs) && mine !== PyType.bool
                    || (mine === PyType.float && theirs.isSubtype(of: .int))
                guard handled else { return .obj(PyNotImplemented.shared) }
                do {
                    return try compareOp(op, v, a[0], vm)
                } catch let e as PyRaise where e.exception.type.isSubtype(of: PyType.typeError) {
                    return .obj(PyNotImplemented.shared)
                }
            }
        case "__bool__":
            switch v {
            case .int, .bool, .float: return bound(0) { _, vm in .bool(try vm.truthy(v)) }
            default: return nil
            }
        case "__len__":
            if case .str = v {} else if try object?.length(self) == nil { return nil }
            return bound(0) { _, vm in try vm.call(vm.builtin("len")!, Args([v])) }
        case "__iter__":
            guard (try? makeIterator(v)) != nil else { return nil }
            return bound(0) { _, vm in .obj(try vm.makeIterator(v)) }
        case "__next__":
            guard let o = object, !(o is PyCoroutine), (try? o.makeIterator(self)) === o else { return nil }
            return bound(0) { _, vm in try vm.call(vm.builtin("next")!, Args([v])) }
        case "__contains__":
            if case .str = v {} else if try object?.length(self) == nil { return nil }
            return bound(1) { a, vm in .bool(try containsValue(v, a[0], vm)) }
        case "__getitem__":
            if case .str = v {
            } else if !(object is PyList || object is PyTuple || object is PyDict || object is PyBytes) {
                return nil
            }
            return bound(1) { a, vm in
                if case .str(let s) = v { return try strGetItem(s, a[0], vm) }
                return try object!.getItem(a[0], vm)
            }
        case "__setitem__":
            guard let o = object, o is PyList || o is PyDict else { return nil }
            return bound(2) { a, vm in
                try o.setItem(a[0], a[1], vm)
                return .none
            }
        case "__delitem__":
            guard object is PyList || object is PyDict else { return nil }
            return bound(1) { a, vm in
                try vm.deleteItem(v, a[0])
                return .none
            }
        case "__call__":
            guard let o = object, o.isCallable else { return nil }
            return .obj(PyBuiltin(name) { args, vm in try o.call(args, vm) })
        default: return nil
        }
    }

    /// The AttributeError for `v.name`, unless `name` is a special method the
    /// value's type has (`builtinSpecialMethod`), which is returned instead.
    package func missingAttribute(_ v: Value, _ name: String) throws -> Value {
        if let m = try builtinSpecialMethod(v, name) { return m }
        // `x.__class__` of a built-in value (instances and types answer it themselves).
        if name == "__class__" { return .obj(pyType(v)) }
        throw error(.attributeError, "'\(typeName(v))' object has no attribute '\(name)'")
    }
}
