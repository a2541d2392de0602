import RunModel
import TraceLanguage

/// The container values: list, tuple, dict, set (insertion ordered), bytes,
/// range, and their iterators. Their methods live in `Methods.swift`.

public final class PyList: PyObject {
    @exclusivity(unchecked) public var items: [Value]

    public init(_ items: [Value] = []) { self.items = items }

    deinit {
        if !items.isEmpty { DeferredRelease.release(&items, emptying: []) }
    }

    public override var typeName: String { "list" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(items)
        items = []
    }
    public override var pyType: PyType { .list }
    public override func repr(_ vm: Interpreter) throws -> String {
        try vm.withReprGuard(self, "[...]") {
            "[" + (try items.map { try vm.repr($0) }.joined(separator: ", ")) + "]"
        }
    }
    public override func truthy(_ vm: Interpreter) throws -> Bool { !items.isEmpty }
    public override func length(_ vm: Interpreter) throws -> Int? { items.count }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { SequenceIterator(self) }
    public override func getItem(_ key: Value, _ vm: Interpreter) throws -> Value {
        if case .obj(let o) = key, let s = o as? PySlice {
            return .obj(PyList(try s.apply(to: items, vm)))
        }
        return items[try vm.index(key, count: items.count, what: "list")]
    }
    public override func setItem(_ key: Value, _ value: Value, _ vm: Interpreter) throws {
        if case .obj(let o) = key, let s = o as? PySlice {
            try s.assign(value, into: &items, vm)
            return
        }
        items[try vm.index(key, count: items.count, what: "list assignment")] = value
    }
    public override func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? {
        for v in items where try vm.equals(v, value) { return true }
        return false
    }
    public override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard case .obj(let o) = other, let l = o as? PyList else { return nil }
        return try vm.sequencesEqual(items, l.items)
    }
    public override func hashKey(_ vm: Interpreter) throws -> HashKey? { nil }
    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        try listMethod(self, name, args, vm)
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        boundBuiltin(self, name, listMethodNames)
    }
}

/// Tuples of up to two items (pairs above all, the commonest) keep them
/// inline, so that such a tuple is one allocation instead of two (the object
/// and an array's buffer); longer ones keep an array.
public final class PyTuple: PyObject {
    // Laid out so that a pair takes 56 bytes (a 64-byte block of malloc, not
    // 80): the small count sits in the padding after `first`. Programs keep
    // millions of pairs.
    /// Item 0 when `count <= 2` (None where absent).
    // Variables only so that `deinit` can hand them to DeferredRelease.
    @exclusivity(unchecked) private var first: Value
    /// The count when `count <= 2`.
    private let smallCount: UInt8
    /// Item 1 when `count <= 2` (None where absent).
    @exclusivity(unchecked) private var second: Value
    /// All the items when `count > 2`; empty otherwise.
    @exclusivity(unchecked) private var more: [Value]

    deinit {
        if case .obj = first { DeferredRelease.release(&first, emptying: .none) }
        if case .obj = second { DeferredRelease.release(&second, emptying: .none) }
        if !more.isEmpty { DeferredRelease.release(&more, emptying: []) }
    }

    public var count: Int { more.isEmpty ? Int(smallCount) : more.count }

    public init(_ items: [Value]) {
        if items.count <= 2 {
            first = items.count > 0 ? items[0] : .none
            second = items.count > 1 ? items[1] : .none
            smallCount = UInt8(items.count)
            more = []
        } else {
            first = .none
            second = .none
            smallCount = 0
            more = items
        }
    }

    /// The pair `(a, b)`.
    package init(_ a: Value, _ b: Value) {
        first = a
        smallCount = 2
        second = b
        more = []
    }

    /// Item `i`, for `0 <= i < count`.
    @inline(__always) public subscript(i: Int) -> Value {
        if !more.isEmpty { return more[i] }
        precondition(i >= 0 && i < Int(smallCount), "tuple index out of range")
        return i == 0 ? first : second
    }

    /// The items as an array (built for tuples of up to two items).
    public var items: [Value] {
        switch count {
        case 0: return []
        case 1: return [first]
        case 2: return [first, second]
        default: return more
        }
    }

    public override var typeName: String { "tuple" }
    public override func dropReferences(into teardown: ObjectTeardown) { teardown.add(items) }
    public override var pyType: PyType { .tuple }
    public override func repr(_ vm: Interpreter) throws -> String {
        if items.count == 1 { return "(" + (try vm.repr(items[0])) + ",)" }
        return "(" + (try items.map { try vm.repr($0) }.joined(separator: ", ")) + ")"
    }
    public override func truthy(_ vm: Interpreter) throws -> Bool { count > 0 }
    public override func length(_ vm: Interpreter) throws -> Int? { count }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { SequenceIterator(self) }
    public override func getItem(_ key: Value, _ vm: Interpreter) throws -> Value {
        if case .obj(let o) = key, let s = o as? PySlice {
            return .obj(PyTuple(try s.apply(to: items, vm)))
        }
        return self[try vm.index(key, count: count, what: "tuple")]
    }
    public override func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? {
        for v in items where try vm.equals(v, value) { return true }
        return false
    }
    public override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard case .obj(let o) = other, let t = o as? PyTuple else { return nil }
        return try vm.sequencesEqual(items, t.items)
    }
    public override func hashKey(_ vm: Interpreter) throws -> HashKey? {
        // CPython hashes nested tuples without a limit, and its stack overflows
        // past about 150,000 levels; vloop stops at `maxHashDepth`.
        if vm.hashDepth >= Interpreter.maxHashDepth {
            throw vm.error(.recursionError, "maximum recursion depth exceeded while hashing an object")
        }
        vm.hashDepth += 1
        defer { vm.hashDepth -= 1 }
        return .tuple(try items.map { try HashKey.of($0, vm) })
    }
    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        try tupleMethod(self, name, args, vm)
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        boundBuiltin(self, name, ["count", "index"])
    }
}

/// An insertion-ordered hash map keyed by Python equality; the storage of
/// dicts and sets. Removed entries leave holes that a compaction reclaims.
public struct OrderedTable {
    public private(set) var keys: [Value?] = []
    public private(set) var values: [Value] = []
    private var index: [HashKey: Int] = [:]
    public private(set) var count = 0

    public init() {}

    /// Room for `n` entries, so that filling it rehashes nothing (a class
    /// body's namespace knows its size before it is filled).
    public mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
        index.reserveCapacity(n)
    }

    public func find(_ key: HashKey) -> Int? { index[key] }

    /// Whether a new key makes the storage grow (`Interpreter.willGrowTable`).
    public var isFull: Bool { keys.count >= keys.capacity }

    public func get(_ key: HashKey) -> Value? {
        guard let i = index[key] else { return nil }
        return values[i]
    }

    /// Inserts or replaces; an existing key keeps its place (and its original key object).
    public mutating func set(_ key: HashKey, _ keyValue: Value, _ value: Value) {
        if let i = index[key] {
            values[i] = value
            return
        }
        index[key] = keys.count
        keys.append(keyValue)
        values.append(value)
        count += 1
    }

    @discardableResult
    public mutating func remove(_ key: HashKey) -> (Value, Value)? {
        guard let i = index.removeValue(forKey: key) else { return nil }
        let k = keys[i]!
        let v = values[i]
        keys[i] = nil
        values[i] = .none
        count -= 1
        if keys.count > 32 && count * 2 < keys.count { compact() }
        return (k, v)
    }

    public mutating func removeAll() {
        keys = []
        values = []
        index = [:]
        count = 0
    }

    /// The live entries, in insertion order.
    public var entries: [(key: Value, value: Value)] {
        var out: [(key: Value, value: Value)] = []
        out.reserveCapacity(count)
        for i in keys.indices { if let k = keys[i] { out.append((k, values[i])) } }
        return out
    }

    public var liveKeys: [Value] {
        var out: [Value] = []
        out.reserveCapacity(count)
        for k in keys { if let k { out.append(k) } }
        return out
    }

    /// The first live entry at or after raw position `from`, for iterators.
    public func entry(atOrAfter from: Int) -> (position: Int, key: Value, value: Value)? {
        var i = from
        while i < keys.count {
            if let k = keys[i] { return (i, k, values[i]) }
            i += 1
        }
        return nil
    }

    private mutating func compact() {
        var newKeys: [Value?] = []
        var newValues: [Value] = []
        var newIndex: [HashKey: Int] = [:]
        // Rebuilding the index needs each key's hash again; keep them by walking the old index.
        var positions = Array(index)
        positions.sort { $0.value < $1.value }
        for (h, i) in positions {
            newIndex[h] = newKeys.count
            newKeys.append(keys[i])
            newValues.append(values[i])
        }
        keys = newKeys
        values = newValues
        index = newIndex
    }
}

public final class PyDict: PyObject {
    @exclusivity(unchecked) public var table = OrderedTable()

    deinit {
        if table.count > 0 { DeferredRelease.release(&table, emptying: OrderedTable()) }
    }
    /// Bumped on every insertion or removal, so iterators can detect changes.
    @exclusivity(unchecked) package var version = 0
    /// What makes this dict a `collections` one (defaultdict, OrderedDict,
    /// Counter: CollectionsDicts.swift); nil for a plain dict. Fixed when the
    /// dict is made. A flavored dict is a PyDict, so every fast path and
    /// method of dicts works on it, and `isinstance(d, dict)` holds.
    @exclusivity(unchecked) public private(set) var flavor: DictFlavor?

    public override init() {}

    package init(flavor: DictFlavor) { self.flavor = flavor }

    public override var typeName: String { flavor?.typeName ?? "dict" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(table.keys.lazy.compactMap { $0 })
        teardown.add(table.values)
        table = OrderedTable()
        if let flavor {
            teardown.add(flavor.defaultFactory)
            flavor.defaultFactory = .none
        }
    }
    public override var pyType: PyType { flavor?.type ?? .dict }
    public override func repr(_ vm: Interpreter) throws -> String {
        if let flavor { return try flavor.repr(self, vm) }
        return try plainRepr(vm)
    }
    package func plainRepr(_ vm: Interpreter) throws -> String {
        try vm.withReprGuard(self, "{...}") {
            "{"
                + (try table.entries.map { "\(try vm.repr($0.key)): \(try vm.repr($0.value))" }
                    .joined(separator: ", ")) + "}"
        }
    }
    public override func truthy(_ vm: Interpreter) throws -> Bool { table.count > 0 }
    public override func length(_ vm: Interpreter) throws -> Int? { table.count }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { TableIterator(dict: self, mode: .keys) }
    public override func getItem(_ key: Value, _ vm: Interpreter) throws -> Value {
        guard let v = table.get(try HashKey.of(key, vm)) else {
            if let flavor { return try flavor.missing(self, key, vm) }
            throw vm.raise(PyException(type: .keyError, args: [key]))
        }
        return v
    }
    public override func setItem(_ key: Value, _ value: Value, _ vm: Interpreter) throws {
        let h = try HashKey.of(key, vm)
        if table.find(h) == nil {
            try vm.willGrowTable(table)
            version += 1
        }
        table.set(h, key, value)
    }
    public func get(_ key: Value, _ vm: Interpreter) throws -> Value? { table.get(try HashKey.of(key, vm)) }
    public override func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? {
        table.find(try HashKey.of(value, vm)) != nil
    }
    public override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard case .obj(let o) = other, let d = o as? PyDict else { return nil }
        if let r = try flavor?.equals(self, d, vm) ?? d.flavor?.equals(d, self, vm) { return r }
        if d.table.count != table.count { return false }
        for (k, v) in table.entries {
            guard let w = d.table.get(try HashKey.of(k, vm)), try vm.equals(v, w) else { return false }
        }
        return true
    }
    public override func hashKey(_ vm: Interpreter) throws -> HashKey? { nil }
    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        if let flavor, let r = try flavor.callMethod(self, name, args, vm) { return r }
        return try dictMethod(self, name, args, vm)
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if let flavor, let r = try flavor.getAttr(self, name, vm) { return r }
        return boundBuiltin(self, name, dictMethodNames)
    }
    public override func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        if let flavor, try flavor.setAttr(self, name, value, vm) { return }
        try super.setAttr(name, value, vm)
    }
    public override func binaryOperator(
        _ op: BinaryOp, _ other: Value, reflected: Bool, inPlace: Bool, _ vm: Interpreter
    ) throws -> Value? {
        try flavor?.binaryOperator(self, op, other, reflected: reflected, inPlace: inPlace, vm)
    }
    public override func orderOperator(_ op: CompareOp, _ other: Value, _ vm: Interpreter) throws -> Bool? {
        try flavor?.orderOperator(self, op, other, vm)
    }
}

/// Sets iterate in insertion order (TRACE_LANGUAGE.md, "Where CPython is not deterministic").
public final class PySet: PyObject {
    @exclusivity(unchecked) public var table = OrderedTable()
    @exclusivity(unchecked) package var version = 0

    public override init() {}

    public override var typeName: String { "set" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(table.keys.lazy.compactMap { $0 })
        table = OrderedTable()
    }
    public override var pyType: PyType { .set }
    public override func repr(_ vm: Interpreter) throws -> String {
        if table.count == 0 { return "set()" }
        return "{" + (try table.liveKeys.map { try vm.repr($0) }.joined(separator: ", ")) + "}"
    }
    public func add(_ v: Value, _ vm: Interpreter) throws {
        let h = try HashKey.of(v, vm)
        if table.find(h) == nil {
            try vm.willGrowTable(table)
            version += 1
            table.set(h, v, .none)
        }
    }
    public override func truthy(_ vm: Interpreter) throws -> Bool { table.count > 0 }
    public override func length(_ vm: Interpreter) throws -> Int? { table.count }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { TableIterator(set: self) }
    public override func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? {
        table.find(try HashKey.of(value, vm)) != nil
    }
    public override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard case .obj(let o) = other, let s = o as? PySet else { return nil }
        if s.table.count != table.count { return false }
        for k in table.liveKeys where s.table.find(try HashKey.of(k, vm)) == nil { return false }
        return true
    }
    public override func hashKey(_ vm: Interpreter) throws -> HashKey? { nil }
    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        try setMethod(self, name, args, vm)
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        boundBuiltin(self, name, setMethodNames)
    }
}

public final class PyBytes: PyObject {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public override var typeName: String { "bytes" }
    public override var pyType: PyType { .bytes }
    public override func repr(_ vm: Interpreter) throws -> String { bytesRepr(bytes) }
    public override func truthy(_ vm: Interpreter) throws -> Bool { !bytes.isEmpty }
    public override func length(_ vm: Interpreter) throws -> Int? { bytes.count }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? {
        SequenceIterator(PyTuple(bytes.map { .int(Int($0)) }))
    }
    public override func getItem(_ key: Value, _ vm: Interpreter) throws -> Value {
        if case .obj(let o) = key, let s = o as? PySlice {
            return .obj(PyBytes(try s.apply(to: bytes, vm)))
        }
        return .int(Int(bytes[try vm.index(key, count: bytes.count, what: "index")]))
    }
    public override func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? {
        if case .int(let i) = value { return bytes.contains(where: { Int($0) == i }) }
        if case .obj(let o) = value, let b = o as? PyBytes {
            if b.bytes.isEmpty { return true }
            if b.bytes.count > bytes.count { return false }
            for s in 0...(bytes.count - b.bytes.count) where Array(bytes[s..<(s + b.bytes.count)]) == b.bytes {
                return true
            }
            return false
        }
        throw vm.error(.typeError, "a bytes-like object is required, not '\(vm.typeName(value))'")
    }
    public override func equals(_ other: Value, _ vm: Interpreter) throws -> Bool? {
        guard case .obj(let o) = other, let b = o as? PyBytes else { return nil }
        return bytes == b.bytes
    }
    public override func hashKey(_ vm: Interpreter) throws -> HashKey? { .bytes(bytes) }
    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        try bytesMethod(self, name, args, vm)
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        boundBuiltin(self, name, bytesMethodNames)
    }
}

public final class PyRange: PyObject {
    public let start: Int, stop: Int, step: Int

    public init(start: Int, stop: Int, step: Int) {
        self.start = start
        self.stop = stop
        self.step = step
    }

    /// The number of elements, which may exceed `Int.max` (`range(-2**63,
    /// 2**63-1)` has 2**64-1): computed in unsigned arithmetic, where the
    /// distance between two ints always fits.
    public var lengthMagnitude: UInt {
        if step > 0 {
            guard start < stop else { return 0 }
            return (UInt(bitPattern: stop &- start) - 1) / step.magnitude + 1
        }
        guard start > stop else { return 0 }
        return (UInt(bitPattern: start &- stop) - 1) / step.magnitude + 1
    }

    /// The number of elements, or `Int.max` for a longer range (what a
    /// consumer that allocates may ask for; `len()` raises instead).
    public var count: Int { Int(clamping: lengthMagnitude) }

    /// Element `i` (`0 <= i < lengthMagnitude`): wrapping arithmetic gives
    /// the exact value, which lies between `start` and `stop`.
    @inline(__always) func element(_ i: UInt) -> Int { start &+ step &* Int(bitPattern: i) }

    public override var typeName: String { "range" }
    public override var pyType: PyType { .range }
    public override func repr(_ vm: Interpreter) throws -> String {
        step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))"
    }
    public override func truthy(_ vm: Interpreter) throws -> Bool { lengthMagnitude > 0 }
    public override func length(_ vm: Interpreter) throws -> Int? {
        guard let n = Int(exactly: lengthMagnitude) else {
            throw vm.error(.overflowError, "Python int too large to convert to C ssize_t")
        }
        return n
    }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { RangeIterator(self) }
    public override func getItem(_ key: Value, _ vm: Interpreter) throws -> Value {
        let n = lengthMagnitude
        if let count = Int(exactly: n) {
            return .int(element(UInt(try vm.index(key, count: count, what: "range object"))))
        }
        // Longer than Int.max: any int index is in range once counted from the end.
        let i = try vm.indexValue(key, what: "range object")
        return .int(element(i >= 0 ? UInt(i) : n - i.magnitude))
    }
    public override func contains(_ value: Value, _ vm: Interpreter) throws -> Bool? {
        let i: Int
        switch value {
        case .int(let x): i = x
        case .bool(let b): i = b ? 1 : 0
        // CPython compares a float with each element: equal only to an integral one.
        case .float(let d):
            guard let x = Int(exactly: d) else { return false }
            i = x
        default: return false
        }
        if step > 0 ? (i < start || i >= stop) : (i > start || i <= stop) { return false }
        // The distance from `start` fits in a UInt, not always in an Int.
        return UInt(bitPattern: step > 0 ? i &- start : start &- i) % step.magnitude == 0
    }

    /// An iterator over the elements from the last to the first (`reversed`).
    package func reversedIterator() -> RangeIterator {
        let n = lengthMagnitude
        return RangeIterator(first: n == 0 ? start : element(n - 1), step: 0 &- step, count: n)
    }
}

/// Iterates a range by counting the elements left, so that no step past the
/// last element is ever computed (it could overflow: `range(0, 2**63-1, 2**62)`).
package final class RangeIterator: PyObject {
    @exclusivity(unchecked) package var next: Int
    /// The elements not yet produced.
    @exclusivity(unchecked) package var remaining: UInt
    package let step: Int

    package init(_ r: PyRange) {
        next = r.start
        step = r.step
        remaining = r.lengthMagnitude
    }

    /// `count` elements from `first`, `step` apart (wrapping: a reversed
    /// range's step may be `-(-2**63)`, which wraps to itself and still
    /// lands on each element).
    package init(first: Int, step: Int, count: UInt) {
        next = first
        self.step = step
        remaining = count
    }

    package override var typeName: String { "range_iterator" }
    package override var pyType: PyType { PyType.native(typeName) }
    package override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    /// `next(it)` from native code (the for loop's fast path, `nextInt`,
    /// counts its own instruction): one native step of the budget.
    package override func next(_ vm: Interpreter) throws -> Value? {
        try vm.chargeNativeStep()
        return nextInt().map { .int($0) }
    }

    /// `next(self)`, which cannot fail: nil when exhausted.
    @inline(__always) package func nextInt() -> Int? {
        if remaining == 0 { return nil }
        remaining &-= 1
        defer { next &+= step }
        return next
    }
}

/// Iterates a list (seeing its changes, as Python does) or a tuple.
package final class SequenceIterator: PyObject {
    package let list: PyList?
    package let tuple: PyTuple?
    @exclusivity(unchecked) package var position = 0

    package init(_ l: PyList) {
        list = l
        tuple = nil
    }

    package init(_ t: PyTuple) {
        list = nil
        tuple = t
    }

    package override var typeName: String { list != nil ? "list_iterator" : "tuple_iterator" }
    package override func dropReferences(into teardown: ObjectTeardown) {
        if let list { teardown.add(list) }
        if let tuple { teardown.add(tuple) }
    }
    package override var pyType: PyType { PyType.native(typeName) }
    package override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    package override func next(_ vm: Interpreter) throws -> Value? { nextItem() }

    /// `next(self)`, which cannot fail: nil when exhausted.
    @inline(__always) package func nextItem() -> Value? {
        if let l = list {
            guard position < l.items.count else { return nil }
            defer { position += 1 }
            return l.items[position]
        }
        let t = tuple.unsafelyUnwrapped
        guard position < t.count else { return nil }
        defer { position += 1 }
        return t[position]
    }
}

/// Iterates the keys, values or items of a dict, or the elements of a set.
package final class TableIterator: PyObject {
    package enum Mode { case keys, values, items }

    package let dict: PyDict?
    package let set: PySet?
    package let mode: Mode
    package let version: Int
    @exclusivity(unchecked) package var position = 0

    package init(dict: PyDict, mode: Mode) {
        self.dict = dict
        self.set = nil
        self.mode = mode
        self.version = dict.version
    }

    package init(set: PySet) {
        self.dict = nil
        self.set = set
        self.mode = .keys
        self.version = set.version
    }

    package override var typeName: String { dict != nil ? "dict_keyiterator" : "set_iterator" }
    package override func dropReferences(into teardown: ObjectTeardown) {
        if let dict { teardown.add(dict) }
        if let set { teardown.add(set) }
    }
    package override var pyType: PyType { PyType.native(typeName) }
    package override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    package override func next(_ vm: Interpreter) throws -> Value? {
        let table = dict?.table ?? set!.table
        if (dict?.version ?? set!.version) != version {
            throw vm.error(
                .runtimeError,
                dict != nil
                    ? "dictionary changed size during iteration" : "Set changed size during iteration")
        }
        guard let e = table.entry(atOrAfter: position) else { return nil }
        position = e.position + 1
        switch mode {
        case .keys: return e.key
        case .values: return e.value
        case .items: return .obj(PyTuple([e.key, e.value]))
        }
    }
}

/// Iterates a Swift array snapshot (views, `reversed`, `zip` results...).
package final class ArrayIterator: PyObject {
    package let items: [Value]
    @exclusivity(unchecked) package var position = 0
    package let name: String

    package init(_ items: [Value], name: String = "iterator") {
        self.items = items
        self.name = name
    }

    package override var typeName: String { name }
    package override func dropReferences(into teardown: ObjectTeardown) { teardown.add(items) }
    package override var pyType: PyType { PyType.native(typeName) }
    package override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    package override func next(_ vm: Interpreter) throws -> Value? {
        guard position < items.count else { return nil }
        defer { position += 1 }
        return items[position]
    }
}

/// `a[start:stop:step]`.
public final class PySlice: PyObject {
    package let start: Value, stop: Value, step: Value

    package init(_ start: Value, _ stop: Value, _ step: Value) {
        self.start = start
        self.stop = stop
        self.step = step
    }

    public override var typeName: String { "slice" }

    /// Python's `slice.indices(count)`.
    package func indices(_ count: Int, _ vm: Interpreter) throws -> (start: Int, stop: Int, step: Int) {
        func intOf(_ v: Value) throws -> Int? {
            switch v {
            case .none: return nil
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            default:
                throw vm.error(.typeError, "slice indices must be integers or None or have an __index__ method")
            }
        }
        let st = try intOf(step) ?? 1
        if st == 0 { throw vm.error(.valueError, "slice step cannot be zero") }
        let lower = st < 0 ? -1 : 0
        let upper = st < 0 ? count - 1 : count
        func clamp(_ v: Int?, _ dflt: Int) -> Int {
            guard var v else { return dflt }
            if v < 0 {
                v += count
                return v < lower ? lower : v
            }
            return v > upper ? upper : v
        }
        return (clamp(try intOf(start), st < 0 ? upper : lower), clamp(try intOf(stop), st < 0 ? lower : upper), st)
    }

    package func positions(_ count: Int, _ vm: Interpreter) throws -> [Int] {
        let (a, b, s) = try indices(count, vm)
        var out: [Int] = []
        var i = a
        while s > 0 ? i < b : i > b {
            out.append(i)
            i += s
        }
        return out
    }

    package func apply<T>(to items: [T], _ vm: Interpreter) throws -> [T] {
        try positions(items.count, vm).map { items[$0] }
    }

    package func assign(_ value: Value, into items: inout [Value], _ vm: Interpreter) throws {
        let newItems = try vm.iterate(value)
        let (a, b, s) = try indices(items.count, vm)
        if s == 1 {
            items.replaceSubrange(a..<max(a, b), with: newItems)
            return
        }
        let pos = try positions(items.count, vm)
        if pos.count != newItems.count {
            throw vm.error(
                .valueError,
                "attempt to assign sequence of size \(newItems.count) to extended slice of size \(pos.count)")
        }
        for (p, v) in zip(pos, newItems) { items[p] = v }
    }
}
