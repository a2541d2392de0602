import RunModel
import TraceLanguage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The arithmetic, unary and comparison operators, with CPython 3.11's
/// results and error messages. Ints are 64-bit: a result outside that range
/// raises `OverflowError` (TRACE_LANGUAGE.md, "Expressions").

// MARK: - Binary operators

/// `a op b`.
public func binaryOp(_ op: BinaryOp, _ a: Value, _ b: Value, _ vm: Interpreter) throws -> Value {
    try arithmetic(op, a, b, inPlace: false, vm)
}

/// `a op= b`: lists extend and repeat in place, sets update in place;
/// everything else computes `a op b` (with `op=` in the error message).
public func inplaceOp(_ op: BinaryOp, _ a: Value, _ b: Value, _ vm: Interpreter) throws -> Value {
    if case .obj(let o) = a, let list = o as? PyList {
        switch op {
        case .add:
            let items = try vm.iterate(b)
            try vm.willGrowList(to: list.items.count &+ items.count, capacity: list.items.capacity)
            list.items.append(contentsOf: items)
            return a
        case .mul:
            guard let n = intValue(b) else {
                throw vm.error(.typeError, "can't multiply sequence by non-int of type '\(vm.typeName(b))'")
            }
            list.items = try repeated(list.items, n, overflow: nil, vm)
            return a
        default: break
        }
    }
    if op == .bitOr, case .obj(let o) = a, let dict = o as? PyDict, dict.flavor?.kind != .counter {
        // `d |= other` is `d.update(other)`: any mapping or iterable of pairs.
        try dictUpdate(dict, from: b, vm)
        return a
    }
    if case .obj(let o) = a, let set = o as? PySet, let symbol = setSymbol(op) {
        guard case .obj(let p) = b, let other = p as? PySet else { throw unsupported(op.rawValue + "=", a, b, vm) }
        let result = try setOperator(symbol, set, other, vm)
        if result.table.count != set.table.count { set.version += 1 }
        set.table = result.table
        return a
    }
    return try arithmetic(op, a, b, inPlace: true, vm)
}

private func setSymbol(_ op: BinaryOp) -> Character? {
    switch op {
    case .bitOr: return "|"
    case .bitAnd: return "&"
    case .bitXor: return "^"
    case .sub: return "-"
    default: return nil
    }
}

private func arithmetic(_ op: BinaryOp, _ a: Value, _ b: Value, inPlace: Bool, _ vm: Interpreter) throws -> Value {
    /// No builtin meaning: the operands' special methods, else TypeError.
    func fallback() throws -> Value {
        if case .obj(let x) = a, let r = try x.binaryOperator(op, b, reflected: false, inPlace: inPlace, vm) {
            return r
        }
        if case .obj(let y) = b, let r = try y.binaryOperator(op, a, reflected: true, inPlace: false, vm) { return r }
        if let r = try specialBinary(op, a, b, inPlace: inPlace, vm) { return r }
        // An instance of a class derived from a built-in type: the built-in value's operator.
        let (x, y) = (vm.builtinValue(a), vm.builtinValue(b))
        if !x.isIdentical(to: a) || !y.isIdentical(to: b) { return try arithmetic(op, x, y, inPlace: false, vm) }
        throw unsupported(inPlace ? op.rawValue + "=" : op == .pow ? "** or pow()" : op.rawValue, a, b, vm)
    }
    switch op {
    case .bitOr, .bitAnd, .bitXor:
        if case .bool(let x) = a, case .bool(let y) = b {
            return .bool(op == .bitOr ? x || y : op == .bitAnd ? x && y : x != y)
        }
        if let x = intValue(a), let y = intValue(b) { return try intBinary(op, x, y, vm) }
        if case .obj(let x) = a, let l = x as? PySet, case .obj(let y) = b, let r = y as? PySet {
            return .obj(try setOperator(setSymbol(op)!, l, r, vm))
        }
        if op == .bitOr, case .obj(let x) = a, let l = x as? PyDict, case .obj(let y) = b, let r = y as? PyDict,
            l.flavor == nil, r.flavor == nil
        {
            let union = PyDict()
            union.table = l.table
            try dictUpdate(union, from: .obj(r), vm)
            return .obj(union)
        }
        if op == .bitOr, (a.object as? PyType)?.metaclass == nil, (b.object as? PyType)?.metaclass == nil,
            let u = unionOf(a, b)
        {
            return u
        }
        if op == .bitOr, let r = try specialBinary(op, a, b, inPlace: inPlace, vm) { return r }
        if op == .bitOr, let u = unionOf(a, b) { return u }
        return try fallback()
    case .leftShift, .rightShift:
        if let x = intValue(a), let y = intValue(b) { return try intBinary(op, x, y, vm) }
        return try fallback()
    case .matMul:
        return try fallback()
    default: break
    }
    if let x = intValue(a), let y = intValue(b) { return try intBinary(op, x, y, vm) }
    if let x = floatValue(a), let y = floatValue(b) { return .float(try floatBinary(op, x, y, vm)) }
    switch op {
    case .add:
        if let r = try concatenate(a, b, vm) { return r }
    case .mul:
        if let r = try repeatSequence(a, b, vm) { return r }
    case .mod:
        if case .str(let s) = a { return .str(try percentFormat(s, b, vm)) }
        if case .obj(let x) = a, let f = x as? PyBytes { return .obj(PyBytes(try bytesPercentFormat(f.bytes, b, vm))) }
    case .sub:
        if case .obj(let x) = a, let l = x as? PySet, case .obj(let y) = b, let r = y as? PySet {
            return .obj(try setOperator("-", l, r, vm))
        }
    default: break
    }
    return try fallback()
}

/// The set operators `| & - ^`, which keep the left operand's elements first,
/// then the right's (TRACE_LANGUAGE.md, "Where CPython is not deterministic").
public func setOperator(_ symbol: Character, _ a: PySet, _ b: PySet, _ vm: Interpreter) throws -> PySet {
    let out = PySet()
    switch symbol {
    case "|":
        for k in a.table.liveKeys { try out.add(k, vm) }
        for k in b.table.liveKeys { try out.add(k, vm) }
    case "&":
        for k in a.table.liveKeys where b.table.find(try HashKey.of(k, vm)) != nil { try out.add(k, vm) }
    case "-":
        for k in a.table.liveKeys where b.table.find(try HashKey.of(k, vm)) == nil { try out.add(k, vm) }
    case "^":
        for k in a.table.liveKeys where b.table.find(try HashKey.of(k, vm)) == nil { try out.add(k, vm) }
        for k in b.table.liveKeys where a.table.find(try HashKey.of(k, vm)) == nil { try out.add(k, vm) }
    default:
        preconditionFailure("setOperator: unknown operator \(symbol)")
    }
    return out
}

package func unsupported(_ symbol: String, _ a: Value, _ b: Value, _ vm: Interpreter) -> PyRaise {
    vm.error(.typeError, "unsupported operand type(s) for \(symbol): '\(vm.typeName(a))' and '\(vm.typeName(b))'")
}

/// Ints and bools as ints.
@inline(__always) package func intValue(_ v: Value) -> Int? {
    switch v {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    default: return nil
    }
}

/// Any number as a double.
@inline(__always) package func floatValue(_ v: Value) -> Double? {
    switch v {
    case .float(let d): return d
    case .int(let i): return Double(i)
    case .bool(let b): return b ? 1 : 0
    default: return nil
    }
}

package func intBinary(_ op: BinaryOp, _ x: Int, _ y: Int, _ vm: Interpreter) throws -> Value {
    switch op {
    case .add:
        let (r, o) = x.addingReportingOverflow(y)
        if o { throw overflow(vm) }
        return .int(r)
    case .sub:
        let (r, o) = x.subtractingReportingOverflow(y)
        if o { throw overflow(vm) }
        return .int(r)
    case .mul:
        let (r, o) = x.multipliedReportingOverflow(by: y)
        if o { throw overflow(vm) }
        return .int(r)
    case .div:
        if y == 0 { throw vm.error(.zeroDivisionError, "division by zero") }
        return .float(intTrueDivide(x, y))
    case .floorDiv:
        if y == 0 { throw vm.error(.zeroDivisionError, "integer division or modulo by zero") }
        return .int(try intFloorDivide(x, y, vm))
    case .mod:
        if y == 0 { throw vm.error(.zeroDivisionError, "integer modulo by zero") }
        return .int(intModulo(x, y))
    case .pow:
        if y < 0 {
            if x == 0 { throw vm.error(.zeroDivisionError, "0.0 cannot be raised to a negative power") }
            return .float(try floatPower(Double(x), Double(y), vm))
        }
        return .int(try intPower(x, y, vm))
    case .bitOr: return .int(x | y)
    case .bitAnd: return .int(x & y)
    case .bitXor: return .int(x ^ y)
    case .leftShift:
        if y < 0 { throw vm.error(.valueError, "negative shift count") }
        if x == 0 { return .int(0) }
        // Past 64 bits (vloop's ints), as for any other int result.
        guard y < Int.bitWidth, x.magnitude.leadingZeroBitCount > y else { throw overflow(vm) }
        let r = x << y
        if (r < 0) != (x < 0) { throw overflow(vm) }
        return .int(r)
    case .rightShift:
        if y < 0 { throw vm.error(.valueError, "negative shift count") }
        return .int(y >= Int.bitWidth ? (x < 0 ? -1 : 0) : x >> y)
    case .matMul:
        preconditionFailure("intBinary: '@' never reaches ints (arithmetic handles it)")
    }
}

/// Python's `x // y` for ints (rounds toward negative infinity).
package func intFloorDivide(_ x: Int, _ y: Int, _ vm: Interpreter) throws -> Int {
    let (q, o) = x.dividedReportingOverflow(by: y)
    if o { throw overflow(vm) }
    let r = x.remainderReportingOverflow(dividingBy: y).partialValue
    return (r != 0 && (r < 0) != (y < 0)) ? q - 1 : q
}

/// Python's `x % y` for ints (the result has the divisor's sign).
package func intModulo(_ x: Int, _ y: Int) -> Int {
    let r = x.remainderReportingOverflow(dividingBy: y).partialValue
    return (r != 0 && (r < 0) != (y < 0)) ? r + y : r
}

package func intPower(_ base: Int, _ exponent: Int, _ vm: Interpreter) throws -> Int {
    var result = 1
    var b = base
    var e = exponent
    while e > 0 {
        if e & 1 == 1 {
            let (r, o) = result.multipliedReportingOverflow(by: b)
            if o { throw overflow(vm) }
            result = r
        }
        e >>= 1
        if e > 0 {
            let (s, o) = b.multipliedReportingOverflow(by: b)
            if o { throw overflow(vm) }
            b = s
        }
    }
    return result
}

/// `x / y` for ints, correctly rounded as CPython's `long_true_divide` is
/// (converting both to doubles first would round twice above 2**53).
package func intTrueDivide(_ x: Int, _ y: Int) -> Double {
    let limit: UInt64 = 1 << 53
    if x.magnitude <= limit && y.magnitude <= limit { return Double(x) / Double(y) }
    let negative = (x < 0) != (y < 0)
    let a = UInt64(x.magnitude), b = UInt64(y.magnitude)
    var q = a / b
    var r = a % b
    var exponent = 0
    // Produce at least 56 significant bits, then fold the remainder into a
    // sticky bit so that the one rounding to 53 bits is correct.
    while q < (1 << 55) {
        let r2 = r << 1  // r < b <= 2**63, so this does not overflow
        let bit: UInt64 = r2 >= b ? 1 : 0
        r = r2 - (bit == 1 ? b : 0)
        q = (q << 1) | bit
        exponent -= 1
    }
    if r != 0 { q |= 1 }
    let magnitude = Double(q) * pow(2.0, Double(exponent))
    return negative ? -magnitude : magnitude
}

package func floatBinary(_ op: BinaryOp, _ x: Double, _ y: Double, _ vm: Interpreter) throws -> Double {
    switch op {
    case .add: return x + y
    case .sub: return x - y
    case .mul: return x * y
    case .div:
        if y == 0 { throw vm.error(.zeroDivisionError, "float division by zero") }
        return x / y
    case .floorDiv:
        if y == 0 { throw vm.error(.zeroDivisionError, "float floor division by zero") }
        return floatDivmod(x, y).quotient
    case .mod:
        if y == 0 { throw vm.error(.zeroDivisionError, "float modulo") }
        return floatDivmod(x, y).remainder
    case .pow:
        return try floatPower(x, y, vm)
    case .bitOr, .bitAnd, .bitXor, .leftShift, .rightShift, .matMul:
        preconditionFailure("floatBinary: bitwise operators and '@' never reach floats (arithmetic handles them)")
    }
}

/// CPython's `float_divmod`: floor quotient and a remainder with the divisor's sign.
package func floatDivmod(_ vx: Double, _ wx: Double) -> (quotient: Double, remainder: Double) {
    var mod = fmod(vx, wx)
    var div = (vx - mod) / wx
    if mod != 0 {
        if (wx < 0) != (mod < 0) {
            mod += wx
            div -= 1.0
        }
    } else {
        mod = copysign(0.0, wx)
    }
    var floordiv: Double
    if div != 0 {
        floordiv = floor(div)
        if div - floordiv > 0.5 { floordiv += 1.0 }
    } else {
        floordiv = copysign(0.0, vx / wx)
    }
    return (floordiv, mod)
}

/// CPython's `float_pow`.
package func floatPower(_ iv: Double, _ iw: Double, _ vm: Interpreter) throws -> Double {
    func isOddInteger(_ d: Double) -> Bool { d.isFinite && d.rounded() == d && fmod(d, 2.0) != 0 }
    if iw == 0 { return 1.0 }
    if iv.isNaN { return iv }
    if iw.isNaN { return iv == 1.0 ? 1.0 : iw }
    if iw.isInfinite {
        let a = abs(iv)
        if a == 1.0 { return 1.0 }
        return (iw > 0) == (a > 1.0) ? abs(iw) : 0.0
    }
    if iv.isInfinite {
        let odd = isOddInteger(iw)
        if iw > 0 { return odd ? iv : abs(iv) }
        return odd ? copysign(0.0, iv) : 0.0
    }
    if iv == 0 {
        if iw < 0 { throw vm.error(.zeroDivisionError, "0.0 cannot be raised to a negative power") }
        return isOddInteger(iw) ? iv : 0.0
    }
    var base = iv
    var negate = false
    if iv < 0 {
        if iw != floor(iw) {
            throw vm.error(
                .valueError,
                "negative number cannot be raised to a fractional power (the result is complex, which vloop does not support)"
            )
        }
        base = -iv
        negate = isOddInteger(iw)
    }
    if base == 1.0 { return negate ? -1.0 : 1.0 }
    let r = pow(base, iw)
    if r.isInfinite { throw vm.error(.overflowError, "(34, 'Numerical result out of range')") }
    return negate ? -r : r
}

/// `a + b` for sequences; nil when `a` is not one.
private func concatenate(_ a: Value, _ b: Value, _ vm: Interpreter) throws -> Value? {
    switch a {
    case .str(let x):
        guard case .str(let y) = b else {
            throw vm.error(.typeError, "can only concatenate str (not \"\(vm.typeName(b))\") to str")
        }
        try vm.checkSize(x.utf8.count &+ y.utf8.count, bytesEach: 1)
        return .str(x + y)
    case .obj(let o):
        if let l = o as? PyList {
            guard case .obj(let p) = b, let r = p as? PyList else {
                throw vm.error(.typeError, "can only concatenate list (not \"\(vm.typeName(b))\") to list")
            }
            try vm.checkValues(l.items.count &+ r.items.count)
            return .obj(PyList(l.items + r.items))
        }
        if let l = o as? PyTuple {
            guard case .obj(let p) = b, let r = p as? PyTuple else {
                throw vm.error(.typeError, "can only concatenate tuple (not \"\(vm.typeName(b))\") to tuple")
            }
            try vm.checkValues(l.items.count &+ r.items.count)
            return .obj(PyTuple(l.items + r.items))
        }
        if let l = o as? PyBytes {
            guard case .obj(let p) = b, let r = p as? PyBytes else {
                throw vm.error(.typeError, "can't concat \(vm.typeName(b)) to bytes")
            }
            try vm.checkSize(l.bytes.count &+ r.bytes.count, bytesEach: 1)
            return .obj(PyBytes(l.bytes + r.bytes))
        }
    default: break
    }
    return nil
}

private func isSequence(_ v: Value) -> Bool {
    switch v {
    case .str: return true
    case .obj(let o): return o is PyList || o is PyTuple || o is PyBytes
    default: return false
    }
}

/// `seq * n` and `n * seq`; nil when neither operand is a sequence.
private func repeatSequence(_ a: Value, _ b: Value, _ vm: Interpreter) throws -> Value? {
    let (seq, count): (Value, Value)
    if isSequence(a) {
        (seq, count) = (a, b)
    } else if isSequence(b) {
        (seq, count) = (b, a)
    } else {
        return nil
    }
    guard let n = intValue(count) else {
        throw vm.error(.typeError, "can't multiply sequence by non-int of type '\(vm.typeName(count))'")
    }
    switch seq {
    case .str(let s):
        if n <= 0 || s.isEmpty { return .str("") }
        let (bytes, o) = s.utf8.count.multipliedReportingOverflow(by: n)
        if o {
            // CPython counts characters, not bytes, against its largest size.
            if s.unicodeScalars.count.multipliedReportingOverflow(by: n).overflow {
                throw vm.error(.overflowError, "repeated string is too long")
            }
            throw vm.memoryError()
        }
        try vm.checkSize(bytes, bytesEach: 1)
        return .str(repeatedText(s, count: n))
    case .obj(let o):
        if let l = o as? PyList { return .obj(PyList(try repeated(l.items, n, overflow: nil, vm))) }
        if let t = o as? PyTuple { return .obj(PyTuple(try repeated(t.items, n, overflow: nil, vm))) }
        if let y = o as? PyBytes {
            return .obj(PyBytes(try repeated(y.bytes, n, overflow: "repeated bytes are too long", vm)))
        }
    default: break
    }
    return nil
}

/// `items * n`, checked against `SizeBounds` and the memory budget before
/// anything is allocated. When the count overflows, CPython raises
/// `OverflowError(overflow)` for bytes and `MemoryError` (`overflow` nil) for lists and tuples.
package func repeated<T>(_ items: [T], _ n: Int, overflow: String?, _ vm: Interpreter) throws -> [T] {
    if n <= 0 || items.isEmpty { return [] }
    let (total, o) = items.count.multipliedReportingOverflow(by: n)
    if o {
        if let overflow { throw vm.error(.overflowError, overflow) }
        throw vm.memoryError()
    }
    try vm.checkSize(total, bytesEach: MemoryLayout<T>.stride)
    if items.count == 1 { return Array(repeating: items[0], count: n) }
    var out: [T] = []
    out.reserveCapacity(total)
    for _ in 0..<n { out.append(contentsOf: items) }
    return out
}

// MARK: - Unary operators

/// `-v`, `+v`, `~v`, `not v`.
public func unaryOp(_ op: UnaryOp, _ v: Value, _ vm: Interpreter) throws -> Value {
    switch op {
    case .not: return .bool(!(try vm.truthy(v)))
    case .neg:
        if let i = intValue(v) {
            let (r, o) = (0).subtractingReportingOverflow(i)
            if o { throw overflow(vm) }
            return .int(r)
        }
        if case .float(let d) = v { return .float(-d) }
    case .pos:
        if let i = intValue(v) { return .int(i) }
        if case .float = v { return v }
    case .invert:
        if let i = intValue(v) { return .int(~i) }
    }
    if case .obj(let o) = v, let d = o as? PyDict, d.flavor?.kind == .counter, op != .invert {
        return try DictFlavor.counterUnary(d, negate: op == .neg, vm)
    }
    let special = op == .neg ? "__neg__" : op == .pos ? "__pos__" : "__invert__"
    if let r = try specialUnary(special, v, vm) { return r }
    let builtin = vm.builtinValue(v)
    if !builtin.isIdentical(to: v) { return try unaryOp(op, builtin, vm) }
    throw vm.error(.typeError, "bad operand type for unary \(op.rawValue): '\(vm.typeName(v))'")
}

// MARK: - Comparisons

/// `a op b` for the comparison operators.
public func compareOp(_ op: CompareOp, _ a: Value, _ b: Value, _ vm: Interpreter) throws -> Value {
    switch op {
    case .eq: return .bool(try vm.equals(a, b))
    case .ne: return .bool(!(try vm.equals(a, b)))
    case .lt, .le, .gt, .ge: return .bool(try orderCompare(op, a, b, vm))
    case .in: return .bool(try containsValue(b, a, vm))
    case .notIn: return .bool(!(try containsValue(b, a, vm)))
    case .is: return .bool(a.isIdentical(to: b))
    case .isNot: return .bool(!a.isIdentical(to: b))
    }
}

/// `a < b`, `a <= b`, `a > b`, `a >= b` with Python's rules: exact int/float
/// comparison, NaN unordered, sequences compared at their first difference,
/// sets by inclusion.
public func orderCompare(_ op: CompareOp, _ a: Value, _ b: Value, _ vm: Interpreter) throws -> Bool {
    if let ord = try numericOrder(a, b) {
        guard let o = ord else { return false }  // NaN
        return holds(op, o)
    }
    switch (a, b) {
    case (.str(let x), .str(let y)):
        return holds(op, lexicographic(Array(x.unicodeScalars), Array(y.unicodeScalars)))
    case (.obj(let x), .obj(let y)):
        if let l = x as? PyList, let r = y as? PyList { return try sequenceCompare(op, l.items, r.items, vm) }
        if let l = x as? PyTuple, let r = y as? PyTuple { return try sequenceCompare(op, l.items, r.items, vm) }
        if let l = x as? PyBytes, let r = y as? PyBytes { return holds(op, lexicographic(l.bytes, r.bytes)) }
        if let l = x as? PySet, let r = y as? PySet {
            func subset(_ p: PySet, _ q: PySet) throws -> Bool {
                for k in p.table.liveKeys where q.table.find(try HashKey.of(k, vm)) == nil { return false }
                return true
            }
            switch op {
            case .le: return try subset(l, r)
            case .lt: return try l.table.count < r.table.count && subset(l, r)
            case .ge: return try subset(r, l)
            default: return try l.table.count > r.table.count && subset(r, l)
            }
        }
    default: break
    }
    if case .obj(let x) = a, let r = try x.orderOperator(op, b, vm) { return r }
    if case .obj(let y) = b, let r = try y.orderOperator(op.reflectedOrder, a, vm) { return r }
    if let r = try specialCompare(op, a, b, vm) { return try vm.truthy(r) }
    let (x, y) = (vm.builtinValue(a), vm.builtinValue(b))
    if !x.isIdentical(to: a) || !y.isIdentical(to: b) { return try orderCompare(op, x, y, vm) }
    throw vm.error(
        .typeError,
        "'\(op.rawValue)' not supported between instances of '\(vm.typeName(a))' and '\(vm.typeName(b))'")
}

/// `a < b` with Python's semantics (what `sort`, `min` and `max` use).
public func pyLessThan(_ a: Value, _ b: Value, _ vm: Interpreter) throws -> Bool {
    try orderCompare(.lt, a, b, vm)
}

/// `a <= b`.
public func lessOrEqual(_ a: Value, _ b: Value, _ vm: Interpreter) throws -> Bool {
    try orderCompare(.le, a, b, vm)
}

/// `a > b`.
public func greaterThan(_ a: Value, _ b: Value, _ vm: Interpreter) throws -> Bool {
    try orderCompare(.gt, a, b, vm)
}

/// `a >= b`.
public func greaterOrEqual(_ a: Value, _ b: Value, _ vm: Interpreter) throws -> Bool {
    try orderCompare(.ge, a, b, vm)
}

extension CompareOp {
    /// The order comparison with its operands swapped (`a < b` is `b > a`).
    var reflectedOrder: CompareOp {
        switch self {
        case .lt: return .gt
        case .le: return .ge
        case .gt: return .lt
        case .ge: return .le
        default: return self
        }
    }
}

private func holds(_ op: CompareOp, _ order: Int) -> Bool {
    switch op {
    case .lt: return order < 0
    case .le: return order <= 0
    case .gt: return order > 0
    case .ge: return order >= 0
    case .eq: return order == 0
    default: return order != 0
    }
}

private func lexicographic<T: Comparable>(_ a: [T], _ b: [T]) -> Int {
    for i in 0..<min(a.count, b.count) where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
    return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
}

private func sequenceCompare(_ op: CompareOp, _ a: [Value], _ b: [Value], _ vm: Interpreter) throws -> Bool {
    for i in 0..<min(a.count, b.count) where !(try vm.equals(a[i], b[i])) {
        return try orderCompare(op, a[i], b[i], vm)
    }
    return holds(op, a.count < b.count ? -1 : a.count > b.count ? 1 : 0)
}

/// The order of two numbers: nil when either is not a number, `.some(nil)`
/// when unordered (NaN), else -1, 0 or 1. Ints and floats compare exactly.
private func numericOrder(_ a: Value, _ b: Value) throws -> Int?? {
    switch (a, b) {
    case (.float(let x), .float(let y)):
        if x.isNaN || y.isNaN { return .some(nil) }
        return x < y ? -1 : x > y ? 1 : 0
    default: break
    }
    if let x = intValue(a), let y = intValue(b) { return x < y ? -1 : x > y ? 1 : 0 }
    if let x = intValue(a), case .float(let y) = b { return intFloatOrder(x, y) }
    if case .float(let x) = a, let y = intValue(b) {
        // Spelled out: `intFloatOrder(y, x).map { -$0 }` here would infer an
        // `Int??` map whose NaN case is `.none` ("not numbers"), not `.some(nil)`.
        let reversed: Int? = intFloatOrder(y, x).map { -$0 }
        return .some(reversed)
    }
    return nil
}

/// Compares an int with a double exactly (converting the int could round).
package func intFloatOrder(_ i: Int, _ d: Double) -> Int? {
    if d.isNaN { return nil }
    let di = Double(i)
    if di < d { return -1 }
    if di > d { return 1 }
    // Double(i) == d: d is integral here; compare as integers when it fits.
    if d >= 9223372036854775808.0 { return -1 }
    let j = Int(d)
    return i < j ? -1 : i > j ? 1 : 0
}

/// `item in container`.
public func containsValue(_ container: Value, _ item: Value, _ vm: Interpreter) throws -> Bool {
    switch container {
    case .str(let s):
        guard case .str(let sub) = item else {
            throw vm.error(.typeError, "'in <string>' requires string as left operand, not \(vm.typeName(item))")
        }
        return sub.isEmpty
            || findScalars(Array(s.unicodeScalars), Array(sub.unicodeScalars), 0, s.unicodeScalars.count) != nil
    case .obj(let o):
        if let r = try o.contains(item, vm) { return r }
        if let it = try o.makeIterator(vm) {
            while let x = try it.next(vm) {
                if try vm.equals(x, item) { return true }
            }
            return false
        }
    default: break
    }
    throw vm.error(.typeError, "argument of type '\(vm.typeName(container))' is not iterable")
}
