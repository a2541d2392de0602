import RunModel
import TraceLanguage

/// A block of a frame's block stack: a protected region or an active handler.
package struct FrameBlock {
    package enum Kind { case tryRegion, handler }

    package var kind: Kind
    package var handler: Int
    package var depth: Int
    /// For `handler`: the exception being handled before this one.
    package var saved: PyException?
}

/// The state of one running or suspended code object.
///
/// Locals and the value stack share one buffer of `localCount +
/// code.maxStackDepth` values allocated with the frame: pushing and popping
/// are pointer moves, with no bounds or uniqueness checks. Invariant: slots
/// `0..<localCount` and the `sp` values above `stack` are initialized; the
/// rest are not.
public final class Frame {
    package let code: CodeObject
    package let runtime: CodeRuntime
    package let globals: Globals
    package let locals: UnsafeMutablePointer<Value>
    package let localCount: Int
    package let stack: UnsafeMutablePointer<Value>
    @exclusivity(unchecked) @usableFromInline package var _sp: Int = 0
    package var sp: Int {
        @inlinable get { _sp }
        @inlinable _modify { yield &_sp }
    }
    @exclusivity(unchecked) package var cells: [PyCell]
    @exclusivity(unchecked) package var blocks: [FrameBlock] = []
    @exclusivity(unchecked) @usableFromInline package var pc = 0
    /// `pc`, read from another module without an exclusivity check (the
    /// host reads it at every step of a suspended frame).
    package var resumePC: Int {
        @inlinable get { pc }
    }
    /// The exception being handled (`sys.exc_info()`), for bare `raise` and chaining.
    @exclusivity(unchecked) package var handling: PyException?
    /// True while suspended inside `yieldFrom`: the delegate is below the top of the stack.
    @exclusivity(unchecked) package var delegating = false
    /// How many live exceptions hold this frame in their traceback
    /// (`PyException.frames`): while one does, a finished frame keeps its
    /// locals, as CPython's frame object takes them over.
    @exclusivity(unchecked) package var tracebacks: Int32 = 0
    /// While running: the frame that was running when this one was entered.
    @exclusivity(unchecked) package unowned(unsafe) var caller: Frame?

    /// Nonzero while the frame is suspended in a native await (op
    /// `awaitSleep`): the host's own mark of where it is, read back by
    /// `InterpreterHost.endNativeAwait` when the frame resumes.
    @exclusivity(unchecked) @usableFromInline package var _nativeAwait: UInt8 = 0
    package var nativeAwait: UInt8 {
        @inlinable get { _nativeAwait }
        @inlinable _modify { yield &_nativeAwait }
    }
    /// What the host keeps in the frame for its native awaits (reused from
    /// one await to the next); the interpreter never reads it.
    @exclusivity(unchecked) @usableFromInline package var _hostState: AnyObject?
    package var hostState: AnyObject? {
        @inlinable get { _hostState }
        @inlinable _modify { yield &_hostState }
    }

    package init(runtime: CodeRuntime, globals: Globals, cells: [PyCell]) {
        let code = runtime.code
        self.code = code
        self.runtime = runtime
        self.globals = globals
        self.cells = cells
        localCount = code.localNames.count
        locals = .allocate(capacity: localCount + code.maxStackDepth)
        locals.initialize(repeating: .undefined, count: localCount)
        stack = locals + localCount
    }

    deinit {
        locals.deinitialize(count: localCount)
        stack.deinitialize(count: sp)
        locals.deallocate()
    }

    @inline(__always) package func push(_ v: Value) {
        assert(sp < code.maxStackDepth, "value stack overflow in \(code.qualifiedName)")
        (stack + sp).initialize(to: v)
        sp &+= 1
    }

    /// Pushes a copy of the value at `p`. The hot loads copy ints, floats,
    /// bools and None byte for byte: Swift's generic copy of a `Value` is an
    /// out-of-line call that switches on the case to find a reference to retain.
    @inline(__always) package func pushCopy(of p: UnsafePointer<Value>) {
        assert(sp < code.maxStackDepth, "value stack overflow in \(code.qualifiedName)")
        if p.pointee.isTrivial {
            UnsafeMutableRawPointer(stack + sp).copyMemory(from: p, byteCount: MemoryLayout<Value>.size)
        } else {
            (stack + sp).initialize(to: p.pointee)
        }
        sp &+= 1
    }

    /// Replaces the value `i` places below the top with `v`, when the value
    /// there is known to be trivial (nothing to release).
    @inline(__always) package func overwriteTrivial(_ i: Int, with v: Value) {
        assert(stack[sp - 1 - i].isTrivial)
        (stack + sp - 1 - i).initialize(to: v)
    }

    /// Stores `v` in local `i`.
    @inline(__always) package func store(_ v: Value, into i: Int) {
        let p = locals + i
        if p.pointee.isTrivial {
            // Nothing to release: the value moves in over the old bytes.
            p.initialize(to: v)
        } else {
            p.pointee = v
        }
    }

    @inline(__always) package func pop() -> Value {
        sp &-= 1
        return (stack + sp).move()
    }

    @inline(__always) package func drop() {
        sp &-= 1
        // Ints, floats, bools and None need no release: no out-of-line destroy for them.
        if !stack[sp].isTrivial { (stack + sp).deinitialize(count: 1) }
    }

    /// The value `i` places below the top (0 is the top).
    @inline(__always) package func peek(_ i: Int) -> Value { stack[sp - 1 - i] }

    @inline(__always) package var top: Value {
        get { stack[sp - 1] }
        set { stack[sp - 1] = newValue }
    }

    /// Pops the top `n` values, first pushed first.
    package func popArray(_ n: Int) -> [Value] {
        sp -= n
        let out = Array(UnsafeBufferPointer(start: stack + sp, count: n))
        (stack + sp).deinitialize(count: n)
        return out
    }

    package func truncate(to depth: Int) {
        if sp > depth {
            (stack + depth).deinitialize(count: sp - depth)
            sp = depth
        }
    }

    package var location: SourceLocation {
        let i = min(max(pc - 1, 0), code.locations.count - 1)
        return i >= 0 ? code.locations[i] : .unknown
    }
}

public enum FrameResult {
    case returned(Value)
    case yielded(Value)
}

/// How a suspended frame is resumed.
public enum Resume {
    case send(Value)
    case raise(PyException)
}

extension Frame {
    /// Drops the locals of a frame that has finished for good (a generator or
    /// coroutine that returned), as CPython clears a finished
    /// frame: what only they kept alive goes away at that moment (an
    /// unfinished async generator then reaches its finalizer hook).
    package func releaseLocals() {
        for i in 0..<localCount where !locals[i].isTrivial { locals[i] = .undefined }
        cells = []
    }

    /// A generator's or coroutine's frame returned: its locals go, unless a
    /// live exception's traceback holds the frame (CPython's frame object
    /// then takes them over). Out of line: the resume path stays small.
    @inline(never)
    package func finishedReturning() {
        if tracebacks == 0 { releaseLocals() }
    }

    /// `exception` was caught in this frame: its traceback holds the frame.
    @inline(never)
    package func exceptionPasses(_ exception: PyException) {
        if exception.frames.last !== self { exception.frames.append(self) }
    }

    /// `exception` leaves this frame: its traceback holds the frame, and the
    /// value stack is popped.
    @inline(never)
    package func exceptionLeaves(_ exception: PyException) {
        if exception.frames.last !== self { exception.frames.append(self) }
        releaseStack()
    }

    /// Drops the value stack of a frame that an exception left for good, as
    /// CPython's unwinding pops it. The locals stay: in CPython the
    /// exception's traceback keeps the frame, and them, alive
    /// (`PyException.frames`).
    package func releaseStack() {
        stack.deinitialize(count: sp)
        sp = 0
    }
}
