import RunModel

/// Classes made by `class` statements. Traces cannot write them; the
/// harness's asyncio prelude (CPython's own `locks.py`, `queues.py`, ...
/// transcribed) does. Single inheritance; methods are plain functions
/// looked up along the bases and called with the instance first.
extension Interpreter {
    package func makeClass(name nameValue: Value, bases: [Value], namespace: PyDict, module: String) throws -> PyType {
        guard case .str(let name) = nameValue else { preconditionFailure("class name") }
        guard bases.count <= 1 else { throw error(.typeError, "\(name): one base class at most") }
        var base = PyType.object
        if let b = bases.first {
            guard case .obj(let o) = b, let t = o as? PyType, t.members != nil else {
                throw error(.typeError, "\(name): a class may derive only from another prelude class")
            }
            base = t
        }
        var members: [String: Value] = [:]
        for (k, v) in namespace.table.entries {
            if case .str(let s) = k { members[s] = v }
        }
        let cls = PyType(name, base: base)
        cls.members = members
        cls.module = module
        cls.constructor = { [unowned cls] args, vm in
            let instance = PyInstance(cls)
            if let initializer = cls.lookup("__init__") {
                let result = try vm.call(initializer, Args([.obj(instance)] + args.positional, keywords: args.keywords))
                guard result.isNone else {
                    throw vm.error(.typeError, "__init__() should return None, not '\(vm.typeName(result))'")
                }
            } else if args.count > 0 || !args.keywords.isEmpty {
                throw vm.error(.typeError, "\(cls.name)() takes no arguments")
            }
            return .obj(instance)
        }
        return cls
    }
}

/// `property(fget)`: an attribute computed by calling `fget(instance)`; read-only.
package final class PyProperty: PyObject {
    package let getter: Value

    package init(getter: Value) { self.getter = getter }

    package override var typeName: String { "property" }
}

/// An instance of a prelude class: its attributes, then its class's.
package final class PyInstance: PyObject {
    package let cls: PyType
    @exclusivity(unchecked) package var attributes: [String: Value] = [:]

    package init(_ cls: PyType) { self.cls = cls }

    package override var typeName: String { cls.name }
    package override var pyType: PyType { cls }

    package override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if let v = attributes[name] { return v }
        if name == "__class__" { return .obj(cls) }
        guard let v = cls.lookup(name) else { return nil }
        if v.object is PyFunction { return .obj(PyBoundMethod(receiver: self, name: name)) }
        if let p = v.object as? PyProperty { return try vm.call(p.getter, Args([.obj(self)])) }
        return v
    }

    package override func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        if cls.lookup(name)?.object is PyProperty {
            throw vm.error(.attributeError, "property '\(name)' of '\(cls.name)' object has no setter")
        }
        attributes[name] = value
    }

    package override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        if let v = attributes[name] { return try vm.call(v, args) }
        guard let v = cls.lookup(name) else {
            throw vm.error(.attributeError, "'\(cls.name)' object has no attribute '\(name)'")
        }
        if let fn = v.object as? PyFunction {
            var positional = args.positional
            positional.insert(.obj(self), at: 0)
            return try vm.callFunction(fn, Args(positional, keywords: args.keywords))
        }
        if let p = v.object as? PyProperty { return try vm.call(try vm.call(p.getter, Args([.obj(self)])), args) }
        return try vm.call(v, args)
    }

    /// Calls a special method when the class defines one.
    private func special(_ name: String, _ vm: Interpreter) throws -> Value? {
        guard cls.lookup(name) != nil else { return nil }
        return try callMethod(name, Args(), vm)
    }

    package override func repr(_ vm: Interpreter) throws -> String {
        if let r = try special("__repr__", vm) { return try vm.str(r) }
        return "<\(cls.qualifiedName) object at 0x7f0000000000>"
    }

    package override func str(_ vm: Interpreter) throws -> String {
        if let r = try special("__str__", vm) { return try vm.str(r) }
        return try repr(vm)
    }

    package override func length(_ vm: Interpreter) throws -> Int? {
        guard let n = try special("__len__", vm) else { return nil }
        guard case .int(let i) = n else {
            throw vm.error(.typeError, "'\(vm.typeName(n))' object cannot be interpreted as an integer")
        }
        return i
    }

    package override func truthy(_ vm: Interpreter) throws -> Bool {
        if let b = try special("__bool__", vm) { return try vm.truthy(b) }
        if let n = try length(vm) { return n != 0 }
        return true
    }
}
