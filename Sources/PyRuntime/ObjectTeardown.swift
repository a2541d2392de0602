import TraceLanguage

/// Frees the objects of a finished run that reference counting alone cannot:
/// those in reference cycles (a module's functions and its globals, a class
/// and the `__class__` cell of its methods, a task and the frame that holds
/// it, an exception and the frames of its traceback, a list that contains
/// itself). CPython's cyclic garbage collector frees them; vloop has none, so
/// without this every run of an exploration would keep its whole world
/// (docs/LIMITS.md, "Exploration memory").
///
/// From the roots it is given (the interpreter's and its host's state), it
/// visits every object they reach, takes from each the references it holds
/// (`PyObject.dropReferences(into:)`: a mutable container is emptied, an
/// immutable one only hands its contents over) and visits those in turn,
/// with a work list rather than recursion. Every object visited is held
/// until the end, then released: by then none refers to another, so each is
/// freed on its own, whatever the depth of the graph was.
///
/// Objects shared by every run (the builtin types, `Ellipsis`) are visited
/// but never changed: only a class that a `class` statement of this run made
/// gives up its members. Objects of the run that hide references in Swift
/// closures (builtins, native callbacks) hand over only what they can.
///
/// Invariant: after `finish()`, nothing the run made refers to anything else
/// the run made through a container this type knows (see each override).
public final class ObjectTeardown {
    // Confined to the thread tearing the run down, and never accessed
    // overlapping: no dynamic exclusivity checks (they were 4% of a small run).
    @exclusivity(unchecked) private var work: [PyObject] = []
    @exclusivity(unchecked) private var seen = Set<ObjectIdentifier>()
    /// Everything visited (objects, frames, globals), released by `finish()`.
    @exclusivity(unchecked) private var held: [AnyObject] = []

    /// `expected`: about how many objects it will visit (a small run's
    /// world is some 1,300), so that `seen` is not rehashed as it grows.
    package init(expected: Int = 2048) {
        seen.reserveCapacity(expected)
        held.reserveCapacity(expected)
    }

    /// Visits `v`'s object, if it has one.
    @inline(__always) public func add(_ v: Value) {
        if case .obj(let o) = v { add(o) }
    }

    public func add(_ values: some Sequence<Value>) {
        for v in values { add(v) }
    }

    public func add(_ o: PyObject) {
        guard seen.insert(ObjectIdentifier(o)).inserted else { return }
        held.append(o)
        work.append(o)
    }

    /// Empties a frame: its locals, its value stack, its cells and the exceptions it handles.
    package func add(frame f: Frame) {
        guard seen.insert(ObjectIdentifier(f)).inserted else { return }
        held.append(f)
        for i in 0..<f.localCount {
            add(f.locals[i])
            f.locals[i] = .undefined
        }
        for i in 0..<f.sp {
            add(f.stack[i])
            f.stack[i] = .none
        }
        for c in f.cells { add(cell: c) }
        f.cells = []
        for b in f.blocks { if let e = b.saved { add(e) } }
        f.blocks = []
        if let e = f.handling { add(e) }
        f.handling = nil
        if let o = f.hostState { add(any: o) }
        f.hostState = nil
        add(globals: f.globals)
        add(runtime: f.runtime)
    }

    /// Empties a module's globals.
    package func add(globals g: Globals) {
        guard seen.insert(ObjectIdentifier(g)).inserted else { return }
        held.append(g)
        for i in g.values.indices {
            add(g.values[i])
            g.values[i] = .undefined
        }
    }

    package func add(cell c: PyCell) {
        guard seen.insert(ObjectIdentifier(c)).inserted else { return }
        held.append(c)
        add(c.value)
        c.value = .undefined
    }

    /// Forgets a code's call-site caches (they hold modules and functions);
    /// its constants are visited (immutable values: visiting them changes
    /// nothing, so a runtime that runs share, `RuntimeCache`, may be visited too).
    package func add(runtime r: CodeRuntime) {
        guard seen.insert(ObjectIdentifier(r)).inserted else { return }
        held.append(r)
        for i in 0..<r.code.names.count { r.moduleCaches[i] = ModuleCallCache() }
        for i in 0..<r.constantCount { add(r.constants[i]) }
    }

    /// Visits an object of unknown kind: a Python object, a frame or a cell.
    package func add(any o: AnyObject) {
        if let p = o as? PyObject {
            add(p)
        } else if let f = o as? Frame {
            add(frame: f)
        } else if let c = o as? PyCell {
            add(cell: c)
        }
    }

    /// Visits everything reachable from what was added, emptying each object,
    /// then releases them all.
    package func finish() {
        while let o = work.popLast() { o.dropReferences(into: self) }
        seen = []
        // Each object now refers to nothing visited: releasing them in any order frees each alone.
        held = []
    }
}

extension Interpreter {
    /// Breaks the cycles of a finished run (`ObjectTeardown`): the
    /// interpreter's globals, builtins, code caches, the exceptions kept to
    /// the end of the run, and everything `roots` (its host's state) reach.
    /// The interpreter runs nothing after it.
    package func tearDown(roots: [Value], more: (ObjectTeardown) -> Void = { _ in }) {
        let t = ObjectTeardown()
        pendingCloses.stop()
        for e in pendingCloses.takeAll() { t.add(frame: e.frame) }
        asyncGenHooks = AsyncGenHooks()
        nativeAwaitTarget = nil
        t.add(roots)
        t.add(globals: globals)
        t.add(builtins.values)
        builtins = [:]
        for o in keptByCycles { t.add(any: o) }
        keptByCycles = []
        for r in runtimes.values { t.add(runtime: r) }
        runtimes = [:]
        more(t)
        t.finish()
        // The internal code's runtimes are for the next run (their module caches emptied).
        if !gaveBackRuntimeCache {
            gaveBackRuntimeCache = true
            RuntimeCache.checkIn(runtimeCache)
        }
    }
}
