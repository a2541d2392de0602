import RunModel
import TraceLanguage

/// Python type objects: the builtin types (for `isinstance`, `type()` and
/// conversion calls such as `int("3")`) and the exception hierarchy.
public final class PyType: PyObject {
    /// `__name__`; assignable on a class made by a `class` statement.
    @exclusivity(unchecked) public package(set) var name: String
    /// The first base (the one whose instances this type's instances are); nil for `object`.
    public let base: PyType?
    /// Called when the type is called (`int(x)`, `ValueError('m')`).
    @exclusivity(unchecked) package var constructor: ((Args, Interpreter) throws -> Value)?
    /// The namespace of a class made by a `class` statement (a trace's or the
    /// prelude's); nil for builtin types. Changed only through `setMember`.
    @exclusivity(unchecked) package private(set) var members: [String: Value]?
    /// The names of `members` in the order they were first bound (`__dict__`'s order).
    @exclusivity(unchecked) package private(set) var memberOrder: [String] = []
    /// The module of a class made by a `class` statement.
    @exclusivity(unchecked) package var module: String?
    /// `__qualname__`: the name with the classes and functions it is nested in.
    @exclusivity(unchecked) package var qualname: String
    /// `__bases__`, in order; `[base]` for builtin types.
    @exclusivity(unchecked) package var bases: [PyType]
    /// `__mro__`: this type, then its bases in C3 order, `object` last.
    /// Invariant: `mro[0] === self`, and `mro` holds every type on a base chain.
    @exclusivity(unchecked) package var mro: [PyType]
    /// Whether some class of `mro` has a property (a data descriptor): then
    /// an instance attribute cannot hide a class attribute of the same name.
    @exclusivity(unchecked) package var hasDataDescriptors = false
    /// `type(cls)` when it is not `type`: a class of the trace deriving from
    /// `type` (Metaclasses.swift). Nil for builtin types and for the classes
    /// whose metaclass is `type`, which then pay nothing for metaclasses.
    @exclusivity(unchecked) package var metaclass: PyType?
    /// For a class of the trace, what its MRO (fixed when it is made) says,
    /// kept so that making an instance does not search the MRO: the built-in
    /// type its instances hold a value of (BuiltinBases.swift), and whether
    /// it derives from `type` (a metaclass).
    package private(set) var heapBuiltinBase: PyType?
    package private(set) var derivesFromType = false
    /// The abstract methods' names when the class's own `__abstractmethods__`
    /// is not empty (CPython's Py_TPFLAGS_IS_ABSTRACT): `object.__new__` refuses to make an instance.
    @exclusivity(unchecked) package var abstractMethods: [String]?
    /// Numbers a class made by a `class` statement, unique within its
    /// interpreter (call-site caches compare it, never an address); -1 for builtin types.
    @exclusivity(unchecked) package var serial = -1
    /// Bumped whenever a member of this class or of a class it derives from changes.
    @exclusivity(unchecked) package private(set) var version: UInt = 0
    /// True once a function became a member (of this class or a base) after
    /// the class was made: an instance may then hold an attribute that hides
    /// it without knowing it, and call sites stop caching the class's methods.
    @exclusivity(unchecked) package private(set) var changedAfterCreation = false
    /// `lookup`'s results along `mro` (misses too), emptied when a member of
    /// this class or of a class it derives from changes.
    @exclusivity(unchecked) private var lookupCache: [String: Value?] = [:]
    /// Classes that derive from this one directly, for emptying their caches
    /// (kept by classes made by `class` statements only; builtin types have no members to change).
    @exclusivity(unchecked) private var subclasses: [WeakType] = []

    package init(_ name: String, base: PyType?, constructor: ((Args, Interpreter) throws -> Value)? = nil) {
        self.name = name
        self.base = base
        self.constructor = constructor
        self.qualname = name
        self.bases = base.map { [$0] } ?? []
        self.mro = []
        super.init()
        self.mro = [self] + (base?.mro ?? [])
    }

    /// A class made by a `class` statement (or 3-argument `type()`), with its MRO already computed.
    package init(heapName name: String, bases: [PyType], mro: [PyType]) {
        self.name = name
        self.base = bases.first ?? .object
        self.qualname = name
        self.bases = bases.isEmpty ? [.object] : bases
        self.mro = []
        super.init()
        self.mro = [self] + mro
        self.members = [:]
        // Builtin types are shared by every run (and thread): only classes made
        // by `class` statements, which belong to one run, track their subclasses.
        for b in self.bases where b.isHeap { b.subclasses.append(WeakType(self)) }
        hasDataDescriptors = mro.contains { $0.hasDataDescriptors }
        heapBuiltinBase = PyType.firstSubclassableBuiltin(in: mro)
        derivesFromType = mro.contains { $0 === PyType.type }
    }

    public override var typeName: String { metaclass?.name ?? "type" }
    /// A class of this run gives up its namespace; a builtin type (shared by every run) changes nothing.
    public override func dropReferences(into teardown: ObjectTeardown) {
        guard serial >= 0 else { return }
        if let members { teardown.add(members.values) }
        members = [:]
        memberOrder = []
        lookupCache = [:]
        subclasses = []
        // `mro` holds the class itself: emptied, its invariant no longer holds (nothing runs any more).
        for t in mro { teardown.add(t) }
        mro = []
        for t in bases { teardown.add(t) }
        bases = []
        if let metaclass { teardown.add(metaclass) }
        metaclass = nil
        constructor = nil
    }
    public override var pyType: PyType { metaclass ?? PyType.type }
    public override func repr(_ vm: Interpreter) throws -> String {
        if let m = metaclass, let r = try vm.metaclassString("__repr__", self, m) { return r }
        return "<class '\(qualifiedName)'>"
    }
    public override func str(_ vm: Interpreter) throws -> String {
        if let m = metaclass, let r = try vm.metaclassString("__str__", self, m) { return r }
        return try repr(vm)
    }
    public override var isCallable: Bool { true }

    /// Whether a `class` statement made this type (then it has `members`).
    @inline(__always) package var isHeap: Bool { members != nil }

    /// The name CPython prints in `repr(type)`.
    package var qualifiedName: String {
        if let module = module ?? PyType.moduleOf[name] {
            return module == "builtins" ? qualname : "\(module).\(qualname)"
        }
        return qualname
    }

    public override func call(_ args: Args, _ vm: Interpreter) throws -> Value {
        if let m = metaclass, let c = m.lookup("__call__") {
            var positional = args.positional
            positional.insert(.obj(self), at: 0)
            return try vm.call(try vm.bindToClass(c, m), Args(positional, keywords: args.keywords))
        }
        return try typeCall(args, vm)
    }

    /// `type.__call__(cls, *args)`: what calling the class does when its
    /// metaclass does not define `__call__`.
    package func typeCall(_ args: Args, _ vm: Interpreter) throws -> Value {
        if let c = constructor { return try c(args, vm) }
        if isHeap { return try vm.instantiate(self, args) }
        if isSubtype(of: .baseException) {
            return .obj(try PyException.make(self, args, vm))
        }
        throw vm.error(.typeError, "cannot create '\(name)' instances")
    }

    /// `list[int]` and the other generic builtins (TypeAliases.swift).
    public override func getItem(_ key: Value, _ vm: Interpreter) throws -> Value {
        if let m = metaclass, let r = try vm.metaclassSpecial("__getitem__", self, m, [key]) { return r }
        return try subscriptType(self, key, vm)
    }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        try vm.typeAttribute(self, name)
    }

    // The protocols a metaclass may give its classes (`len(Color)`, `for c in Color`...).
    public override func length(_ vm: Interpreter) throws -> Int? {
        guard let m = metaclass else { return nil }
        return try vm.metaclassLength(self, m)
    }
    public override func truthy(_ vm: Interpreter) throws -> Bool {
        guard let m = metaclass else { return true }
        return try vm.metaclassTruthy(self, m)
    }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? {
        guard let m = metaclass, let it = try vm.metaclassSpecial("__iter__", self, m, []) else { return nil }
        guard case .obj(let o) = it else {
            throw vm.error(.typeError, "iter() returned non-iterator of type '\(vm.typeName(it))'")
        }
        return o
    }
    public override func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? {
        guard let m = metaclass, let r = try vm.metaclassSpecial("__contains__", self, m, [value]) else { return nil }
        return try vm.truthy(r)
    }

    public override func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        if let m = metaclass, let setattr = m.lookup("__setattr__") {
            _ = try vm.callSpecial(setattr, .obj(self), m, [.str(name), value])
            return
        }
        try setAttrGeneric(name, value, vm)
    }

    /// `type.__setattr__(cls, name, value)`.
    package func setAttrGeneric(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        if let m = metaclass, m.hasDataDescriptors, let d = m.lookup(name), isDataDescriptor(d) {
            try vm.setThroughDescriptor(d, .obj(self), name, value)
            return
        }
        guard isHeap else {
            throw vm.error(.typeError, "cannot set '\(name)' attribute of immutable type '\(self.name)'")
        }
        switch name {
        case "__name__", "__qualname__":
            guard case .str(let s) = value else {
                throw vm.error(
                    .typeError, "can only assign string to \(self.name).\(name), not '\(vm.typeName(value))'")
            }
            // Both live on the type, not in its __dict__, as in CPython.
            if name == "__qualname__" { qualname = s } else { self.name = s }
        case "__module__":
            module = try vm.str(value)
            setMember(name, value)
        case "__abstractmethods__":
            var names: [String] = []
            let it = try vm.makeIterator(value)
            while let v = try it.next(vm) { names.append(try vm.str(v)) }
            abstractMethods = names.isEmpty ? nil : names.sorted()
            setMember(name, value)
        default:
            setMember(name, value)
        }
    }

    /// Sets a member of a class made by a `class` statement, and empties the
    /// lookup caches of it and of every class that derives from it.
    package func setMember(_ name: String, _ value: Value?) {
        precondition(isHeap, "builtin types have no members")
        let old = members![name]
        if let value {
            if old == nil { memberOrder.append(name) }
            members![name] = value
            if isDataDescriptor(value) { markDataDescriptors() }
        } else if old != nil {
            members![name] = nil
            memberOrder.removeAll { $0 == name }
        }
        invalidate(addsFunction: value?.object is PyFunction && !(old?.object is PyFunction))
    }

    /// The members of a class being made (no cache or subclass to update yet), in order.
    package func initializeMembers(_ pairs: [(String, Value)]) {
        precondition(isHeap && members!.isEmpty, "a new class's members are set once")
        var table: [String: Value] = [:]
        table.reserveCapacity(pairs.count)
        var order: [String] = []
        order.reserveCapacity(pairs.count)
        for (name, value) in pairs {
            if table.updateValue(value, forKey: name) == nil { order.append(name) }
            if !hasDataDescriptors && isDataDescriptor(value) { hasDataDescriptors = true }
        }
        members = table
        memberOrder = order
    }

    private func markDataDescriptors() {
        hasDataDescriptors = true
        for s in subclasses { s.type?.markDataDescriptors() }
    }

    private func invalidate(addsFunction: Bool) {
        lookupCache.removeAll(keepingCapacity: true)
        version &+= 1
        if addsFunction { changedAfterCreation = true }
        for s in subclasses { s.type?.invalidate(addsFunction: addsFunction) }
    }

    /// A class attribute, searched along the MRO (the members of classes made
    /// by `class` statements; builtin types contribute none here).
    @inline(__always) package func lookup(_ name: String) -> Value? {
        guard isHeap else { return nil }
        if let cached = lookupCache[name] { return cached }
        var found: Value? = nil
        for t in mro {
            if let v = t.members?[name] {
                found = v
                break
            }
        }
        lookupCache[name] = .some(found)
        return found
    }

    /// `cls.__subclasses__()`: the classes deriving from this one directly that are still alive.
    package var directSubclasses: [PyType] { subclasses.compactMap { $0.type } }

    /// The class of `mro` whose members hold `name`, searching after `start` when given.
    package func owner(of name: String, after start: PyType? = nil) -> PyType? {
        var i = 0
        if let start, let j = mro.firstIndex(where: { $0 === start }) { i = j + 1 }
        while i < mro.count {
            if mro[i].members?[name] != nil { return mro[i] }
            i += 1
        }
        return nil
    }

    public func isSubtype(of other: PyType) -> Bool {
        if self === other { return true }
        for t in mro where t === other { return true }
        return false
    }

    public var isExceptionType: Bool { isSubtype(of: .baseException) }

    /// The subclass `OSError(errno, ...)` makes, by errno (Linux's numbers).
    package static let osErrorSubclasses: [Int: PyType] = [
        4: .interruptedError, 11: .blockingIOError, 32: .brokenPipeError, 104: .connectionResetError,
        110: .timeoutError, 111: .connectionRefusedError, 115: .blockingIOError,
    ]

    package static let moduleOf: [String: String] = [
        "CancelledError": "asyncio.exceptions", "InvalidStateError": "asyncio.exceptions",
        "IncompleteReadError": "asyncio.exceptions", "QueueEmpty": "asyncio.queues",
        "QueueFull": "asyncio.queues", "LimitOverrunError": "asyncio.exceptions",
    ]

    // The builtin value types.
    public static let object = PyType("object", base: nil, constructor: objectConstructor)
    public static let type = PyType("type", base: object, constructor: typeConstructor)
    public static let noneType = PyType("NoneType", base: object)
    public static let bool = PyType("bool", base: int, constructor: boolConstructor)
    public static let int = PyType("int", base: object, constructor: intConstructor)
    public static let float = PyType("float", base: object, constructor: floatConstructor)
    public static let str = PyType("str", base: object, constructor: strConstructor)
    public static let bytes = PyType("bytes", base: object, constructor: bytesConstructor)
    public static let list = PyType("list", base: object, constructor: listConstructor)
    public static let tuple = PyType("tuple", base: object, constructor: tupleConstructor)
    public static let dict = PyType("dict", base: object, constructor: dictConstructor)
    public static let set = PyType("set", base: object, constructor: setConstructor)
    public static let range = PyType("range", base: object, constructor: rangeConstructor)
    public static let function = PyType("function", base: object)
    public static let builtinFunction = PyType("builtin_function_or_method", base: object)
    public static let method = PyType("method", base: object)
    public static let coroutine = PyType("coroutine", base: object)
    public static let generator = PyType("generator", base: object)
    public static let module = PyType("module", base: object)
    public static let iterator = PyType("iterator", base: object)
    /// The types of the builtin iterators and views (`type(iter([]))` is
    /// `list_iterator`), by name; made once, shared by every run.
    package static let nativeTypes: [String: PyType] = Dictionary(
        uniqueKeysWithValues: [
            "list_iterator", "tuple_iterator", "range_iterator", "dict_keyiterator", "set_iterator",
            "str_ascii_iterator", "list_reverseiterator", "dict_reversekeyiterator", "dict_reverseiterator",
            "reversed", "dict_keys", "dict_values", "dict_items", "map", "filter", "zip", "enumerate",
        ].map { ($0, PyType($0, base: object)) })
    /// The builtin type named `name` of `nativeTypes`, `object` for the others.
    package static func native(_ name: String) -> PyType { nativeTypes[name] ?? object }
    public static let property = PyType("property", base: object, constructor: propertyConstructor)
    public static let classMethod = PyType("classmethod", base: object, constructor: classMethodConstructor)
    public static let staticMethod = PyType("staticmethod", base: object, constructor: staticMethodConstructor)
    public static let superType = PyType("super", base: object, constructor: superConstructor)
    public static let notImplementedType = PyType("NotImplementedType", base: object)

    // The exception hierarchy (CPython's, restricted to the names a trace can meet).
    public static let baseException = PyType("BaseException", base: object)
    public static let systemExit = PyType("SystemExit", base: baseException)
    public static let keyboardInterrupt = PyType("KeyboardInterrupt", base: baseException)
    public static let generatorExit = PyType("GeneratorExit", base: baseException)
    public static let cancelledError = PyType("CancelledError", base: baseException)
    public static let exception = PyType("Exception", base: baseException)
    public static let stopIteration = PyType("StopIteration", base: exception)
    public static let stopAsyncIteration = PyType("StopAsyncIteration", base: exception)
    public static let arithmeticError = PyType("ArithmeticError", base: exception)
    public static let zeroDivisionError = PyType("ZeroDivisionError", base: arithmeticError)
    public static let overflowError = PyType("OverflowError", base: arithmeticError)
    public static let assertionError = PyType("AssertionError", base: exception)
    public static let attributeError = PyType("AttributeError", base: exception)
    public static let lookupError = PyType("LookupError", base: exception)
    public static let indexError = PyType("IndexError", base: lookupError)
    public static let keyError = PyType("KeyError", base: lookupError)
    public static let nameError = PyType("NameError", base: exception)
    public static let unboundLocalError = PyType("UnboundLocalError", base: nameError)
    public static let osError = PyType("OSError", base: exception)
    public static let connectionError = PyType("ConnectionError", base: osError)
    public static let connectionRefusedError = PyType("ConnectionRefusedError", base: connectionError)
    public static let connectionResetError = PyType("ConnectionResetError", base: connectionError)
    public static let timeoutError = PyType("TimeoutError", base: osError)
    public static let blockingIOError = PyType("BlockingIOError", base: osError)
    public static let interruptedError = PyType("InterruptedError", base: osError)
    public static let brokenPipeError = PyType("BrokenPipeError", base: connectionError)
    public static let runtimeError = PyType("RuntimeError", base: exception)
    public static let notImplementedError = PyType("NotImplementedError", base: runtimeError)
    public static let recursionError = PyType("RecursionError", base: runtimeError)
    public static let typeError = PyType("TypeError", base: exception)
    /// Raised past `SizeBounds` (MemoryBudget.swift), before allocating.
    public static let memoryError = PyType("MemoryError", base: exception)
    public static let importError = PyType("ImportError", base: exception)
    public static let moduleNotFoundError = PyType("ModuleNotFoundError", base: importError)
    public static let valueError = PyType("ValueError", base: exception)
    public static let unicodeError = PyType("UnicodeError", base: valueError)
    public static let eofError = PyType("EOFError", base: exception)
    public static let invalidStateError = PyType("InvalidStateError", base: exception)
    public static let incompleteReadError = PyType("IncompleteReadError", base: eofError)
    public static let limitOverrunError = PyType("LimitOverrunError", base: exception)
    /// `concurrent.futures._base.Error` and its `CancelledError`/`InvalidStateError`,
    /// apart from asyncio's (`asyncio.wrap_future` converts them).
    public static let futuresError: PyType = {
        let t = PyType("Error", base: exception)
        t.module = "concurrent.futures._base"
        return t
    }()
    public static let futuresCancelledError: PyType = {
        let t = PyType("CancelledError", base: futuresError)
        t.module = "concurrent.futures._base"
        return t
    }()
    public static let futuresInvalidStateError: PyType = {
        let t = PyType("InvalidStateError", base: futuresError)
        t.module = "concurrent.futures._base"
        return t
    }()
    public static let queueEmpty = PyType("QueueEmpty", base: exception)
    public static let queueFull = PyType("QueueFull", base: exception)
    public static let baseExceptionGroup = PyType("BaseExceptionGroup", base: baseException)
    /// `class ExceptionGroup(BaseExceptionGroup, Exception)`: the one type with two bases.
    public static let exceptionGroup: PyType = {
        let t = PyType("ExceptionGroup", base: baseExceptionGroup)
        t.bases = [baseExceptionGroup, exception]
        t.mro = [t, baseExceptionGroup, exception, baseException, object]
        return t
    }()

    /// Exception types by their builtin name.
    package static let builtinExceptions: [PyType] = [
        baseException, systemExit, keyboardInterrupt, generatorExit, exception, stopIteration,
        stopAsyncIteration, arithmeticError, zeroDivisionError, overflowError, assertionError,
        attributeError, lookupError, indexError, keyError, nameError, unboundLocalError, osError,
        connectionError, connectionRefusedError, connectionResetError, timeoutError, blockingIOError,
        interruptedError, brokenPipeError, runtimeError,
        notImplementedError, recursionError, typeError, memoryError, importError, moduleNotFoundError, valueError,
        unicodeError,
        eofError,
        baseExceptionGroup, exceptionGroup,
    ]
}

/// `BaseExceptionGroup(message, exceptions)` and `ExceptionGroup(...)`, with
/// CPython's checks; a `BaseExceptionGroup` of plain `Exception`s is an `ExceptionGroup`.
package func makeExceptionGroup(_ type: PyType, _ args: Args, _ vm: Interpreter) throws -> PyException {
    guard args.keywords.isEmpty else {
        throw vm.error(.typeError, "\(type.name)() takes no keyword arguments")
    }
    guard args.count == 2 else {
        throw vm.error(.typeError, "\(type.name).__new__() takes exactly 2 arguments (\(args.count) given)")
    }
    guard case .str = args[0] else {
        throw vm.error(.typeError, "argument 1 must be str, not \(vm.typeName(args[0]))")
    }
    guard case .obj(let seq) = args[1], seq is PyList || seq is PyTuple else {
        throw vm.error(.typeError, "second argument (exceptions) must be a sequence")
    }
    let items = try vm.iterate(args[1])
    if items.isEmpty { throw vm.error(.valueError, "second argument (exceptions) must be a non-empty sequence") }
    var exceptions: [PyException] = []
    for (i, item) in items.enumerated() {
        guard case .obj(let o) = item, let e = o as? PyException else {
            throw vm.error(.valueError, "Item \(i) of second argument (exceptions) is not an exception")
        }
        exceptions.append(e)
    }
    let group = PyException.group(args[0], exceptions, sequence: args[1])
    if type === PyType.exceptionGroup && group.type !== type {
        throw vm.error(.typeError, "Cannot nest BaseExceptions in an ExceptionGroup")
    }
    return group
}

/// A weak reference to a class (a base's list of its subclasses).
private struct WeakType {
    weak var type: PyType?
    init(_ type: PyType) { self.type = type }
}

/// The kinds of error the interpreter raises itself, mapped to their types.
public enum ErrorKind {
    case typeError, valueError, keyError, indexError, attributeError, nameError, unboundLocalError
    case runtimeError, zeroDivisionError, overflowError, assertionError, stopIteration
    case invalidStateError, cancelledError, notImplementedError, recursionError, generatorExit
    case timeoutError

    package var type: PyType {
        switch self {
        case .typeError: return .typeError
        case .valueError: return .valueError
        case .keyError: return .keyError
        case .indexError: return .indexError
        case .attributeError: return .attributeError
        case .nameError: return .nameError
        case .unboundLocalError: return .unboundLocalError
        case .runtimeError: return .runtimeError
        case .zeroDivisionError: return .zeroDivisionError
        case .overflowError: return .overflowError
        case .assertionError: return .assertionError
        case .stopIteration: return .stopIteration
        case .invalidStateError: return .invalidStateError
        case .cancelledError: return .cancelledError
        case .notImplementedError: return .notImplementedError
        case .recursionError: return .recursionError
        case .generatorExit: return .generatorExit
        case .timeoutError: return .timeoutError
        }
    }
}

/// One line of a traceback: where in the trace a frame was.
public struct TracebackEntry: Sendable {
    public var function: String
    public var loc: SourceLocation
    /// The file of the code (the trace's, or a module's it imported).
    public var path: String = ""
}

/// An exception instance.
public final class PyException: PyObject {
    public let type: PyType
    @exclusivity(unchecked) public var args: [Value]
    @exclusivity(unchecked) public var cause: PyException?
    @exclusivity(unchecked) public var context: PyException?
    @exclusivity(unchecked) public var suppressContext = false
    /// Innermost last, as Python prints it.
    @exclusivity(unchecked) public var traceback: [TracebackEntry] = []
    /// The frames the exception went through, kept alive while it lives, as
    /// CPython's traceback keeps its frames and their locals (which decides
    /// when an async generator held there reaches its finalizer).
    @exclusivity(unchecked) package var frames: [Frame] = [] {
        didSet {
            for f in oldValue { f.tracebacks -= 1 }
            for f in frames { f.tracebacks += 1 }
        }
    }

    deinit { for f in frames { f.tracebacks -= 1 } }
    /// `StopIteration.value`.
    @exclusivity(unchecked) public var value: Value = .none
    /// The sub-exceptions of an exception group.
    @exclusivity(unchecked) public var exceptions: [PyException] = []
    /// Attributes beyond `args` (`partial` of IncompleteReadError, `consumed`, ...).
    @exclusivity(unchecked) public var attributes: [String: Value] = [:]
    /// The names a trace set on the exception (`self.code = ...`), in order, for `__dict__`.
    @exclusivity(unchecked) package var attributeOrder: [String] = []
    /// Whether it was last raised by a bare `raise` (for `except*`, which
    /// treats a re-raised match apart from an exception raised anew).
    @exclusivity(unchecked) package var raisedBare = false

    public init(type: PyType, args: [Value]) {
        self.type = type
        self.args = args
        if type.isSubtype(of: .stopIteration) { value = args.first ?? .none }
    }

    package convenience init(type: PyType, args: [Value], attributes: [String: Value]) {
        self.init(type: type, args: args)
        self.attributes = attributes
    }

    /// `T(*args)` for an exception type, with CPython's special constructors:
    /// the exception groups check their arguments, `OSError(errno, strerror)`
    /// becomes the subclass of that errno, and asyncio's
    /// `IncompleteReadError(partial, expected)` and `LimitOverrunError(message,
    /// consumed)` keep their extra attributes.
    package static func make(_ type: PyType, _ call: Args, _ vm: Interpreter) throws -> PyException {
        if type === PyType.baseExceptionGroup || type === PyType.exceptionGroup {
            return try makeExceptionGroup(type, call, vm)
        }
        let args = call.positional
        if type === PyType.osError, args.count >= 2, case .int(let errno) = args[0],
            let sub = PyType.osErrorSubclasses[errno]
        {
            return PyException(type: sub, args: args)
        }
        if type === PyType.incompleteReadError {
            guard args.count == 2 else {
                throw vm.error(
                    .typeError,
                    "IncompleteReadError.__init__() takes 3 positional arguments but \(args.count + 1) were given")
            }
            let n = try args[0].object?.length(vm) ?? 0
            let expected = args[1].isNone ? "undefined" : try vm.repr(args[1])
            let e = PyException(type: type, args: [.str("\(n) bytes read on a total of \(expected) expected bytes")])
            e.attributes = ["partial": args[0], "expected": args[1]]
            return e
        }
        if type === PyType.limitOverrunError {
            guard args.count == 2 else {
                throw vm.error(
                    .typeError,
                    "LimitOverrunError.__init__() takes 3 positional arguments but \(args.count + 1) were given")
            }
            let e = PyException(type: type, args: [args[0]])
            e.attributes = ["consumed": args[1]]
            return e
        }
        return PyException(type: type, args: args)
    }

    public override var typeName: String { type.name }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(args)
        args = []
        if let cause { teardown.add(cause) }
        cause = nil
        if let context { teardown.add(context) }
        context = nil
        for f in frames { teardown.add(frame: f) }
        frames = []
        teardown.add(value)
        value = .none
        teardown.add(exceptions.map { .obj($0) })
        exceptions = []
        teardown.add(attributes.values)
        attributes = [:]
        attributeOrder = []
    }
    public override var pyType: PyType { type }

    /// The message part of `Type: message`, as `str(exception)` gives it
    /// (a class of the trace may define `__str__`).
    public func message(_ vm: Interpreter) throws -> String {
        if type.isHeap, let m = type.lookup("__str__") {
            let r = try vm.callSpecial(m, .obj(self), type, [])
            guard case .str(let s) = r else {
                throw vm.error(.typeError, "__str__ returned non-string (type \(vm.typeName(r)))")
            }
            return s
        }
        return try builtinMessage(vm)
    }

    /// `BaseException.__str__`.
    package func builtinMessage(_ vm: Interpreter) throws -> String {
        if type.isSubtype(of: .baseExceptionGroup), args.count == 2 {
            let msg = try vm.str(args[0])
            let n = exceptions.count
            return "\(msg) (\(n) sub-exception\(n == 1 ? "" : "s"))"
        }
        if type.isSubtype(of: .osError), args.count >= 2, case .int(let errno) = args[0] {
            return "[Errno \(errno)] \(try vm.str(args[1]))"
        }
        switch args.count {
        case 0: return ""
        case 1:
            if type.isSubtype(of: .keyError) { return try vm.repr(args[0]) }
            return try vm.str(args[0])
        default:
            return try vm.repr(.obj(PyTuple(args)))
        }
    }

    /// `Type: message`, or `Type` alone when the message is empty: the last
    /// line of a traceback, without a module prefix.
    public func summary(_ vm: Interpreter) -> String {
        // The class's `__name__`, as the reference's event log writes it (CPython's
        // traceback module would print the `__qualname__`, and a module prefix outside `__main__`).
        let m = (try? message(vm)) ?? "<exception str() failed>"
        return m.isEmpty ? type.name : "\(type.name): \(m)"
    }

    /// The last line of a traceback as CPython's `traceback` module writes it:
    /// the class's `__qualname__`, after its module unless that is `__main__`
    /// or `builtins` (`asyncio.exceptions.InvalidStateError: Result is not set.`).
    public func tracebackSummary(_ vm: Interpreter) -> String {
        let m = (try? message(vm)) ?? "<exception str() failed>"
        var name = type.qualname
        let module = type.module ?? (type.isHeap ? nil : PyType.moduleOf[type.name])
        if let module, module != "__main__", module != "builtins" { name = module + "." + name }
        return m.isEmpty ? name : "\(name): \(m)"
    }

    public override func str(_ vm: Interpreter) throws -> String { try message(vm) }

    public override func repr(_ vm: Interpreter) throws -> String {
        if type.isHeap, let m = type.lookup("__repr__") {
            let r = try vm.callSpecial(m, .obj(self), type, [])
            guard case .str(let s) = r else {
                throw vm.error(.typeError, "__repr__ returned non-string (type \(vm.typeName(r)))")
            }
            return s
        }
        return try builtinRepr(vm)
    }

    /// `BaseException.__repr__`.
    package func builtinRepr(_ vm: Interpreter) throws -> String {
        if type.isSubtype(of: .baseExceptionGroup), args.count == 2 {
            return "\(type.name)(\(try vm.repr(args[0])), \(try vm.repr(args[1])))"
        }
        if args.count == 1 { return "\(type.name)(\(try vm.repr(args[0])))" }
        return "\(type.name)(\(try args.map { try vm.repr($0) }.joined(separator: ", ")))"
    }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if let v = attributes[name] { return v }
        if type.isHeap, let m = type.lookup(name) { return try vm.bind(m, to: .obj(self), of: type) }
        switch name {
        case "__suppress_context__": return .bool(suppressContext)
        case "__traceback__": return Value.none
        case "__dict__":
            let rest = attributes.keys.filter { !attributeOrder.contains($0) }.sorted()
            return .obj(try vm.dictOf(attributes, rest + attributeOrder))
        case "__str__", "__repr__", "__init__", "with_traceback", "add_note", "__eq__", "__hash__", "__setattr__":
            return vm.nativeAttribute(self, type, name)
        case "args": return .obj(PyTuple(args))
        case "value": return value
        case "__cause__": return cause.map { .obj($0) } ?? Value.none
        case "__context__": return context.map { .obj($0) } ?? Value.none
        case "__class__": return .obj(type)
        case "exceptions": return .obj(PyTuple(exceptions.map { .obj($0) }))
        case "message" where type.isSubtype(of: .baseExceptionGroup): return args.first ?? .str("")
        case "errno" where type.isSubtype(of: .osError):
            if args.count >= 2, case .int = args[0] { return args[0] }
            return Value.none
        case "strerror" where type.isSubtype(of: .osError): return args.count >= 2 ? args[1] : Value.none
        default:
            if type.isHeap, let getattr = type.lookup("__getattr__") {
                return try vm.callSpecial(getattr, .obj(self), type, [.str(name)])
            }
            return nil
        }
    }

    public override func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        if type.isHeap, let m = type.lookup(name), isDataDescriptor(m) {
            try vm.setThroughDescriptor(m, .obj(self), name, value)
            return
        }
        switch name {
        case "args": args = try vm.iterate(value)
        case "__cause__":
            if value.isNone {
                cause = nil
            } else {
                guard case .obj(let o) = value, let e = o as? PyException else {
                    throw vm.error(.typeError, "exception cause must be None or derive from BaseException")
                }
                cause = e
            }
            suppressContext = true
        case "__context__":
            if value.isNone {
                context = nil
            } else {
                guard case .obj(let o) = value, let e = o as? PyException else {
                    throw vm.error(.typeError, "exception context must be None or derive from BaseException")
                }
                context = e
            }
        case "__suppress_context__": suppressContext = try vm.truthy(value)
        case "__traceback__":
            // vloop has no traceback objects (`__traceback__` reads None), so the one value
            // code can give back is None: as in CPython, the frames the exception went
            // through are no longer kept alive by it (contextlib's `__exit__` does this to
            // restore the traceback of the `with`; otherwise its generator would live on).
            // The entries stay, for the traceback vloop prints.
            guard value.isNone else {
                throw vm.error(.typeError, "__traceback__ must be a traceback or None")
            }
            frames = []
        default:
            if attributes.updateValue(value, forKey: name) == nil { attributeOrder.append(name) }
        }
    }

    public override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard type.isHeap, let m = type.lookup("__eq__") else { return nil }
        let r = try vm.callSpecial(m, .obj(self), type, [other])
        if r.object is PyNotImplemented { return nil }
        return try vm.truthy(r)
    }
}

/// How the interpreter carries a raised Python exception through Swift.
public struct PyRaise: Error {
    public let exception: PyException
    /// Raised again where it was being handled (a bare `raise`, or the end of
    /// a `finally`, a `with` or `except` clauses that did not match): as
    /// CPython's RERAISE, this adds no traceback entry for the frame that
    /// raises it again. Its callers add theirs as for any other raise.
    package let reraised: Bool

    public init(exception: PyException) {
        self.exception = exception
        self.reraised = false
    }

    package init(reraising exception: PyException) {
        self.exception = exception
        self.reraised = true
    }
}
