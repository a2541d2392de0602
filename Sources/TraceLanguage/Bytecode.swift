/// The compact instruction form a trace compiles to: a stack machine close
/// to CPython's, whose frames can stop at any `yield` or `await` and resume
/// later. One `CodeObject` per module, function, lambda and comprehension.

public enum Constant: Sendable {
    case none
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case code(CodeObject)
    /// Keyword names of a call, in order.
    case names([String])
    /// The pattern of a `case` clause and how many names it captures (op `matchPattern`).
    case pattern(MatchProgram, captures: Int)
    case ellipsis
}

/// A `case` pattern as the interpreter matches it (CompilerMatch.swift).
/// The values it compares with (literals, dotted names, classes, mapping
/// keys) are evaluated before it runs and consumed in pre-order: a class
/// before its sub-patterns, a mapping's keys before its value patterns.
public indirect enum MatchProgram: Sendable {
    case wildcard
    /// Binds the subject to capture slot n.
    case capture(Int32)
    /// The next value: matches when equal to the subject.
    case value
    /// `None` (0), `True` (1), `False` (2): matches by identity.
    case singleton(Int8)
    /// Items in order; `star` is the index of the `*` item, a `capture` or `wildcard`.
    case sequence([MatchProgram], star: Int?)
    /// The next `keys` values are keys; `rest` captures the other items.
    case mapping(keys: Int, [MatchProgram], rest: Int32?)
    /// The next value is the class; positional then keyword sub-patterns.
    case classPattern(positional: [MatchProgram], keywords: [String], [MatchProgram])
    case or([MatchProgram])
    case asPattern(MatchProgram, Int32)

    /// How many evaluated values the pattern consumes.
    public var valueCount: Int {
        switch self {
        case .wildcard, .capture, .singleton: return 0
        case .value: return 1
        case .sequence(let items, _): return items.reduce(0) { $0 + $1.valueCount }
        case .mapping(let keys, let items, _): return keys + items.reduce(0) { $0 + $1.valueCount }
        case .classPattern(let positional, _, let keywords):
            return 1 + (positional + keywords).reduce(0) { $0 + $1.valueCount }
        case .or(let alternatives): return alternatives.reduce(0) { $0 + $1.valueCount }
        case .asPattern(let inner, _): return inner.valueCount
        }
    }
}

public enum Op: Sendable {
    // Values and names.
    case loadConst(Int32)
    case loadNone
    case loadFast(Int32)
    case storeFast(Int32)
    case deleteFast(Int32)
    case loadDeref(Int32)
    case storeDeref(Int32)
    case loadGlobal(Int32)
    case storeGlobal(Int32)
    case loadAttr(Int32)
    case storeAttr(Int32)
    case loadSubscript
    case storeSubscript

    // The stack.
    case pop
    case dup
    /// Duplicates the top two values (for `a[i] += x`).
    case dup2
    /// Swaps the top two values.
    case rot2
    /// Lifts the second and third values over the top: [a, b, c] -> [c, a, b].
    case rot3

    // Operators.
    case binary(BinaryOp)
    case inplace(BinaryOp)
    case unary(UnaryOp)
    case compare(CompareOp)

    // Building values.
    case buildTuple(Int32)
    case buildList(Int32)
    case buildSet(Int32)
    /// Pops 2n values (key, value, key, value...).
    case buildDict(Int32)
    /// Appends the top of the stack to the list `n` below it (comprehensions).
    case listAppend(Int32)
    case setAdd(Int32)
    /// Extends the list `n` below the top with the iterable on top (`*args`).
    case listExtend(Int32)
    /// Merges the mapping on top into the dict `n` below it (`**kwargs`); duplicate keys are an error.
    case dictMerge(Int32)
    /// Key and value on top: adds them to the dict `n` below them.
    case mapAdd(Int32)
    /// 3 values: lower, upper, step (None where absent).
    case buildSlice
    /// Pops a value (and its spec string when `hasSpec`), pushes its formatted text.
    /// `conversion`: 0 none, 1 str, 2 repr, 3 ascii.
    case formatValue(conversion: UInt8, hasSpec: Bool)
    case buildString(Int32)
    /// Pops an iterable, pushes its n items, last item first (the first on top).
    case unpackSequence(Int32)

    // Control flow; targets are instruction indices.
    case jump(Int32)
    case popJumpIfFalse(Int32)
    case popJumpIfTrue(Int32)
    case jumpIfFalseOrPop(Int32)
    case jumpIfTrueOrPop(Int32)
    case getIter
    /// Pushes the iterator's next value, or pops the iterator and jumps when exhausted.
    case forIter(Int32)

    // Calls.
    case call(Int32)
    /// Like `call`, with the last `count` arguments keyword arguments named by constant `names`.
    case callKw(argc: Int32, names: Int32)
    /// The callable, a tuple of positional arguments, and a dict of keywords (or None).
    case callEx
    /// The receiver, then argc arguments: calls `receiver.name(...)`.
    case callMethod(name: Int32, argc: Int32)
    /// Code constant `code`; below it, `defaults` values, a dict of keyword-only
    /// defaults when `kwDefaults`, and a tuple of cells when the function closes over any.
    case makeFunction(code: Int32, defaults: Int32, kwDefaults: Bool, closure: Bool)
    /// Pushes the cell (not its content) of deref slot n, for closures.
    case loadClosure(Int32)
    case returnValue

    // Exceptions.
    /// Enters a protected region: an exception inside jumps to the target with the
    /// exception pushed, the stack cut back to its depth here.
    case setupTry(Int32)
    case popBlock
    /// Leaves an exception handler: restores the exception being handled before it.
    case popExcept
    /// 0: bare `raise`; 1: `raise X`; 2: `raise X from Y`.
    case raise(Int32)
    /// Re-raises the exception on top of the stack (end of a handler that did not match, of `finally`).
    case reraise
    /// The exception and a type (or tuple of types) on the stack: pops the type,
    /// pushes whether the exception matches.
    case checkExcMatch
    case assertFail(hasMessage: Bool)

    // Context managers.
    /// Pops a context manager; pushes its exit method, then the result of entering
    /// it (for `async with`, the awaitable of `__aenter__`).
    case beforeWith(isAsync: Bool)
    /// The exit method and the exception on the stack: pushes the result of
    /// calling exit with the exception (an awaitable for `async with`).
    case withExceptStart
    /// The exit method on top: pops it and pushes the result of exit(None, None, None).
    case callExitNormally

    // Generators and coroutines.
    case yieldValue
    /// Converts the top of the stack to the iterator `await` delegates to.
    case getAwaitable
    /// `await M.sleep(d)` with the receiver and the delay on the stack: when the
    /// receiver is the asyncio module and its `sleep` is asyncio's, sleeps natively
    /// (same loop effects as the coroutine), then continues at `target` with the
    /// result; otherwise does nothing, and the general call and await that follow run.
    case awaitSleep(name: Int32, target: Int32)
    /// Converts the top of the stack to the iterator `yield from` delegates to.
    case getYieldFromIter
    /// The delegate and the value to send: sends it; a yield suspends the
    /// frame here, a return replaces both with the returned value.
    case yieldFrom

    // Modules.
    /// Pushes the module named by constant n, an absolute dotted name (its
    /// parent packages are imported first). A relative import that cannot be
    /// resolved has a one-name tuple there instead: the ImportError's message.
    case importName(Int32)
    /// Attribute of the module on top named by constant n (the module stays);
    /// a submodule of that name when the module is a package without it.
    case importFrom(Int32)

    /// Runs before a top-level `expect.*` statement: marks the statement as reached.
    case expectStatement(Int32)
    case nop

    // `except*` (PEP 654).
    /// The exception on the stack becomes the state of an `except*` statement.
    case exceptStarBegin
    /// The state and a type (or tuple) on the stack: pops the type, splits what
    /// is still unhandled; pushes the matched part (and makes it the exception
    /// being handled), or jumps to `target` when nothing matches.
    case exceptStarMatch(Int32)
    /// The state and an exception raised in a clause: records the exception.
    case exceptStarRecord
    /// Pops the state; raises what is left (unhandled, re-raised or newly raised parts).
    case exceptStarEnd

    // Superinstructions. The compiler never emits them: the interpreter puts
    // one in place of the first instruction of the sequence it names and keeps
    // the rest of the sequence after it. It then either runs the whole sequence
    // (counting each instruction) and continues past it, or runs only that
    // first instruction; jumps into the sequence still find its instructions.
    /// `loadConst(const)`, then `binary(op)` or `inplace(op)`.
    case constBinary(const: Int32, op: BinaryOp)
    /// `loadFast(local)`, then `binary(op)` or `inplace(op)`.
    case localBinary(local: Int32, op: BinaryOp)
    /// `forIter(target)`, then `storeFast(local)`.
    case forIterStore(target: Int32, local: Int32)

    // Classes (the prelude only).
    /// Ends a class body: pushes a dict of the body's bound locals.
    case buildClassNamespace
    /// The n bases and the namespace dict on the stack: pops them and pushes
    /// the class named by constant `name`.
    case buildClass(name: Int32, bases: Int32)
    /// Like `buildClass`, with the values of the class keywords named by
    /// constant `names` between the bases and the namespace.
    case buildClassKw(name: Int32, bases: Int32, keywords: Int32, names: Int32)

    // `del`, star-unpacking and displays with `*`/`**` (CPython's ops of the same names).
    /// `del name` at module level (NameError when unbound).
    case deleteGlobal(Int32)
    /// `del name` for a cell (UnboundLocalError or NameError when unbound).
    case deleteDeref(Int32)
    /// Pops an object: `del obj.name`.
    case deleteAttr(Int32)
    /// Pops a key and an object: `del obj[key]`.
    case deleteSubscript
    /// `a, *rest, z = it`: pops an iterable, pushes `after` items, a list of the
    /// middle, then `before` items (the first on top).
    case unpackEx(before: Int32, after: Int32)
    /// Adds every item of the iterable on top to the set `n` below it (`{*a}`).
    case setUpdate(Int32)
    /// Updates the dict `n` below the top with the mapping on top (`{**m}`); later keys win.
    case dictUpdate(Int32)
    /// Replaces the list on top with a tuple of its items (`(*a, b)`).
    case listToTuple

    // Asynchronous iteration.
    /// Replaces the object on top with its `__aiter__()`.
    case getAIter
    /// Pushes the awaitable iterator of `__anext__()` of the async iterator on top (which stays).
    case getANext
    /// The async iterator and an exception on the stack: when the exception is
    /// StopAsyncIteration, pops both and leaves the handler; otherwise re-raises it.
    case endAsyncFor
    /// Wraps the value on top as an async generator's own yield, which the
    /// awaitable of `__anext__`/`asend` turns into its result.
    case asyncGenWrap
    /// The subject and `values` evaluated values on the stack: matches the
    /// pattern constant `pattern` (op `MatchProgram`); pushes the tuple of its
    /// captures (None when it fails), then whether it matched.
    case matchPattern(pattern: Int32, values: Int32)
}

/// What a name inside a function refers to.
public enum NameScope: Sendable {
    case local(Int32)
    case cell(Int32)
    case global(Int32)
}

public final class CodeObject: @unchecked Sendable {
    public let name: String
    public let qualifiedName: String
    @exclusivity(unchecked) @usableFromInline package var _ops: [Op] = []
    public var ops: [Op] {
        @inlinable get { _ops }
        @inlinable _modify { yield &_ops }
    }
    /// The trace position of each instruction, for tracebacks and errors.
    @exclusivity(unchecked) @usableFromInline package var _locations: [SourceLocation] = []
    public var locations: [SourceLocation] {
        @inlinable get { _locations }
        @inlinable _modify { yield &_locations }
    }
    @exclusivity(unchecked) @usableFromInline package var _constants: [Constant] = []
    public var constants: [Constant] {
        @inlinable get { _constants }
        @inlinable _modify { yield &_constants }
    }
    /// Attribute names used by `loadAttr`, `storeAttr` and `callMethod`.
    @exclusivity(unchecked) @usableFromInline package var _names: [String] = []
    public var names: [String] {
        @inlinable get { _names }
        @inlinable _modify { yield &_names }
    }
    /// Local slots; parameters come first, in order: positional, `*args`,
    /// keyword-only, `**kwargs`.
    @exclusivity(unchecked) @usableFromInline package var _localNames: [String] = []
    public var localNames: [String] {
        @inlinable get { _localNames }
        @inlinable _modify { yield &_localNames }
    }
    /// Deref slots: this code's cells first, then the closure's cells.
    @exclusivity(unchecked) @usableFromInline package var _cellNames: [String] = []
    public var cellNames: [String] {
        @inlinable get { _cellNames }
        @inlinable _modify { yield &_cellNames }
    }
    @exclusivity(unchecked) @usableFromInline package var _freeNames: [String] = []
    public var freeNames: [String] {
        @inlinable get { _freeNames }
        @inlinable _modify { yield &_freeNames }
    }
    /// For each cell that is also a parameter: (cell index, local slot) to copy at entry.
    @exclusivity(unchecked) @usableFromInline package var _cellParameters: [(cell: Int32, local: Int32)] = []
    public var cellParameters: [(cell: Int32, local: Int32)] {
        @inlinable get { _cellParameters }
        @inlinable _modify { yield &_cellParameters }
    }
    @exclusivity(unchecked) @usableFromInline package var _parameters: [String] = []
    public var parameters: [String] {
        @inlinable get { _parameters }
        @inlinable _modify { yield &_parameters }
    }
    @exclusivity(unchecked) @usableFromInline package var _positionalCount: Int = 0
    public var positionalCount: Int {
        @inlinable get { _positionalCount }
        @inlinable _modify { yield &_positionalCount }
    }
    @exclusivity(unchecked) @usableFromInline package var _keywordOnly: [String] = []
    public var keywordOnly: [String] {
        @inlinable get { _keywordOnly }
        @inlinable _modify { yield &_keywordOnly }
    }
    @exclusivity(unchecked) @usableFromInline package var _hasVarargs: Bool = false
    public var hasVarargs: Bool {
        @inlinable get { _hasVarargs }
        @inlinable _modify { yield &_hasVarargs }
    }
    @exclusivity(unchecked) @usableFromInline package var _hasKwargs: Bool = false
    public var hasKwargs: Bool {
        @inlinable get { _hasKwargs }
        @inlinable _modify { yield &_hasKwargs }
    }
    @exclusivity(unchecked) @usableFromInline package var _isGenerator: Bool = false
    public var isGenerator: Bool {
        @inlinable get { _isGenerator }
        @inlinable _modify { yield &_isGenerator }
    }
    @exclusivity(unchecked) @usableFromInline package var _isCoroutine: Bool = false
    public var isCoroutine: Bool {
        @inlinable get { _isCoroutine }
        @inlinable _modify { yield &_isCoroutine }
    }
    /// Code of the harness's own prelude: its frames are left out of tracebacks,
    /// which show the trace lines that called into it.
    @exclusivity(unchecked) @usableFromInline package var _isInternal: Bool = false
    public var isInternal: Bool {
        @inlinable get { _isInternal }
        @inlinable _modify { yield &_isInternal }
    }
    /// The module that `class` statements of this code belong to (the prelude's).
    @exclusivity(unchecked) @usableFromInline package var _moduleName: String = "__main__"
    public var moduleName: String {
        @inlinable get { _moduleName }
        @inlinable _modify { yield &_moduleName }
    }
    /// The path of the file this code was compiled from (tracebacks name it).
    @exclusivity(unchecked) public package(set) var sourcePath = ""
    /// The deepest the value stack gets; set when compilation finishes.
    @exclusivity(unchecked) @usableFromInline package var _maxStackDepth: Int = 0
    public package(set) var maxStackDepth: Int {
        @inlinable get { _maxStackDepth }
        @inlinable _modify { yield &_maxStackDepth }
    }
    public let firstLine: Int
    /// The function's docstring (a string literal as the first statement of
    /// its body), its `__doc__`; nil without one.
    public package(set) var docstring: String?

    public init(name: String, qualifiedName: String, firstLine: Int) {
        self.name = name
        self.qualifiedName = qualifiedName
        self.firstLine = firstLine
    }
}

/// A compiled trace: the module's code, its global names, and the
/// top-level `expect.*` statements, which run even after the trace failed.
public struct CompiledModule: Sendable {
    public var code: CodeObject
    public var globalNames: [String]
    /// One code object per top-level `expect.*` statement, in source order;
    /// `expectStatement(i)` in the module code runs entry i.
    public var expectStatements: [(code: CodeObject, loc: SourceLocation)]
    /// The modules the code may import, as absolute names, in source order:
    /// each `import` statement's module and, for `from M import x`, `M` and
    /// `M.x` (which may be a submodule).
    public var imports: [String]
    /// Each `import` statement's module (`from M import x`: `M`), where it is
    /// named, in source order; for checking that it exists.
    public var importSites: [ImportSite] = []
}

/// A module named by an `import` statement, and where.
public struct ImportSite: Sendable {
    /// The absolute dotted name.
    public var module: String
    public var loc: SourceLocation
    /// Whether the statement is inside the body of a `try` with `except`
    /// clauses in its function: the code expects that it may fail.
    public var guarded: Bool
}

extension Op {
    /// How the instruction changes the depth of the value stack; `jumping`
    /// tells, for conditional jumps, which way it goes. A superinstruction
    /// counts as the first instruction of its sequence.
    func stackEffect(jumping: Bool) -> Int {
        switch self {
        case .loadConst, .loadNone, .loadFast, .loadDeref, .constBinary, .localBinary, .loadClosure, .loadGlobal, .dup,
            .importName,
            .importFrom, .beforeWith, .withExceptStart, .buildClassNamespace:
            return 1
        case .dup2: return 2
        case .storeFast, .storeDeref, .storeGlobal, .pop, .loadSubscript, .binary, .inplace, .compare,
            .listAppend, .setAdd, .listExtend, .dictMerge, .popJumpIfFalse, .popJumpIfTrue, .yieldFrom,
            .returnValue, .reraise:
            return -1
        case .storeAttr, .buildSlice, .mapAdd, .callEx: return -2
        case .exceptStarBegin: return 0
        case .exceptStarMatch: return jumping ? -1 : 0
        case .exceptStarRecord, .exceptStarEnd: return -1
        case .storeSubscript: return -3
        case .deleteGlobal, .deleteDeref, .listToTuple, .getAIter, .asyncGenWrap: return 0
        case .deleteAttr, .setUpdate, .dictUpdate: return -1
        case .deleteSubscript, .endAsyncFor: return -2
        case .unpackEx(let before, let after): return Int(before + after)
        case .getANext: return 1
        case .matchPattern(_, let values): return 1 - Int(values)
        case .deleteFast, .loadAttr, .rot2, .rot3, .unary, .jump, .getIter, .setupTry, .popBlock, .popExcept,
            .checkExcMatch, .callExitNormally, .yieldValue, .getAwaitable, .getYieldFromIter,
            .expectStatement, .nop, .assertFail:
            return 0
        case .buildTuple(let n), .buildList(let n), .buildSet(let n), .buildString(let n): return 1 - Int(n)
        case .buildDict(let n): return 1 - 2 * Int(n)
        case .formatValue(_, let hasSpec): return hasSpec ? -1 : 0
        case .unpackSequence(let n): return Int(n) - 1
        case .jumpIfFalseOrPop, .jumpIfTrueOrPop: return jumping ? 0 : -1
        case .awaitSleep: return jumping ? -1 : 0
        case .forIter, .forIterStore: return jumping ? -1 : 1
        case .call(let n): return -Int(n)
        case .callKw(let argc, _): return -Int(argc)
        case .callMethod(_, let argc): return -Int(argc)
        case .makeFunction(_, let defaults, let kw, let closure):
            return 1 - Int(defaults) - (kw ? 1 : 0) - (closure ? 1 : 0)
        case .raise(let n): return -Int(n)
        case .buildClass(_, let n): return -Int(n)
        case .buildClassKw(_, let n, let k, _): return -Int(n) - Int(k)
        }
    }

    /// The jump target, for instructions that may jump.
    var jumpTarget: Int? {
        switch self {
        case .jump(let t), .popJumpIfFalse(let t), .popJumpIfTrue(let t), .jumpIfFalseOrPop(let t),
            .jumpIfTrueOrPop(let t), .forIter(let t), .forIterStore(let t, _), .awaitSleep(_, let t),
            .exceptStarMatch(let t):
            return Int(t)
        default: return nil
        }
    }

    /// The superinstruction that can replace this instruction when `next` follows it.
    public func fused(with next: Op) -> Op? {
        switch (self, next) {
        case (.loadConst(let c), .binary(let op)), (.loadConst(let c), .inplace(let op)):
            return .constBinary(const: c, op: op)
        case (.loadFast(let l), .binary(let op)), (.loadFast(let l), .inplace(let op)):
            return .localBinary(local: l, op: op)
        case (.forIter(let t), .storeFast(let l)):
            return .forIterStore(target: t, local: l)
        default:
            return nil
        }
    }

    /// True when execution never continues with the next instruction.
    var endsBlock: Bool {
        switch self {
        case .jump, .returnValue, .raise, .reraise, .assertFail: return true
        default: return false
        }
    }
}

extension CodeObject {
    /// The deepest the value stack of this code can get, found by following
    /// every path through the instructions (handlers start one above the
    /// depth at their `setupTry`). Frames allocate exactly this much.
    func computeMaxStackDepth() -> Int {
        var depth = [Int](repeating: -1, count: ops.count)
        var work: [(Int, Int)] = [(0, 0)]
        var maxDepth = 0
        while let (start, d0) = work.popLast() {
            var pc = start
            var d = d0
            while pc < ops.count {
                if depth[pc] >= d { break }
                depth[pc] = d
                let op = ops[pc]
                if case .setupTry(let handler) = op { work.append((Int(handler), d + 1)) }
                if let target = op.jumpTarget { work.append((target, d + op.stackEffect(jumping: true))) }
                if op.endsBlock { break }
                d += op.stackEffect(jumping: false)
                maxDepth = max(maxDepth, d + 1)
                pc += 1
            }
            maxDepth = max(maxDepth, d)
        }
        return maxDepth + 2
    }

    /// Computes `maxStackDepth` for this code and every code nested in it.
    func finish() {
        maxStackDepth = computeMaxStackDepth()
        for c in constants { if case .code(let inner) = c { inner.finish() } }
    }

    /// Records the file and module of this code and of every code nested in it.
    func markSource(path: String, module: String?) {
        sourcePath = path
        if let module { moduleName = module }
        for c in constants { if case .code(let inner) = c { inner.markSource(path: path, module: module) } }
    }

    /// Marks this code and every code nested in it as the prelude's.
    func markInternal(module: String) {
        isInternal = true
        moduleName = module
        for c in constants { if case .code(let inner) = c { inner.markInternal(module: module) } }
    }
}
