import CSupport
import RunModel
import TraceLanguage

/// Runs compiled trace code: frames, calls, generators and coroutines.
/// Everything the code calls into beyond values and builtins (modules,
/// `expect`, the native await) is its host's (`InterpreterHost`).
public final class Interpreter {
    @exclusivity(unchecked) package var reprInProgress = Set<ObjectIdentifier>()
    @exclusivity(unchecked) public internal(set) var builtins: [String: Value] = [:]
    @exclusivity(unchecked) public var globals = Globals(names: [])
    @exclusivity(unchecked) package var runtimes: [ObjectIdentifier: CodeRuntime] = [:]
    /// Frames running now, one inside another (`execute` calls): Python's
    /// recursion depth. Functions, generators and coroutines all count, so
    /// that no recursion, `await` chains included, can overflow the stack.
    @exclusivity(unchecked) package var callDepth = 0
    /// The serial number the next class made by a `class` statement gets:
    /// unique in the process (each interpreter numbers from a block of 2^32
    /// of its own), since the method caches of shared runtimes outlive a
    /// run (`RuntimeCache`).
    @exclusivity(unchecked) package var nextClassSerial = vloop_next_serial_block() << 32
    /// The runtimes of internal code, shared with earlier runs (`RuntimeCache`);
    /// given back by `tearDown`, or when the interpreter goes.
    package let runtimeCache = RuntimeCache.checkOut()
    /// Whether `runtimeCache` went back to the pool.
    @exclusivity(unchecked) package var gaveBackRuntimeCache = false
    /// CPython's default recursion limit (`sys.getrecursionlimit()`).
    public static let maxCallDepth = 1000
    /// Tuples being hashed, one inside another. CPython hashes nested tuples
    /// without counting them against the recursion limit (and overflows its
    /// stack past about 150,000 levels); vloop allows `maxHashDepth`.
    @exclusivity(unchecked) package var hashDepth = 0
    public static let maxHashDepth = 100_000
    /// Instructions run since the current step began; bounded by `maxInstructions`.
    @exclusivity(unchecked) @usableFromInline package var _instructions: Int = 0
    public var instructions: Int {
        @inlinable get { _instructions }
        @inlinable _modify { yield &_instructions }
    }
    @exclusivity(unchecked) public var maxInstructions = 100_000_000 {
        didSet { instructionCheck = min(maxInstructions, memoryCheckAt) }
    }
    /// What `run` compares the step's instruction count with: the next memory
    /// check (`memoryCheckAt`) or `maxInstructions`, whichever comes first, so
    /// that one comparison per instruction serves both (MemoryBudget.swift).
    /// Invariant: at most `min(maxInstructions, memoryCheckAt)`; smaller only
    /// while a thread's count was swapped in, which the next check corrects.
    @exclusivity(unchecked) @usableFromInline package var instructionCheck = 100_000_000
    /// The step's instruction count at which the process's memory is next
    /// checked; moved back by each step's count when the next step begins
    /// (`beginCounting`), so that checks come every `memoryCheckInterval`
    /// instructions however the instructions fall into steps.
    @exclusivity(unchecked) @usableFromInline package var memoryCheckAt = Interpreter.memoryCheckInterval
    /// The run's memory budget in bytes (`RunLimits.maxMemory`; `Int.max`: none).
    @exclusivity(unchecked) public var maxMemory = Int.max
    /// The process's resident bytes when the run began: the budget is for what the run adds.
    @exclusivity(unchecked) package var memoryBaseline = 0
    /// The bytes the size checks let allocate since the last memory check (`willAllocate`).
    @exclusivity(unchecked) package var allocatedSinceCheck = 0

    /// Charges one element that native code produced without running an
    /// instruction (`sum(range(10**18))`, `max(range(...))`) to the step's
    /// instruction budget, so that a native loop over a huge iterable ends
    /// with the limit 'max-instructions' as a loop of instructions would.
    @inline(__always) public func chargeNativeStep() throws {
        _instructions &+= 1
        if _instructions > maxInstructions { throw nativeLimitStop() }
    }

    @inline(never) package func nativeLimitStop() -> RunStop {
        RunStop(
            reason: .limit("max-instructions"),
            position: currentFrame.map {
                .init(function: $0.code.qualifiedName, path: $0.code.sourcePath, line: $0.location.line)
            })
    }
    /// The innermost running frame; each running frame points to the one
    /// that resumed it (for `sys.exc_info()`).
    @exclusivity(unchecked) package unowned(unsafe) var currentFrame: Frame?
    /// The host the code runs in (modules, `expect`, the native await); set
    /// by the host, which outlives every run of its code.
    @exclusivity(unchecked) public unowned(unsafe) var host: (any InterpreterHost)?
    /// The call that `await M.f(x)` runs natively through the host, once the
    /// host has named it; nil before.
    @exclusivity(unchecked) public var nativeAwaitTarget: NativeAwaitTarget?
    /// `sys.set_asyncgen_hooks`: what a running event loop installs (AsyncGenerators.swift).
    @exclusivity(unchecked) public var asyncGenHooks = AsyncGenHooks()
    /// Objects CPython keeps in reference cycles until its cyclic garbage
    /// collector runs, kept to the end of the run (`keepInCycle`).
    @exclusivity(unchecked) package var keptByCycles: [AnyObject] = []
    /// Suspended generators and coroutines dropped, waiting to be closed at
    /// the next safe point (GeneratorFinalization.swift).
    package let pendingCloses = PendingCloses()

    public init() {
        builtins = makeBuiltins()
    }

    deinit {
        if !gaveBackRuntimeCache { RuntimeCache.checkIn(runtimeCache) }
    }

    // MARK: Loading code

    package func runtime(of code: CodeObject) -> CodeRuntime {
        if code.isInternal { return runtimeCache.runtime(of: code, making: makeRuntime) }
        let id = ObjectIdentifier(code)
        if let r = runtimes[id] { return r }
        let r = makeRuntime(code)
        runtimes[id] = r
        return r
    }

    /// A new runtime for `code`: its constants as values.
    private func makeRuntime(_ code: CodeObject) -> CodeRuntime {
        let values: [Value] = code.constants.map { c in
            switch c {
            case .none: return .none
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(Int(i))
            case .float(let d): return .float(d)
            case .string(let s): return .str(s)
            case .bytes(let b): return .obj(PyBytes(b))
            case .code(let code): return .obj(CodeBox(code))
            case .names(let n): return .obj(PyTuple(n.map { .str($0) }))
            case .pattern(let p, let captures): return .obj(MatchProgramBox(p, captures: captures))
            case .ellipsis: return .obj(PyEllipsis.shared)
            }
        }
        return CodeRuntime(code: code, constants: values)
    }

    /// Runs a code object at module level (the module itself, or an `expect` statement).
    public func runModuleCode(_ code: CodeObject, globals: Globals? = nil) throws -> Value {
        let frame = Frame(runtime: runtime(of: code), globals: globals ?? self.globals, cells: [])
        guard case .returned(let v) = try execute(frame, .send(.none)) else {
            preconditionFailure("module code yielded")
        }
        return v
    }

    // MARK: Running frames

    /// CPython's `Py_EnterRecursiveCall`: one level of native recursion
    /// (comparing, repr, str, hashing nested containers), counted in
    /// `callDepth` with the Python frames, so that native and Python
    /// recursion share the one limit; RecursionError with CPython's message
    /// (`what` is its suffix: " in comparison", " while getting the repr of
    /// an object") past it. Each call is paired with `leaveRecursiveCall`.
    @inline(__always) package func enterRecursiveCall(_ what: @autoclosure () -> String) throws {
        if callDepth >= Interpreter.maxCallDepth {
            throw error(.recursionError, "maximum recursion depth exceeded" + what())
        }
        callDepth += 1
    }

    @inline(__always) package func leaveRecursiveCall() {
        callDepth -= 1
    }

    /// Runs `f` from where it stopped until it returns, yields or raises.
    package func execute(_ f: Frame, _ resume: Resume) throws -> FrameResult {
        if callDepth >= Interpreter.maxCallDepth {
            throw error(.recursionError, "maximum recursion depth exceeded")
        }
        callDepth += 1
        defer { callDepth -= 1 }
        f.caller = currentFrame
        currentFrame = f
        defer {
            currentFrame = f.caller
            f.caller = nil
        }
        var pending: PyException?
        if f.nativeAwait != 0 {
            // The rest of a native await: the host finishes it.
            do {
                f.push(try host.unsafelyUnwrapped.endNativeAwait(in: f, resume, self))
            } catch let r as PyRaise {
                pending = r.exception
            }
        } else {
            switch resume {
            case .send(let v):
                if f.delegating {
                    f.top = v
                } else if f.pc > 0 {
                    f.push(v)
                }
            case .raise(let e):
                if f.delegating {
                    f.delegating = false
                    f.drop()
                    let delegate = f.top
                    do {
                        switch try throwInto(delegate, e) {
                        case .yielded(let y):
                            f.push(.none)
                            f.delegating = true
                            return .yielded(y)
                        case .returned(let v):
                            f.top = v
                            f.pc += 1
                        }
                    } catch let r as PyRaise {
                        f.pc += 1
                        pending = r.exception
                    }
                } else {
                    pending = e
                }
            }
        }
        while true {
            do {
                if let e = pending {
                    pending = nil
                    throw PyRaise(exception: e)
                }
                return try run(f)
            } catch let r as PyRaise {
                let e = r.exception
                let entry = TracebackEntry(function: f.code.name, loc: f.location, path: f.code.sourcePath)
                if !f.code.isInternal, !r.reraised,
                    e.traceback.last.map({ $0.loc != entry.loc || $0.function != entry.function }) ?? true
                {
                    e.traceback.insert(entry, at: 0)
                }
                guard unwind(f, e) else {
                    f.exceptionLeaves(e)
                    throw r.reraised ? PyRaise(exception: e) : r
                }
                f.exceptionPasses(e)
            }
        }
    }

    /// Finds the innermost handler for `e` in `f`; false when the exception leaves the frame.
    private func unwind(_ f: Frame, _ e: PyException) -> Bool {
        f.delegating = false
        while let b = f.blocks.popLast() {
            switch b.kind {
            case .handler:
                f.handling = b.saved
            case .tryRegion:
                f.truncate(to: b.depth)
                f.blocks.append(FrameBlock(kind: .handler, handler: 0, depth: b.depth, saved: f.handling))
                f.handling = e
                f.push(.obj(e))
                f.pc = b.handler
                return true
            }
        }
        return false
    }

    /// Attaches the exception being handled as the context of a new one: the
    /// frame's, else its callers' (CPython's stack of handled exceptions, so a
    /// function called from an `except` block or an `__exit__` chains to it).
    private func chain(_ e: PyException, in f: Frame) {
        guard e.context == nil else { return }
        var frame: Frame? = f
        while let fr = frame {
            if let h = fr.handling {
                if h !== e { e.context = h }
                return
            }
            frame = fr.caller
        }
    }

    /// Past `instructionCheck`: stops the run at `maxInstructions`, else checks
    /// the memory when that is due. Returns the count to stop at next.
    @inline(never)
    private func passCheckpoint(_ f: Frame) throws -> Int {
        if _instructions > maxInstructions {
            throw RunStop(
                reason: .limit("max-instructions"),
                position: .init(function: f.code.qualifiedName, path: f.code.sourcePath, line: f.location.line))
        }
        // A call inside this resumption may have moved the check on already.
        if _instructions <= instructionCheck { return instructionCheck }
        memoryCheckAt = _instructions &+ Interpreter.memoryCheckInterval
        instructionCheck = min(maxInstructions, memoryCheckAt)
        try checkMemory(requesting: 0)
        return instructionCheck
    }

    /// Runs `f` until it returns, yields or raises.
    ///
    /// Two switches per instruction. The first runs the common cases of the
    /// hottest instructions (all of the simplest ones) with the pc and the
    /// instruction count in locals: these cases can neither raise nor call
    /// out, so nothing observes the stale `f.pc` and `instructions`. Anything
    /// else writes both back and falls through to the second switch, which has
    /// the general cases.
    private func run(_ f: Frame) throws -> FrameResult {
        // What every instruction reads, loaded once per resumption.
        let runtime = f.runtime
        let ops = runtime.ops
        let constants = runtime.constants
        let globals = f.globals
        var limit = instructionCheck
        // Unretained: the interpreter owns it for its whole life (a retain here costs every resumption).
        unowned(unsafe) let closes = pendingCloses
        var pc = f.pc
        var count = instructions
        while true {
            let op = ops[pc]
            pc &+= 1
            count &+= 1
            if _slowPath(count > limit) {
                f.pc = pc
                instructions = count
                limit = try passCheckpoint(f)
                // Fetch the instruction again under the new limit: nothing
                // read for it has to live across the call, which keeps the
                // loop's values in registers on the path every instruction takes.
                pc &-= 1
                count &-= 1
                continue
            }
            switch op {
            case .loadConst(let i):
                f.pushCopy(of: constants + Int(i))
                continue
            case .loadNone:
                f.push(.none)
                continue
            case .loadFast(let i):
                let p = f.locals + Int(i)
                if case .undefined = p.pointee { break }
                f.pushCopy(of: p)
                continue
            case .storeFast(let i):
                f.store(f.pop(), into: Int(i))
                if !closes.pending { continue }
            case .loadGlobal(let i):
                let v = globals.values[Int(i)]
                if case .undefined = v { break }
                f.push(v)
                continue
            case .pop:
                f.drop()
                if !closes.pending { continue }
            case .binary(let bop), .inplace(let bop):
                // Two ints: computed in place, without moving values through the stack
                // (for ints, `x op= y` is `x = x op y`).
                if case .int(let x) = f.stack[f.sp - 2], case .int(let y) = f.stack[f.sp - 1],
                    let r = intFast(bop, x, y)
                {
                    f.sp -= 1
                    f.overwriteTrivial(0, with: r)
                    continue
                }
            case .constBinary(let c, let bop):
                // The second instruction counts too: run it only within the limit.
                if count < limit, case .int(let x) = f.stack[f.sp - 1], case .int(let y) = constants[Int(c)],
                    let r = intFast(bop, x, y)
                {
                    f.overwriteTrivial(0, with: r)
                    pc += 1
                    count &+= 1
                } else {
                    f.pushCopy(of: constants + Int(c))
                }
                continue
            case .localBinary(let l, let bop):
                let p = f.locals + Int(l)
                if count < limit, case .int(let x) = f.stack[f.sp - 1], case .int(let y) = p.pointee,
                    let r = intFast(bop, x, y)
                {
                    f.overwriteTrivial(0, with: r)
                    pc += 1
                    count &+= 1
                    continue
                }
                if case .undefined = p.pointee { break }
                f.pushCopy(of: p)
                continue
            case .compare(let cop):
                if case .int(let x) = f.stack[f.sp - 2], case .int(let y) = f.stack[f.sp - 1] {
                    let r: Bool?
                    switch cop {
                    case .eq: r = x == y
                    case .ne: r = x != y
                    case .lt: r = x < y
                    case .le: r = x <= y
                    case .gt: r = x > y
                    case .ge: r = x >= y
                    default: r = nil
                    }
                    if let r {
                        f.sp -= 1
                        f.overwriteTrivial(0, with: .bool(r))
                        continue
                    }
                }
            case .buildTuple(2):
                let b = f.pop()
                let a = f.pop()
                f.push(.obj(PyTuple(a, b)))
                continue
            case .unpackSequence(let n):
                // The common `a, b = pair`: no intermediate array.
                let v = f.pop()
                guard case .obj(let o) = v, let t = o as? PyTuple, t.count == Int(n) else {
                    f.push(v)
                    break
                }
                if n == 2, case .storeFast(let a) = ops[pc], case .storeFast(let b) = ops[pc &+ 1], count &+ 2 <= limit
                {
                    // `for i, j in pairs:` and `a, b = pair`: both stores run here, in order.
                    f.store(t[0], into: Int(a))
                    f.store(t[1], into: Int(b))
                    pc &+= 2
                    count &+= 2
                    continue
                }
                var k = Int(n) - 1
                while k >= 0 {
                    f.push(t[k])
                    k -= 1
                }
                continue
            case .jump(let t):
                pc = Int(t)
                continue
            case .popJumpIfFalse(let t):
                if case .bool(let b) = f.top {
                    f.sp -= 1
                    if !b { pc = Int(t) }
                    continue
                }
            case .forIter(let t), .forIterStore(let t, _):
                // Loops over ranges, lists and tuples, whose iterators cannot fail. The
                // iterator moves off the stack and back, rather than being retained.
                let iterator = f.pop()
                guard case .obj(let it) = iterator else { preconditionFailure("forIter without an iterator") }
                let next: Value?
                if let r = it as? RangeIterator {
                    next = r.nextInt().map { .int($0) }
                } else if let s = it as? SequenceIterator {
                    next = s.nextItem()
                } else {
                    f.push(iterator)
                    break
                }
                guard let v = next else {
                    pc = Int(t)
                    continue
                }
                f.push(iterator)
                if case .forIterStore(_, let l) = op, count < limit {
                    f.store(v, into: Int(l))
                    pc += 1
                    count &+= 1
                } else {
                    f.push(v)
                }
                continue
            case .callMethod(let nameIndex, 1) where runtime.isAppend[Int(nameIndex)]:
                // Moved off the stack, not copied: no retain of the list.
                let a = f.pop()
                let receiver = f.pop()
                // A full buffer grows through `list.append`, which checks the size first.
                if case .obj(let o) = receiver, let l = o as? PyList, l.items.count < l.items.capacity {
                    l.items.append(a)
                    if case .pop = ops[pc], count < limit {
                        // `xs.append(x)` as a statement: its None is not pushed only to be popped.
                        pc &+= 1
                        count &+= 1
                    } else {
                        f.push(.none)
                    }
                    continue
                }
                f.push(receiver)
                f.push(a)
            default:
                break
            }
            f.pc = pc
            instructions = count
            switch op {
            case .storeFast, .pop:
                // Run by the first switch, which dropped a generator to close (below).
                break
            case .loadConst, .loadNone, .jump, .constBinary:
                preconditionFailure("run by the first switch")
            case .loadFast(let i), .localBinary(let i, _):
                // The first switch pushed every bound local.
                throw error(
                    .unboundLocalError,
                    "cannot access local variable '\(f.code.localNames[Int(i)])' where it is not associated with a value"
                )
            case .deleteFast(let i):
                f.locals[Int(i)] = .undefined
            case .loadDeref(let i):
                let v = f.cells[Int(i)].value
                if case .undefined = v {
                    if Int(i) < f.code.cellNames.count {
                        throw error(
                            .unboundLocalError,
                            "cannot access local variable '\(f.code.cellNames[Int(i)])' where it is not associated with a value"
                        )
                    }
                    let name = f.code.freeNames[Int(i) - f.code.cellNames.count]
                    throw error(
                        .nameError,
                        "cannot access free variable '\(name)' where it is not associated with a value in enclosing scope"
                    )
                }
                f.push(v)
            case .storeDeref(let i):
                f.cells[Int(i)].value = f.pop()
            case .loadClosure(let i):
                f.push(.obj(CellBox(f.cells[Int(i)])))
            case .loadGlobal(let i):
                // The first switch pushed every global that is set: this is a builtin or an error.
                let name = globals.names[Int(i)]
                guard let b = builtin(name) else { throw error(.nameError, "name '\(name)' is not defined") }
                f.push(b)
            case .storeGlobal(let i):
                globals.values[Int(i)] = f.pop()
            case .loadAttr(let i):
                let o = f.pop()
                f.push(try getAttr(o, f.code.names[Int(i)]))
            case .storeAttr(let i):
                let o = f.pop()
                let v = f.pop()
                guard case .obj(let obj) = o else {
                    throw error(.attributeError, "'\(typeName(o))' object has no attribute '\(f.code.names[Int(i)])'")
                }
                try obj.setAttr(f.code.names[Int(i)], v, self)
            case .loadSubscript:
                let k = f.pop()
                let o = f.pop()
                f.push(try loadSubscript(o, k))
            case .storeSubscript:
                let k = f.pop()
                let o = f.pop()
                let v = f.pop()
                guard case .obj(let obj) = o else {
                    throw error(.typeError, "'\(typeName(o))' object does not support item assignment")
                }
                try obj.setItem(k, v, self)
            case .dup:
                f.push(f.top)
            case .dup2:
                let a = f.peek(1), b = f.top
                f.push(a)
                f.push(b)
            case .rot2:
                let b = f.pop(), a = f.pop()
                f.push(b)
                f.push(a)
            case .rot3:
                let c = f.pop(), b = f.pop(), a = f.pop()
                f.push(c)
                f.push(a)
                f.push(b)
            case .binary(let bop):
                let b = f.pop()
                let a = f.pop()
                f.push(try fastBinary(bop, a, b))
            case .inplace(let bop):
                let b = f.pop()
                let a = f.pop()
                f.push(try inplaceOp(bop, a, b, self))
            case .unary(let uop):
                let a = f.pop()
                f.push(try unaryOp(uop, a, self))
            case .compare(let cop):
                let b = f.pop()
                let a = f.pop()
                f.push(try compareOp(cop, a, b, self))
            case .buildTuple(let n):
                let items = f.popArray(Int(n))
                f.push(.obj(PyTuple(items)))
            case .buildList(let n):
                let items = f.popArray(Int(n))
                f.push(.obj(PyList(items)))
            case .buildSet(let n):
                let items = f.popArray(Int(n))
                let s = PySet()
                for x in items { try s.add(x, self) }
                f.push(.obj(s))
            case .buildDict(let n):
                let d = PyDict()
                let items = f.popArray(2 * Int(n))
                for i in 0..<Int(n) { try d.setItem(items[2 * i], items[2 * i + 1], self) }
                f.push(.obj(d))
            case .listAppend(let n):
                let v = f.pop()
                let l = f.peek(Int(n) - 1).object as! PyList
                try willGrowList(to: l.items.count &+ 1, capacity: l.items.capacity)
                l.items.append(v)
            case .listExtend(let n):
                let v = f.pop()
                let l = f.peek(Int(n) - 1).object as! PyList
                let items = try iterate(v)
                try willGrowList(to: l.items.count &+ items.count, capacity: l.items.capacity)
                l.items += items
            case .setAdd(let n):
                let v = f.pop()
                try (f.peek(Int(n) - 1).object as! PySet).add(v, self)
            case .mapAdd(let n):
                let v = f.pop()
                let k = f.pop()
                try (f.peek(Int(n) - 1).object as! PyDict).setItem(k, v, self)
            case .dictMerge(let n):
                let m = f.pop()
                let d = f.peek(Int(n) - 1).object as! PyDict
                guard case .obj(let mo) = m, let src = mo as? PyDict else {
                    throw error(.typeError, "argument after ** must be a mapping, not \(typeName(m))")
                }
                for (k, v) in src.table.entries {
                    if try d.contains(k, self) == true {
                        throw error(
                            .typeError,
                            "\(functionString(f.peek(Int(n) + 1))) got multiple values for keyword argument '\(try str(k))'"
                        )
                    }
                    try d.setItem(k, v, self)
                }
            case .buildSlice:
                let c = f.pop()
                let b = f.pop()
                let a = f.pop()
                f.push(.obj(PySlice(a, b, c)))
            case .formatValue(let conversion, let hasSpec):
                try formatValueOp(f, conversion, hasSpec)
            case .buildString(let n):
                let parts = f.popArray(Int(n))
                var bytes = 0
                for v in parts { if case .str(let x) = v { bytes &+= x.utf8.count } }
                try checkSize(bytes, bytesEach: 1)
                var s = ""
                for v in parts { if case .str(let x) = v { s += x } }
                f.push(.str(s))
            case .unpackSequence(let n):
                let v = f.pop()
                let items = try iterate(v)
                if items.count != Int(n) {
                    if items.count > Int(n) {
                        throw error(.valueError, "too many values to unpack (expected \(n))")
                    }
                    throw error(.valueError, "not enough values to unpack (expected \(n), got \(items.count))")
                }
                for x in items.reversed() { f.push(x) }
            case .popJumpIfFalse(let t):
                let v = f.pop()
                if !(try truthy(v)) { f.pc = Int(t) }
            case .popJumpIfTrue(let t):
                let v = f.pop()
                if try truthy(v) { f.pc = Int(t) }
            case .jumpIfFalseOrPop(let t):
                if try truthy(f.top) { f.drop() } else { f.pc = Int(t) }
            case .jumpIfTrueOrPop(let t):
                if try truthy(f.top) { f.pc = Int(t) } else { f.drop() }
            case .getIter:
                let v = f.pop()
                f.push(.obj(try makeIterator(v)))
            case .forIter(let t), .forIterStore(let t, _):
                // A `forIterStore` runs as its `forIter`; the `storeFast` after it follows.
                guard case .obj(let it) = f.top else { preconditionFailure("forIter without an iterator") }
                if let v = try it.next(self) {
                    f.push(v)
                } else {
                    f.drop()
                    f.pc = Int(t)
                }
            case .call(let argc):
                let n = Int(argc)
                let args = Args(f.popArray(n))
                let callee = f.pop()
                f.push(try call(callee, args))
            case .callKw(let argc, let namesIndex):
                let names = (constants[Int(namesIndex)].object as! PyTuple).items
                let n = Int(argc)
                let all = f.popArray(n)
                let callee = f.pop()
                let np = n - names.count
                var kw: [(String, Value)] = []
                for (i, name) in names.enumerated() {
                    guard case .str(let s) = name else { continue }
                    kw.append((s, all[np + i]))
                }
                f.push(try call(callee, Args(Array(all[..<np]), keywords: kw)))
            case .callEx:
                let kwv = f.pop()
                let posv = f.pop()
                let callee = f.pop()
                var kw: [(String, Value)] = []
                if case .obj(let o) = kwv, let d = o as? PyDict {
                    for (k, v) in d.table.entries {
                        guard case .str(let s) = k else { throw error(.typeError, "keywords must be strings") }
                        kw.append((s, v))
                    }
                }
                f.push(try call(callee, Args(try iterate(posv), keywords: kw)))
            case .callMethod(let nameIndex, let argc):
                let n = Int(argc)
                if case .obj(let o) = f.peek(n), let m = o as? PyModule {
                    let target = try moduleFunction(m, Int(nameIndex), runtime)
                    if n == 1, case .obj(let t) = target, let b = t as? PyBuiltin, let unary = b.unary {
                        let a = f.pop()
                        f.drop()
                        f.push(try unary(a, self))
                    } else {
                        let args = Args(f.popArray(n))
                        f.drop()
                        f.push(try call(target, args))
                    }
                } else {
                    try callMethodOp(f, n, Int(nameIndex))
                }
            case .makeFunction(let codeIndex, let ndefaults, let hasKw, let hasClosure):
                var closure: [PyCell] = []
                if hasClosure {
                    for c in (f.pop().object as! PyTuple).items { closure.append((c.object as! CellBox).cell) }
                }
                var kwDefaults: [String: Value] = [:]
                if hasKw {
                    for (k, v) in (f.pop().object as! PyDict).table.entries {
                        if case .str(let s) = k { kwDefaults[s] = v }
                    }
                }
                let defaults = f.popArray(Int(ndefaults))
                let code = (constants[Int(codeIndex)].object as! CodeBox).code
                f.push(
                    .obj(
                        PyFunction(
                            runtime: self.runtime(of: code), globals: globals,
                            defaults: defaults, kwDefaults: kwDefaults, closure: closure)))
            case .returnValue:
                let v = f.pop()
                return .returned(v)
            case .setupTry(let t):
                f.blocks.append(FrameBlock(kind: .tryRegion, handler: Int(t), depth: f.sp, saved: nil))
            case .popBlock:
                f.blocks.removeLast()
            case .popExcept:
                let b = f.blocks.removeLast()
                f.handling = b.saved
            case .raise(let n):
                switch n {
                case 0:
                    guard let h = f.handling else { throw error(.runtimeError, "No active exception to reraise") }
                    h.raisedBare = true
                    throw PyRaise(reraising: h)
                case 1:
                    let e = try exceptionToRaise(f.pop())
                    e.raisedBare = false
                    chain(e, in: f)
                    throw PyRaise(exception: e)
                default:
                    let causeValue = f.pop()
                    let e = try exceptionToRaise(f.pop())
                    if causeValue.isNone {
                        e.cause = nil
                    } else {
                        e.cause = try exceptionToRaise(causeValue)
                    }
                    e.suppressContext = true
                    e.raisedBare = false
                    chain(e, in: f)
                    throw PyRaise(exception: e)
                }
            case .reraise:
                let v = f.pop()
                throw PyRaise(reraising: v.object as! PyException)
            case .checkExcMatch:
                let t = f.pop()
                let e = f.top.object as! PyException
                f.push(.bool(try exceptionMatches(e, t)))
            case .assertFail(let hasMessage):
                let e = PyException(type: .assertionError, args: hasMessage ? [f.pop()] : [])
                throw PyRaise(exception: e)
            case .beforeWith(let isAsync):
                let cm = f.pop()
                let exitName = isAsync ? "__aexit__" : "__exit__"
                let enterName = isAsync ? "__aenter__" : "__enter__"
                guard case .obj(let o) = cm, let exit = try o.getAttr(exitName, self) else {
                    throw error(
                        .typeError,
                        "'\(typeName(cm))' object does not support the \(isAsync ? "asynchronous " : "")context manager protocol"
                    )
                }
                f.push(exit)
                f.push(try o.callMethod(enterName, Args(), self))
            case .withExceptStart:
                let e = f.top.object as! PyException
                let exit = f.peek(1)
                f.push(try call(exit, Args([.obj(e.type), .obj(e), .none])))
            case .callExitNormally:
                let exit = f.pop()
                f.push(try call(exit, Args([.none, .none, .none])))
            case .yieldValue:
                return .yielded(f.pop())
            case .getAwaitable:
                let v = f.pop()
                f.push(.obj(try awaitable(v)))
            case .awaitSleep(let nameIndex, let target):
                guard try isNativeAwaitTarget(f.stack + f.sp - 2, Int(nameIndex), runtime) else {
                    break  // not the host's native await: the general call and await follow
                }
                let argument = f.pop()
                f.drop()
                f.pc = Int(target)
                return .yielded(try host.unsafelyUnwrapped.beginNativeAwait(argument, in: f, self))
            case .getYieldFromIter:
                let v = f.pop()
                if case .obj(let o) = v, o is PyGenerator {
                    if o is PyCoroutine {
                        throw error(.typeError, "cannot 'yield from' a coroutine object in a non-coroutine generator")
                    }
                    f.push(v)
                } else {
                    f.push(.obj(try makeIterator(v)))
                }
            case .yieldFrom:
                f.delegating = false
                let v = f.pop()
                let delegate = f.top
                switch try sendInto(delegate, v) {
                case .yielded(let y):
                    f.pc -= 1
                    f.push(.none)
                    f.delegating = true
                    return .yielded(y)
                case .returned(let r):
                    f.top = r
                }
            case .importName(let i):
                f.push(try importName(constants[Int(i)]))
            case .importFrom(let i):
                guard case .str(let name) = constants[Int(i)] else { preconditionFailure() }
                f.push(try importFrom(f.top, name))
            case .expectStatement(let i):
                try host.unsafelyUnwrapped.runExpectStatement(Int(i))
            case .nop:
                break
            case .exceptStarBegin:
                let e = f.pop().object as! PyException
                f.push(.obj(ExceptStarState(e)))
            case .exceptStarMatch(let target):
                let types = f.pop()
                let state = f.top.object as! ExceptStarState
                if let match = try exceptStarMatch(state, types) {
                    state.match = match
                    f.handling = match
                    f.push(.obj(match))
                } else {
                    f.pc = Int(target)
                }
            case .exceptStarRecord:
                let e = f.pop().object as! PyException
                let state = f.top.object as! ExceptStarState
                state.raised.append((e, e === state.match && e.raisedBare))
            case .exceptStarEnd:
                let state = f.pop().object as! ExceptStarState
                if let e = exceptStarResult(state) { throw PyRaise(exception: e) }
            case .deleteGlobal, .deleteDeref, .deleteAttr, .deleteSubscript, .unpackEx, .setUpdate, .dictUpdate,
                .listToTuple, .getAIter, .getANext, .endAsyncFor, .asyncGenWrap, .matchPattern:
                try runStatementOp(op, f)
            case .buildClassNamespace:
                try buildClassNamespaceOp(f)
            case .buildClass(let name, let n):
                try buildClassOp(f, name: constants[Int(name)], bases: Int(n))
            case .buildClassKw(let name, let n, _, let names):
                try buildClassOp(f, name: constants[Int(name)], bases: Int(n), keywordNames: constants[Int(names)])
            }
            // A safe point: what this instruction dropped is closed before the next one runs.
            if closes.pending { try runPendingCloses() }
            pc = f.pc
            count = instructions
        }
    }

    /// The exception being handled by the innermost frame that handles one (`sys.exc_info()[1]`).
    package var currentlyHandled: PyException? {
        var f = currentFrame
        while let frame = f {
            if let h = frame.handling { return h }
            f = frame.caller
        }
        return nil
    }

    /// `module.name` for a call, through the call site's cache.
    @inline(__always)
    private func moduleFunction(_ m: PyModule, _ nameIndex: Int, _ rt: CodeRuntime) throws -> Value {
        let cache = rt.moduleCaches + nameIndex
        if cache.pointee.module === m && cache.pointee.version == m.version { return cache.pointee.target }
        return try refreshModuleCache(m, nameIndex, rt)
    }

    private func refreshModuleCache(_ m: PyModule, _ nameIndex: Int, _ rt: CodeRuntime) throws -> Value {
        let name = rt.code.names[nameIndex]
        guard let target = m.attributes[name] else {
            throw error(.attributeError, "module '\(m.name)' has no attribute '\(name)'")
        }
        rt.moduleCaches[nameIndex] = ModuleCallCache(module: m, version: m.version, target: target)
        return target
    }

    /// Whether `receiver.name` is the host's `nativeAwaitTarget` (op
    /// `awaitSleep`). Reads the receiver and the call site's cache in place,
    /// retaining nothing;
    /// raises as the general call would when the module has no such attribute.
    @inline(__always)
    private func isNativeAwaitTarget(
        _ receiver: UnsafePointer<Value>, _ nameIndex: Int, _ rt: CodeRuntime
    ) throws -> Bool {
        guard case .obj(let o) = receiver.pointee, let native = nativeAwaitTarget, o === native.module else {
            return false
        }
        let m = unsafeDowncast(o, to: PyModule.self)
        let cache = rt.moduleCaches + nameIndex
        if cache.pointee.module !== m || cache.pointee.version != m.version {
            _ = try refreshModuleCache(m, nameIndex, rt)
        }
        guard case .obj(let fn) = cache.pointee.target else { return false }
        return fn === nativeAwaitTarget.unsafelyUnwrapped.function
    }

    package func builtin(_ name: String) -> Value? {
        if let b = builtins[name] { return b }
        return host?.globalBuiltin(name)
    }

    private func loadSubscript(_ o: Value, _ k: Value) throws -> Value {
        switch o {
        case .obj(let obj):
            if let l = obj as? PyList, case .int(let i) = k {
                let j = i < 0 ? i + l.items.count : i
                if j >= 0 && j < l.items.count { return l.items[j] }
            }
            return try obj.getItem(k, self)
        case .str(let s): return try strGetItem(s, k, self)
        default: throw error(.typeError, "'\(typeName(o))' object is not subscriptable")
        }
    }

    /// `x op y` for ints when it needs no Python error (nil otherwise).
    @inline(__always) private func intFast(_ op: BinaryOp, _ x: Int, _ y: Int) -> Value? {
        switch op {
        case .add:
            let (r, o) = x.addingReportingOverflow(y)
            return o ? nil : .int(r)
        case .sub:
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? nil : .int(r)
        case .mul:
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? nil : .int(r)
        case .mod where y > 0 && x >= 0: return .int(x % y)
        case .floorDiv where y > 0 && x >= 0: return .int(x / y)
        case .div where y != 0 && abs(x) < (1 << 53) && abs(y) < (1 << 53): return .float(Double(x) / Double(y))
        default: return nil
        }
    }

    /// `a op b`, with floats computed inline (`run` has done two ints already).
    @inline(__always) private func fastBinary(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
        if case .float(let x) = a, case .float(let y) = b {
            switch op {
            case .add: return .float(x + y)
            case .sub: return .float(x - y)
            case .mul: return .float(x * y)
            default: break
            }
        }
        return try binaryOp(op, a, b, self)
    }
}

/// A code constant, as a value, for `makeFunction`.
package final class CodeBox: PyObject {
    package let code: CodeObject
    package init(_ code: CodeObject) { self.code = code }
    package override var typeName: String { "code" }
}

/// A cell passed to `makeFunction`.
package final class CellBox: PyObject {
    package let cell: PyCell
    package init(_ cell: PyCell) { self.cell = cell }
    package override var typeName: String { "cell" }
    package override func dropReferences(into teardown: ObjectTeardown) { teardown.add(cell: cell) }
}
