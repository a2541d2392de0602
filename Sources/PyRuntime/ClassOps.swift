import RunModel
import TraceLanguage

// The instructions of class statements and of method calls on their
// instances, kept out of `run` so that its hot loop stays small.

extension Interpreter {
    /// `buildClassNamespace`: the dict of a class body's bound names. CPython's
    /// class body binds `__module__` and `__qualname__` first; its `__class__`
    /// cell, when methods use one, goes to the class as `__classcell__`.
    @inline(never)
    func buildClassNamespaceOp(_ f: Frame) throws {
        let ns = PyDict()
        ns.table.reserveCapacity(f.code.localNames.count + 3)
        try ns.setItem(.str("__module__"), .str(f.code.moduleName), self)
        try ns.setItem(.str("__qualname__"), .str(f.code.qualifiedName), self)
        for (i, name) in f.code.localNames.enumerated() where !isUndefined(f.locals[i]) {
            try ns.setItem(.str(name), f.locals[i], self)
        }
        if let ci = f.code.cellNames.firstIndex(of: "__class__") {
            try ns.setItem(.str("__classcell__"), .obj(CellBox(f.cells[ci])), self)
        }
        f.push(.obj(ns))
    }

    /// `buildClass`: the namespace on top, the class keywords' values (named
    /// by the tuple `keywordNames`) below it, the `bases` bases below them.
    @inline(never)
    func buildClassOp(_ f: Frame, name: Value, bases n: Int, keywordNames: Value? = nil) throws {
        guard case .obj(let o) = f.pop(), let ns = o as? PyDict else {
            preconditionFailure("buildClass without a namespace")
        }
        var keywords: [(String, Value)] = []
        if let names = (keywordNames?.object as? PyTuple)?.items {
            let values = f.popArray(names.count)
            for (k, v) in zip(names, values) {
                guard case .str(let s) = k else { continue }
                keywords.append((s, v))
            }
        }
        var bases: [Value] = []
        for _ in 0..<n { bases.append(f.pop()) }
        bases.reverse()
        f.push(try buildClass(name: name, bases: bases, namespace: ns, keywords: keywords, module: f.code.moduleName))
    }

    /// `callMethod` on anything but a module: the receiver and `n` arguments on the stack.
    @inline(never)
    func callMethodOp(_ f: Frame, _ n: Int, _ nameIndex: Int) throws {
        if case .obj(let o) = f.peek(n), let instance = o as? PyInstance {
            // `obj.method(args)` on an instance of a class: the receiver and the
            // arguments leave the stack as the call's arguments, with no bound
            // method made; the call site caches the function per class.
            let cls = instance.cls
            let cache = f.runtime.methodCaches + nameIndex
            if cache.pointee.serial == cls.serial && cache.pointee.version == cls.version && !instance.hidesMethod,
                let fn = cache.pointee.function
            {
                f.push(try callFunction(fn, Args(f.popArray(n + 1))))
                return
            }
            if let fn = instance.method(f.code.names[nameIndex]) {
                if cls.isHeap && !cls.changedAfterCreation {
                    cache.pointee = MethodCallCache(serial: cls.serial, version: cls.version, function: fn)
                }
                f.push(try callFunction(fn, Args(f.popArray(n + 1))))
                return
            }
        }
        let name = f.code.names[nameIndex]
        let args = Args(f.popArray(n))
        let receiver = f.pop()
        f.push(try callMethod(receiver, name, args))
    }

    /// `formatValue`: the value (and its spec) on the stack, replaced by its text.
    @inline(never)
    func formatValueOp(_ f: Frame, _ conversion: UInt8, _ hasSpec: Bool) throws {
        let spec = hasSpec ? try str(f.pop()) : ""
        var v = f.pop()
        switch conversion {
        case 1: v = .str(try str(v))
        case 2, 3: v = .str(try repr(v))
        default: break
        }
        if !hasSpec, case .str = v {
            f.push(v)
        } else if !hasSpec && !(v.object is PyInstance) {
            f.push(.str(try str(v)))
        } else {
            f.push(.str(try format(v, spec)))
        }
    }
}
