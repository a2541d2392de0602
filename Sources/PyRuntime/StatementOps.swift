import RunModel
import TraceLanguage

// The instructions of `del`, star-unpacking, displays with `*`/`**` and
// asynchronous iteration (CPython 3.11's DELETE_*, UNPACK_EX, SET_UPDATE,
// DICT_UPDATE, LIST_TO_TUPLE, GET_AITER, GET_ANEXT, END_ASYNC_FOR), with
// CPython's error texts. None of them is on the hot path: the interpreter's
// general switch hands them here.

extension Interpreter {
    /// Runs one of the instructions above in `f`.
    package func runStatementOp(_ op: Op, _ f: Frame) throws {
        switch op {
        case .deleteGlobal(let i):
            if isUndefined(f.globals.values[Int(i)]) {
                throw error(.nameError, "name '\(f.globals.names[Int(i)])' is not defined")
            }
            f.globals.values[Int(i)] = .undefined
        case .deleteDeref(let i):
            let cell = f.cells[Int(i)]
            if isUndefined(cell.value) {
                if Int(i) < f.code.cellNames.count {
                    throw error(
                        .unboundLocalError,
                        "cannot access local variable '\(f.code.cellNames[Int(i)])' where it is not associated with a value"
                    )
                }
                let name = f.code.freeNames[Int(i) - f.code.cellNames.count]
                throw error(
                    .nameError,
                    "cannot access free variable '\(name)' where it is not associated with a value in enclosing scope")
            }
            cell.value = .undefined
        case .deleteAttr(let i):
            try deleteAttribute(f.pop(), f.code.names[Int(i)])
        case .deleteSubscript:
            let k = f.pop()
            let o = f.pop()
            try deleteItem(o, k)
        case .unpackEx(let before, let after):
            let v = f.pop()
            let items: [Value]
            do {
                items = try iterate(v)
            } catch let r as PyRaise where r.exception.type === PyType.typeError && !isIterable(v) {
                throw error(.typeError, "cannot unpack non-iterable \(typeName(v)) object")
            }
            let b = Int(before)
            let a = Int(after)
            if items.count < b + a {
                throw error(.valueError, "not enough values to unpack (expected at least \(b + a), got \(items.count))")
            }
            for x in items[(items.count - a)...].reversed() { f.push(x) }
            f.push(.obj(PyList(Array(items[b..<(items.count - a)]))))
            for x in items[..<b].reversed() { f.push(x) }
        case .setUpdate(let n):
            let v = f.pop()
            let s = f.peek(Int(n) - 1).object as! PySet
            for x in try iterate(v) { try s.add(x, self) }
        case .dictUpdate(let n):
            let m = f.pop()
            let d = f.peek(Int(n) - 1).object as! PyDict
            guard case .obj(let mo) = m, let src = mo as? PyDict else {
                throw error(.typeError, "'\(typeName(m))' object is not a mapping")
            }
            for (k, v) in src.table.entries { try d.setItem(k, v, self) }
        case .listToTuple:
            let l = f.pop().object as! PyList
            f.push(.obj(PyTuple(l.items)))
        case .getAIter:
            f.push(try asyncIterator(f.pop()))
        case .getANext:
            f.push(.obj(try asyncNext(f.top)))
        case .endAsyncFor:
            let e = f.pop().object as! PyException
            guard e.type.isSubtype(of: .stopAsyncIteration) else { throw PyRaise(exception: e) }
            f.drop()
            let b = f.blocks.removeLast()
            f.handling = b.saved
        case .asyncGenWrap:
            f.push(.obj(AsyncGenWrappedValue(f.pop())))
        case .matchPattern(let p, let n):
            try runMatchPattern(f, f.runtime.constants[Int(p)].object as! MatchProgramBox, values: Int(n))
        default:
            preconditionFailure("runStatementOp: \(op) is not one of its instructions")
        }
    }

    private func isIterable(_ v: Value) -> Bool {
        if case .str = v { return true }
        if case .obj(let o) = v, (try? o.makeIterator(self)) != nil { return true }
        return false
    }

    /// `del o.name` and `delattr(o, name)`: an instance's `__delattr__` if its
    /// class has one, else its own attribute; a class's member of a trace's
    /// class; an exception's attribute.
    package func deleteAttribute(_ o: Value, _ name: String) throws {
        guard case .obj(let obj) = o else {
            throw error(.attributeError, "'\(typeName(o))' object has no attribute '\(name)'")
        }
        if let i = obj as? PyInstance {
            if let m = i.cls.lookup("__delattr__") {
                _ = try callSpecial(m, o, i.cls, [.str(name)])
            } else {
                try i.deleteAttrGeneric(name, self)
            }
        } else if let t = obj as? PyType, let m = t.metaclass, let hook = m.lookup("__delattr__") {
            _ = try callSpecial(hook, o, m, [.str(name)])
        } else if let t = obj as? PyType, t.isHeap {
            guard t.members![name] != nil else {
                throw error(.attributeError, "type object '\(t.name)' has no attribute '\(name)'")
            }
            t.setMember(name, nil)
        } else if let e = obj as? PyException, e.attributes[name] != nil {
            e.attributes[name] = nil
            e.attributeOrder.removeAll { $0 == name }
        } else {
            throw error(.attributeError, "'\(obj.typeName)' object has no attribute '\(name)'")
        }
    }

    /// `del o[k]`, for lists (indices and slices), dicts, and instances whose
    /// class has `__delitem__`.
    package func deleteItem(_ o: Value, _ k: Value) throws {
        if case .obj(let obj) = o {
            if let i = obj as? PyInstance, let m = i.cls.lookup("__delitem__") {
                _ = try callSpecial(m, o, i.cls, [k])
                return
            }
            // A class derived from dict, list or deque: its value's item.
            if let i = obj as? PyInstance, let base = i.base {
                try deleteItem(base, k)
                return
            }
            if let d = obj as? PyDict {
                guard d.table.remove(try HashKey.of(k, self)) != nil else {
                    // Counter.__delitem__ ignores a missing key.
                    if d.flavor?.kind == .counter { return }
                    throw raise(PyException(type: .keyError, args: [k]))
                }
                d.version += 1
                return
            }
            if let l = obj as? PyList {
                if case .obj(let so) = k, let slice = so as? PySlice {
                    let (start, stop, step) = try slice.indices(l.items.count, self)
                    var doomed = Set<Int>()
                    var i = start
                    while step > 0 ? i < stop : i > stop {
                        doomed.insert(i)
                        i += step
                    }
                    l.items = l.items.enumerated().filter { !doomed.contains($0.offset) }.map(\.element)
                    return
                }
                l.items.remove(at: try index(k, count: l.items.count, what: "list assignment"))
                return
            }
            if let q = obj as? PyDeque {
                try q.delete(k, self)
                return
            }
        }
        throw error(.typeError, "'\(typeName(o))' object doesn't support item deletion")
    }

    /// Keeps `exception` alive to the end of the run, with the frames of its
    /// traceback and their locals: CPython's `Future.result()` raises the
    /// CancelledError of a cancelled future from a local (`exc = ...; raise
    /// exc`), a cycle through its own frame that only the cyclic garbage
    /// collector frees, and which keeps every frame it passed through alive
    /// (so an async generator held there is closed by `shutdown_asyncgens`,
    /// not by its finalizer).
    /// At most `maxKeptByCycles` are kept, the oldest let go first (CPython's
    /// collector would have run long before).
    package func keepInCycle(_ exception: PyException) {
        if keptByCycles.count >= Self.maxKeptByCycles { keptByCycles.removeFirst(Self.maxKeptByCycles / 2) }
        keptByCycles.append(exception)
    }

    static let maxKeptByCycles = 1000

    /// How CPython names a callable in call errors (`_PyObject_FunctionStr`): `__main__.f()`, `print()`.
    package func functionString(_ callee: Value) -> String {
        guard case .obj(let o) = callee else { return typeName(callee) + " object" }
        if let fn = o as? PyFunction { return "\(fn.code.moduleName).\(fn.code.qualifiedName)()" }
        if let b = o as? PyBuiltin { return "\(b.name)()" }
        if let t = o as? PyType { return "\(t.qualifiedName)()" }
        return "\(o.typeName) object"
    }

    /// `aiter(v)`: what `async for` iterates.
    package func asyncIterator(_ v: Value) throws -> Value {
        if case .obj(let o) = v {
            if o is PyAsyncGenerator { return v }
            if try o.getAttr("__aiter__", self) != nil {
                let it = try o.callMethod("__aiter__", Args(), self)
                guard case .obj(let io) = it, try io.getAttr("__anext__", self) != nil else {
                    throw error(
                        .typeError,
                        "'async for' received an object from __aiter__ that does not implement __anext__: \(typeName(it))"
                    )
                }
                return it
            }
        }
        throw error(.typeError, "'async for' requires an object with __aiter__ method, got \(typeName(v))")
    }

    /// The awaitable iterator of `it.__anext__()`, for `async for`.
    package func asyncNext(_ it: Value) throws -> PyObject {
        guard case .obj(let o) = it else {
            throw error(.typeError, "'async for' requires an iterator with __anext__ method, got \(typeName(it))")
        }
        if let g = o as? PyAsyncGenerator {
            try g.initHooks(self)
            return PyAsyncGenASend(g, .none)
        }
        guard try o.getAttr("__anext__", self) != nil else {
            throw error(.typeError, "'async for' requires an iterator with __anext__ method, got \(typeName(it))")
        }
        let awaitable = try o.callMethod("__anext__", Args(), self)
        if case .obj(let a) = awaitable, let iterator = try a.awaitIterator(self) { return iterator }
        throw error(
            .typeError, "'async for' received an invalid object from __anext__: \(typeName(awaitable))")
    }
}
