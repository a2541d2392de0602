import RunModel
import TraceLanguage

/// `collections.deque`: a ring buffer, so that both ends take and give in
/// constant time, with CPython 3.11's methods, reprs and error messages
/// (`Modules/_collectionsmodule.c`).
public final class PyDeque: PyObject {
    /// The storage; `count` items from `head`, wrapping around.
    /// Invariant: `count <= buffer.count`, and `buffer.count` is 0 or a power of two.
    @exclusivity(unchecked) private var buffer: [Value] = []
    @exclusivity(unchecked) private var head = 0
    @exclusivity(unchecked) public private(set) var count = 0
    /// nil for an unbounded deque. Invariant: `count <= maxlen`.
    public let maxlen: Int?
    /// Bumped by every change of the items' number or order, so that an
    /// iterator detects "deque mutated during iteration" as CPython's does.
    @exclusivity(unchecked) package var state = 0

    public init(maxlen: Int? = nil) { self.maxlen = maxlen }

    deinit {
        if !buffer.isEmpty { DeferredRelease.release(&buffer, emptying: []) }
    }

    public static let type: PyType = {
        let t = PyType("deque", base: .object) { args, vm in try makeDeque(args, vm) }
        t.module = "collections"
        return t
    }()

    /// `deque(iterable=(), maxlen=None)`.
    static func makeDeque(_ args: Args, _ vm: Interpreter) throws -> Value {
        if args.count > 2 { throw vm.error(.typeError, "deque() takes at most 2 arguments (\(args.count) given)") }
        for (k, _) in args.keywords where k != "iterable" && k != "maxlen" {
            throw vm.error(.typeError, "'\(k)' is an invalid keyword argument for deque()")
        }
        var maxlen: Int?
        if let m = argument(args, 1, "maxlen"), !m.isNone {
            guard let n = intValue(m) else { throw vm.error(.typeError, "an integer is required") }
            if n < 0 { throw vm.error(.valueError, "maxlen must be non-negative") }
            maxlen = n
        }
        let d = PyDeque(maxlen: maxlen)
        if let source = argument(args, 0, "iterable") { try d.extend(source, vm) }
        return .obj(d)
    }

    // MARK: Storage

    @inline(__always) private func slot(_ i: Int) -> Int { (head + i) & (buffer.count - 1) }

    /// The item at `i` (`0..<count`).
    package subscript(i: Int) -> Value {
        get { buffer[slot(i)] }
        set { buffer[slot(i)] = newValue }
    }

    package var items: [Value] { (0..<count).map { self[$0] } }

    private func grow() {
        let items = self.items
        buffer = items + Array(repeating: .none, count: max(8, buffer.count * 2) - items.count)
        head = 0
    }

    /// Before one more item: when the buffer must grow, `MemoryError` past
    /// `SizeBounds` and the grown buffer against the memory budget.
    package func willAppend(_ vm: Interpreter) throws {
        if count == buffer.count && count != maxlen { try vm.willGrowList(to: count &+ 1, capacity: buffer.count) }
    }

    package func append(_ v: Value) {
        if maxlen == 0 { return }
        if count == maxlen { _ = popLeft() }
        if count == buffer.count { grow() }
        buffer[slot(count)] = v
        count += 1
        state &+= 1
    }

    package func appendLeft(_ v: Value) {
        if maxlen == 0 { return }
        if count == maxlen { _ = pop() }
        if count == buffer.count { grow() }
        head = (head - 1) & (buffer.count - 1)
        buffer[head] = v
        count += 1
        state &+= 1
    }

    package func pop() -> Value? {
        if count == 0 { return nil }
        count -= 1
        let i = slot(count)
        defer { buffer[i] = .none }
        state &+= 1
        return buffer[i]
    }

    package func popLeft() -> Value? {
        if count == 0 { return nil }
        let v = buffer[head]
        buffer[head] = .none
        head = (head + 1) & (buffer.count - 1)
        count -= 1
        state &+= 1
        return v
    }

    package func replaceAll(_ items: [Value]) {
        buffer = []
        head = 0
        count = 0
        for v in items { append(v) }
        state &+= 1
    }

    /// `extend`: the items are taken first when the source is the deque itself.
    package func extend(_ source: Value, _ vm: Interpreter) throws {
        if case .obj(let o) = source, o === self {
            for v in items {
                try willAppend(vm)
                append(v)
            }
            return
        }
        let it = try vm.makeIterator(source)
        while let v = try it.next(vm) {
            try willAppend(vm)
            append(v)
        }
    }

    package func rotate(_ n: Int) {
        guard count > 1 else { return }
        var k = n % count
        if k < 0 { k += count }
        if k == 0 { return }
        let items = self.items
        replaceAll(Array(items[(count - k)...] + items[..<(count - k)]))
    }

    // MARK: Python behaviour

    public override var typeName: String { "collections.deque" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(buffer)
        buffer = []
        head = 0
        count = 0
    }
    public override var pyType: PyType { PyDeque.type }
    public override func repr(_ vm: Interpreter) throws -> String { try repr(typeName: "deque", vm) }

    /// The repr, naming `typeName` (a subclass's name, as CPython's does).
    package func repr(typeName: String, _ vm: Interpreter) throws -> String {
        try vm.withReprGuard(self, "[...]") {
            let body = "[" + (try items.map { try vm.repr($0) }.joined(separator: ", ")) + "]"
            return maxlen.map { "\(typeName)(\(body), maxlen=\($0))" } ?? "\(typeName)(\(body))"
        }
    }
    public override func truthy(_ vm: Interpreter) throws -> Bool { count > 0 }
    public override func length(_ vm: Interpreter) throws -> Int? { count }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { DequeIterator(self, reversed: false) }
    public override func hashKey(_ vm: Interpreter) throws -> HashKey? { nil }

    private func position(_ key: Value, _ vm: Interpreter) throws -> Int {
        guard let i = intValue(key) else {
            throw vm.error(.typeError, "sequence index must be integer, not '\(vm.typeName(key))'")
        }
        let j = i < 0 ? i + count : i
        if j < 0 || j >= count { throw vm.error(.indexError, "deque index out of range") }
        return j
    }
    public override func getItem(_ key: Value, _ vm: Interpreter) throws -> Value { self[try position(key, vm)] }
    public override func setItem(_ key: Value, _ value: Value, _ vm: Interpreter) throws {
        self[try position(key, vm)] = value
    }
    package func delete(_ key: Value, _ vm: Interpreter) throws {
        var items = self.items
        items.remove(at: try position(key, vm))
        replaceAll(items)
    }
    public override func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? {
        let s = state
        for i in 0..<count {
            if try vm.equals(self[i], value) { return true }
            if s != state { throw vm.error(.runtimeError, "deque mutated during iteration") }
        }
        return false
    }
    public override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard case .obj(let o) = other, let d = o as? PyDeque else { return nil }
        return try vm.sequencesEqual(items, d.items)
    }
    public override func orderOperator(_ op: CompareOp, _ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard case .obj(let o) = other, let d = o as? PyDeque else { return nil }
        return try orderCompare(op, .obj(PyList(items)), .obj(PyList(d.items)), vm)
    }
    public override func binaryOperator(
        _ op: BinaryOp, _ other: Value, reflected: Bool, inPlace: Bool, _ vm: Interpreter
    ) throws -> Value? {
        switch op {
        case .add where !reflected:
            guard case .obj(let o) = other, let d = o as? PyDeque else {
                if inPlace {
                    try extend(other, vm)
                    return .obj(self)
                }
                throw vm.error(
                    .typeError, "can only concatenate deque (not \"\(vm.typeName(other))\") to deque")
            }
            let target = inPlace ? self : copy()
            try target.extend(.obj(d), vm)
            return .obj(target)
        case .mul:
            guard let n = intValue(other) else { return nil }
            let target = inPlace ? self : copy()
            let items = target.items
            target.replaceAll(n <= 0 ? [] : Array([[Value]](repeating: items, count: n).joined()))
            return .obj(target)
        default: return nil
        }
    }

    package func copy() -> PyDeque {
        let d = PyDeque(maxlen: maxlen)
        for v in items { d.append(v) }
        return d
    }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if name == "maxlen" { return maxlen.map { .int($0) } ?? Value.none }
        return boundBuiltin(self, name, PyDeque.methodNames)
    }

    static let methodNames: Set<String> = [
        "append", "appendleft", "clear", "copy", "count", "extend", "extendleft", "index", "insert", "pop",
        "popleft", "remove", "reverse", "rotate", "__copy__", "__reversed__",
    ]

    public override func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        if name == "maxlen" {
            throw vm.error(.attributeError, "attribute 'maxlen' of 'collections.deque' objects is not writable")
        }
        throw vm.error(.attributeError, "'collections.deque' object has no attribute '\(name)'")
    }

    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        guard PyDeque.methodNames.contains(name) else { return try super.callMethod(name, args, vm) }
        try checkKeywords("deque.\(name)", args, [], vm)
        func arity(_ n: Int) throws {
            if args.count == n { return }
            switch n {
            case 0: throw vm.error(.typeError, "deque.\(name)() takes no arguments (\(args.count) given)")
            default: throw vm.error(.typeError, "deque.\(name)() takes exactly one argument (\(args.count) given)")
            }
        }
        switch name {
        case "append":
            try arity(1)
            try willAppend(vm)
            append(args[0])
        case "appendleft":
            try arity(1)
            try willAppend(vm)
            appendLeft(args[0])
        case "pop", "popleft":
            try arity(0)
            guard let v = name == "pop" ? pop() : popLeft() else {
                throw vm.error(.indexError, "pop from an empty deque")
            }
            return v
        case "extend":
            try arity(1)
            try extend(args[0], vm)
        case "extendleft":
            try arity(1)
            let source = (args[0].object === self) ? items : try vm.iterate(args[0])
            for v in source {
                try willAppend(vm)
                appendLeft(v)
            }
        case "clear":
            try arity(0)
            replaceAll([])
        case "copy", "__copy__":
            try arity(0)
            return .obj(copy())
        case "count":
            try arity(1)
            var n = 0
            let s = state
            for i in 0..<count {
                if try vm.equals(self[i], args[0]) { n += 1 }
                if s != state { throw vm.error(.runtimeError, "deque mutated during iteration") }
            }
            return .int(n)
        case "index":
            if args.count < 1 || args.count > 3 {
                throw vm.error(
                    .typeError,
                    "index expected \(args.count < 1 ? "at least 1 argument" : "at most 3 arguments"), got \(args.count)"
                )
            }
            let (start, stop) = try sliceBounds(
                args.count > 1 ? args[1] : nil, args.count > 2 ? args[2] : nil, count, vm)
            let s = state
            var i = start
            while i < min(stop, count) {
                if try vm.equals(self[i], args[0]) { return .int(i) }
                if s != state { throw vm.error(.runtimeError, "deque mutated during iteration") }
                i += 1
            }
            throw vm.error(.valueError, "\(try vm.repr(args[0])) is not in deque")
        case "insert":
            if args.count != 2 { throw vm.error(.typeError, "insert expected 2 arguments, got \(args.count)") }
            guard let i = intValue(args[0]) else {
                throw vm.error(.typeError, "'\(vm.typeName(args[0]))' object cannot be interpreted as an integer")
            }
            if count == maxlen { throw vm.error(.indexError, "deque already at its maximum size") }
            var items = self.items
            let j = i < 0 ? max(0, i + count) : min(i, count)
            items.insert(args[1], at: j)
            replaceAll(items)
        case "remove":
            try arity(1)
            let s = state
            for i in 0..<count {
                let equal = try vm.equals(self[i], args[0])
                if s != state { throw vm.error(.indexError, "deque mutated during remove().") }
                if equal {
                    try delete(.int(i), vm)
                    return .none
                }
            }
            throw vm.error(.valueError, "\(try vm.repr(args[0])) is not in deque")
        case "reverse":
            try arity(0)
            replaceAll(items.reversed())
        case "rotate":
            if args.count > 1 {
                throw vm.error(.typeError, "deque.rotate expected at most 1 argument, got \(args.count)")
            }
            var n = 1
            if args.count == 1 {
                guard let k = intValue(args[0]) else {
                    throw vm.error(
                        .typeError, "'\(vm.typeName(args[0]))' object cannot be interpreted as an integer")
                }
                n = k
            }
            rotate(n)
        case "__reversed__":
            try arity(0)
            return .obj(DequeIterator(self, reversed: true))
        default: break
        }
        return .none
    }
}

/// An iterator over a deque (`_collections._deque_iterator`); raises
/// RuntimeError when the deque changed since it was made.
package final class DequeIterator: PyObject {
    private let deque: PyDeque
    private let state: Int
    private let reversed: Bool
    private var index = 0

    package init(_ deque: PyDeque, reversed: Bool) {
        self.deque = deque
        self.state = deque.state
        self.reversed = reversed
    }

    package override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(deque)
    }

    package override var typeName: String {
        reversed ? "_collections._deque_reverse_iterator" : "_collections._deque_iterator"
    }
    package override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    package override func next(_ vm: Interpreter) throws -> Value? {
        if deque.state != state { throw vm.error(.runtimeError, "deque mutated during iteration") }
        if index >= deque.count { return nil }
        defer { index += 1 }
        return deque[reversed ? deque.count - 1 - index : index]
    }
}
