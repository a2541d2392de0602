import RunModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The builtin names of a trace (TRACE_LANGUAGE.md, "Builtins"), except
/// `print`, which the interpreter defines because it records events.
///
/// The type names (`int`, `str`, `list`...) are the `PyType` objects
/// themselves, so that `isinstance(x, int)` and `int("3")` see the same value;
/// calling a type runs the constructor below that `Types.swift` attaches to it.
public func makeBuiltins() -> [String: Value] {
    var b: [String: Value] = [:]
    func define(_ name: String, _ body: @escaping (Args, Interpreter) throws -> Value) {
        b[name] = .obj(PyBuiltin(name, body))
    }
    for t in [PyType.int, .float, .str, .bool, .list, .tuple, .dict, .set, .bytes, .range, .type] {
        b[t.name] = .obj(t)
    }
    for t in PyType.builtinExceptions { b[t.name] = .obj(t) }
    b.merge(classBuiltins()) { _, new in new }

    define("len", builtinLen)
    define("repr") { args, vm in
        try checkKeywords("repr", args, [], vm)
        try checkCount("repr", args, 1, 1, vm)
        return .str(try vm.repr(args[0]))
    }
    define("sorted") { args, vm in
        try checkKeywords("sorted", args, ["key", "reverse"], vm)
        if args.count != 1 { throw vm.error(.typeError, "sorted expected 1 argument, got \(args.count)") }
        let items = try vm.iterate(args[0])
        return .obj(PyList(try sortedValues(items, key: args.keyword("key"), reverse: args.keyword("reverse"), vm)))
    }
    define("reversed", builtinReversed)
    define("enumerate") { args, vm in
        try checkKeywords("enumerate", args, ["iterable", "start"], vm)
        guard let iterable = argument(args, 0, "iterable") else {
            throw vm.error(.typeError, "enumerate() missing required argument 'iterable' (pos 1)")
        }
        if args.count > 2 { throw vm.error(.typeError, "enumerate() takes at most 2 arguments (\(args.count) given)") }
        let start = try argument(args, 1, "start").map { try vm.intArg($0, "start") } ?? 0
        return .obj(PyEnumerate(try vm.makeIterator(iterable), start: start))
    }
    define("zip") { args, vm in
        try checkKeywords("zip", args, ["strict"], vm)
        return .obj(PyZip(try args.positional.map { try vm.makeIterator($0) }))
    }
    define("min") { args, vm in try minMax("min", args, vm) }
    define("max") { args, vm in try minMax("max", args, vm) }
    define("sum") { args, vm in
        try checkKeywords("sum", args, ["start"], vm)
        try checkCount("sum", args, 1, 2, vm)
        var total = argument(args, 1, "start") ?? .int(0)
        switch total {
        case .str: throw vm.error(.typeError, "sum() can't sum strings [use ''.join(seq) instead]")
        case .obj(let o) where o is PyBytes:
            throw vm.error(.typeError, "sum() can't sum bytes [use b''.join(seq) instead]")
        default: break
        }
        let it = try vm.makeIterator(args[0])
        while let x = try it.next(vm) { total = try binaryOp(.add, total, x, vm) }
        return total
    }
    define("abs") { args, vm in
        try checkCount("abs", args, 1, 1, vm)
        switch args[0] {
        case .int(let i):
            if i == Int.min { throw overflow(vm) }
            return .int(abs(i))
        case .bool(let x): return .int(x ? 1 : 0)
        case .float(let d): return .float(abs(d))
        default:
            if let r = try specialUnary("__abs__", args[0], vm) { return r }
            throw vm.error(.typeError, "bad operand type for abs(): '\(vm.typeName(args[0]))'")
        }
    }
    define("round", builtinRound)
    define("isinstance") { args, vm in
        try checkCount("isinstance", args, 2, 2, vm)
        if let r = try vm.instanceCheck(args[0], args[1]) { return .bool(r) }
        return .bool(
            try matchesType(
                vm.pyType(args[0]), args[1], "isinstance() arg 2 must be a type, a tuple of types, or a union", vm))
    }
    define("issubclass") { args, vm in
        try checkCount("issubclass", args, 2, 2, vm)
        guard case .obj(let o) = args[0], let t = o as? PyType else {
            throw vm.error(.typeError, "issubclass() arg 1 must be a class")
        }
        if let r = try vm.subclassCheck(t, args[1]) { return .bool(r) }
        return .bool(
            try matchesType(t, args[1], "issubclass() arg 2 must be a class, a tuple of classes, or a union", vm))
    }
    define("next") { args, vm in
        try checkCount("next", args, 1, 2, vm)
        guard case .obj(let o) = args[0] else {
            throw vm.error(.typeError, "'\(vm.typeName(args[0]))' object is not an iterator")
        }
        // A generator's return value travels in StopIteration.value.
        if args.count == 1, let g = o as? PyGenerator, !(g is PyCoroutine) { return try g.pySend(.send(.none), vm) }
        if let v = try o.next(vm) { return v }
        if args.count > 1 { return args[1] }
        throw vm.raise(PyException(type: .stopIteration, args: []))
    }
    define("iter") { args, vm in
        try checkCount("iter", args, 1, 1, vm)
        return .obj(try vm.makeIterator(args[0]))
    }
    define("any") { args, vm in
        try checkCount("any", args, 1, 1, vm)
        let it = try vm.makeIterator(args[0])
        while let x = try it.next(vm) {
            if try vm.truthy(x) { return .bool(true) }
        }
        return .bool(false)
    }
    define("all") { args, vm in
        try checkCount("all", args, 1, 1, vm)
        let it = try vm.makeIterator(args[0])
        while let x = try it.next(vm) {
            if !(try vm.truthy(x)) { return .bool(false) }
        }
        return .bool(true)
    }
    define("map") { args, vm in
        try checkKeywords("map", args, [], vm)
        if args.count < 2 { throw vm.error(.typeError, "map() must have at least two arguments.") }
        return .obj(PyMap(args[0], try args.positional.dropFirst().map { try vm.makeIterator($0) }))
    }
    define("filter") { args, vm in
        try checkKeywords("filter", args, [], vm)
        if args.count != 2 { throw vm.error(.typeError, "filter expected 2 arguments, got \(args.count)") }
        return .obj(PyFilter(args[0], try vm.makeIterator(args[1])))
    }
    define("divmod") { args, vm in
        try checkCount("divmod", args, 2, 2, vm)
        let (a, c) = (args[0], args[1])
        if let x = intValue(a), let y = intValue(c) {
            if y == 0 { throw vm.error(.zeroDivisionError, "integer division or modulo by zero") }
            return .obj(PyTuple([.int(try intFloorDivide(x, y, vm)), .int(intModulo(x, y))]))
        }
        if let x = floatValue(a), let y = floatValue(c) {
            if y == 0 { throw vm.error(.zeroDivisionError, "float divmod()") }
            let (q, r) = floatDivmod(x, y)
            return .obj(PyTuple([.float(q), .float(r)]))
        }
        throw unsupported("divmod()", a, c, vm)
    }
    define("pow") { args, vm in
        try checkKeywords("pow", args, ["base", "exp", "mod"], vm)
        guard let base = argument(args, 0, "base"), let exp = argument(args, 1, "exp") else {
            throw vm.error(
                .typeError,
                "pow() missing required argument '\(args.count == 0 ? "base" : "exp")' (pos \(args.count + 1))")
        }
        guard let mod = argument(args, 2, "mod"), !mod.isNone else { return try binaryOp(.pow, base, exp, vm) }
        guard let b = intValue(base), let e = intValue(exp), let m = intValue(mod) else {
            throw vm.error(.typeError, "pow() 3rd argument not allowed unless all arguments are integers")
        }
        return .int(try modularPower(b, e, m, vm))
    }
    define("chr") { args, vm in
        try checkCount("chr", args, 1, 1, vm)
        let i = try vm.intArg(args[0], "chr")
        // CPython converts to a C int first.
        guard Int(Int32.min) <= i && i <= Int(Int32.max) else {
            throw vm.error(.overflowError, "Python int too large to convert to C int")
        }
        guard i >= 0, i < 0x110000 else { throw vm.error(.valueError, "chr() arg not in range(0x110000)") }
        guard let u = Unicode.Scalar(UInt32(i)) else {
            throw vm.error(
                .valueError,
                "chr(): surrogate code points are not supported in a trace; "
                    + "there is no alternative: vloop's str holds only Unicode scalar values")
        }
        return .str(String(Character(u)))
    }
    define("ord") { args, vm in
        try checkCount("ord", args, 1, 1, vm)
        switch args[0] {
        case .str(let s):
            let n = s.unicodeScalars.count
            guard n == 1 else {
                throw vm.error(.typeError, "ord() expected a character, but string of length \(n) found")
            }
            return .int(Int(s.unicodeScalars.first!.value))
        case .obj(let o) where o is PyBytes:
            let bytes = (o as! PyBytes).bytes
            guard bytes.count == 1 else {
                throw vm.error(.typeError, "ord() expected a character, but string of length \(bytes.count) found")
            }
            return .int(Int(bytes[0]))
        default:
            throw vm.error(.typeError, "ord() expected string of length 1, but \(vm.typeName(args[0])) found")
        }
    }
    for (name, radix, prefix) in [("hex", 16, "0x"), ("oct", 8, "0o"), ("bin", 2, "0b")] {
        define(name) { args, vm in
            try checkCount(name, args, 1, 1, vm)
            let i = try vm.intArg(args[0], name)
            return .str((i < 0 ? "-" : "") + prefix + String(i.magnitude, radix: radix))
        }
    }
    define("callable") { args, vm in
        try checkCount("callable", args, 1, 1, vm)
        if case .obj(let o) = args[0] { return .bool(o.isCallable) }
        return .bool(false)
    }
    for (name, body) in asyncIterationBuiltins { define(name, body) }
    b["Ellipsis"] = .obj(PyEllipsis.shared)
    return b
}

// MARK: - The type constructors

/// `int(x=0)`, `int(text, base=10)`.
public func intConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("int", args, ["base"], vm)
    if args.count > 2 { throw vm.error(.typeError, "int() takes at most 2 arguments (\(args.count) given)") }
    let baseArg = argument(args, 1, "base")
    guard args.count > 0 else {
        if baseArg != nil { throw vm.error(.typeError, "int() missing string argument") }
        return .int(0)
    }
    let x = args[0]
    if let baseArg {
        let base = try vm.intArg(baseArg, "base")
        if base != 0 && (base < 2 || base > 36) {
            throw vm.error(.valueError, "int() base must be >= 2 and <= 36, or 0")
        }
        switch x {
        case .str(let s): return .int(try parseInt(s, base: base, vm))
        case .obj(let o) where o is PyBytes:
            return .int(
                try parseInt(
                    String(decoding: (o as! PyBytes).bytes, as: UTF8.self), base: base, vm,
                    reprText: bytesRepr((o as! PyBytes).bytes)))
        default: throw vm.error(.typeError, "int() can't convert non-string with explicit base")
        }
    }
    switch x {
    case .int: return x
    case .bool(let b): return .int(b ? 1 : 0)
    case .float(let d): return .int(try floatToInt(d, vm))
    case .str(let s): return .int(try parseInt(s, base: 10, vm))
    case .obj(let o) where o is PyBytes:
        return .int(
            try parseInt(
                String(decoding: (o as! PyBytes).bytes, as: UTF8.self), base: 10, vm,
                reprText: bytesRepr((o as! PyBytes).bytes)))
    default:
        // `__int__`, then `__index__`, of a class of the trace.
        if let r = try specialUnary("__int__", x, vm) ?? specialUnary("__index__", x, vm) {
            guard case .int = r else {
                throw vm.error(.typeError, "__int__ returned non-int (type \(vm.typeName(r)))")
            }
            return r
        }
        throw vm.error(
            .typeError,
            "int() argument must be a string, a bytes-like object or a real number, not '\(vm.typeName(x))'")
    }
}

/// Python's `int(text, base)`: whitespace around, a sign, a base prefix,
/// single underscores between digits.
package func parseInt(_ text: String, base: Int, _ vm: Interpreter, reprText: String? = nil) throws -> Int {
    func invalid() -> PyRaise {
        vm.error(.valueError, "invalid literal for int() with base \(base): \(reprText ?? stringRepr(text))")
    }
    var u = Array(text.unicodeScalars)
    while let f = u.first, isPythonSpace(f) { u.removeFirst() }
    while let l = u.last, isPythonSpace(l) { u.removeLast() }
    var i = 0
    var negative = false
    if i < u.count, u[i] == "+" || u[i] == "-" {
        negative = u[i] == "-"
        i += 1
    }
    var radix = base
    var prefixed = false
    if i + 1 < u.count, u[i] == "0" {
        let p = Character(u[i + 1]).lowercased()
        let prefixRadix = p == "x" ? 16 : p == "o" ? 8 : p == "b" ? 2 : 0
        if prefixRadix != 0 && (base == 0 || base == prefixRadix) {
            radix = prefixRadix
            prefixed = true
            i += 2
        }
    }
    if radix == 0 { radix = 10 }
    var digits: [Int] = []
    var lastWasUnderscore = prefixed  // "0x_1f" is allowed: one underscore after the prefix
    var allowUnderscore = prefixed
    while i < u.count {
        let c = u[i]
        if c == "_" {
            if !allowUnderscore || (lastWasUnderscore && !(prefixed && digits.isEmpty)) { throw invalid() }
            if digits.isEmpty && !prefixed { throw invalid() }
            allowUnderscore = false
            lastWasUnderscore = true
            i += 1
            continue
        }
        let d: Int
        if let v = c.properties.numericType == .decimal ? c.properties.numericValue : nil {
            d = Int(v)
        } else if c.isASCII, Character(c).isLetter {
            d = Int(Character(c).lowercased().unicodeScalars.first!.value) - 87
        } else {
            throw invalid()
        }
        if d >= radix { throw invalid() }
        digits.append(d)
        lastWasUnderscore = false
        allowUnderscore = true
        i += 1
    }
    if digits.isEmpty || lastWasUnderscore { throw invalid() }
    // Base 0 refuses leading zeros on non-zero decimal numbers ("012").
    if base == 0 && !prefixed && digits.count > 1 && digits[0] == 0 && digits.contains(where: { $0 != 0 }) {
        throw invalid()
    }
    var value = 0
    for d in digits {
        let (m, o1) = value.multipliedReportingOverflow(by: radix)
        let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
        if o1 || o2 { throw overflow(vm) }
        value = s
    }
    return value
}

/// `float(x=0.0)`.
public func floatConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("float", args, [], vm)
    try checkCount("float", args, 0, 1, vm)
    guard args.count == 1 else { return .float(0) }
    switch args[0] {
    case .float: return args[0]
    case .int(let i): return .float(Double(i))
    case .bool(let b): return .float(b ? 1 : 0)
    case .str(let s): return .float(try parseFloat(s, vm))
    case .obj(let o) where o is PyBytes:
        let bytes = (o as! PyBytes).bytes
        guard let d = parseFloatText(String(decoding: bytes, as: UTF8.self)) else {
            throw vm.error(.valueError, "could not convert string to float: \(bytesRepr(bytes))")
        }
        return .float(d)
    default:
        if let r = try specialUnary("__float__", args[0], vm) ?? specialUnary("__index__", args[0], vm) {
            switch r {
            case .float: return r
            case .int(let i): return .float(Double(i))
            default: throw vm.error(.typeError, "__float__ returned non-float (type \(vm.typeName(r)))")
            }
        }
        throw vm.error(.typeError, "float() argument must be a string or a real number, not '\(vm.typeName(args[0]))'")
    }
}

package func parseFloat(_ text: String, _ vm: Interpreter) throws -> Double {
    guard let d = parseFloatText(text) else {
        throw vm.error(.valueError, "could not convert string to float: \(stringRepr(text))")
    }
    return d
}

/// Python's float syntax: `[sign] (digits [. digits] | . digits) [e [sign] digits]`
/// with single underscores between digits, or inf, infinity, nan.
package func parseFloatText(_ text: String) -> Double? {
    var u = Array(text.unicodeScalars)
    while let f = u.first, isPythonSpace(f) { u.removeFirst() }
    while let l = u.last, isPythonSpace(l) { u.removeLast() }
    var i = 0
    var sign = ""
    if i < u.count, u[i] == "+" || u[i] == "-" {
        sign = u[i] == "-" ? "-" : ""
        i += 1
    }
    let word = scalarsString(u[i...]).lowercased()
    if word == "inf" || word == "infinity" { return sign == "-" ? -Double.infinity : Double.infinity }
    if word == "nan" { return Double.nan }
    var clean = sign
    func digitPart() -> Bool {
        var any = false
        while i < u.count {
            let c = u[i]
            if c.isASCII, c.properties.numericType == .decimal {
                clean.unicodeScalars.append(c)
                any = true
                i += 1
            } else if c == "_", any, i + 1 < u.count, u[i + 1].isASCII, u[i + 1].properties.numericType == .decimal {
                i += 1
            } else {
                break
            }
        }
        return any
    }
    let whole = digitPart()
    var fraction = false
    if i < u.count, u[i] == "." {
        clean += "."
        i += 1
        fraction = digitPart()
    }
    if !whole && !fraction { return nil }
    if i < u.count, u[i] == "e" || u[i] == "E" {
        clean += "e"
        i += 1
        if i < u.count, u[i] == "+" || u[i] == "-" {
            clean.unicodeScalars.append(u[i])
            i += 1
        }
        if !digitPart() { return nil }
    }
    if i != u.count { return nil }
    if clean.hasSuffix(".") { clean += "0" }
    if clean.hasPrefix(".") || clean.hasPrefix("-.") { clean = clean.replacingFirstDot() }
    return Double(clean)
}

private extension String {
    /// ".5" → "0.5", "-.5" → "-0.5" (Swift's parser wants a leading digit).
    func replacingFirstDot() -> String {
        hasPrefix("-") ? "-0" + dropFirst() : "0" + self
    }
}

/// `str(x='')`, `str(bytes, encoding, errors)`.
public func strConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("str", args, ["object", "encoding", "errors"], vm)
    try checkCount("str", args, 0, 3, vm)
    guard let x = argument(args, 0, "object") else { return .str("") }
    let encoding = argument(args, 1, "encoding")
    let errors = argument(args, 2, "errors")
    if encoding == nil && errors == nil { return .str(try vm.str(x)) }
    if let e = encoding, case .str = e {
    } else if let e = encoding {
        throw vm.error(.typeError, "str() argument 'encoding' must be str, not \(vm.typeName(e))")
    }
    guard case .obj(let o) = x, let b = o as? PyBytes else {
        if case .str = x { throw vm.error(.typeError, "decoding str is not supported") }
        throw vm.error(.typeError, "decoding to str: need a bytes-like object, \(vm.typeName(x)) found")
    }
    var enc = "utf-8"
    if case .str(let e) = encoding { enc = e }
    return .str(try decodeBytes(b.bytes, enc, vm))
}

public func boolConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("bool", args, [], vm)
    if args.count > 1 { throw vm.error(.typeError, "bool expected at most 1 argument, got \(args.count)") }
    return .bool(args.count == 1 ? try vm.truthy(args[0]) : false)
}

public func listConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("list", args, [], vm)
    if args.count > 1 { throw vm.error(.typeError, "list expected at most 1 argument, got \(args.count)") }
    return .obj(PyList(args.count == 1 ? try vm.iterate(args[0]) : []))
}

public func tupleConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("tuple", args, [], vm)
    if args.count > 1 { throw vm.error(.typeError, "tuple expected at most 1 argument, got \(args.count)") }
    if args.count == 1, case .obj(let o) = args[0], o is PyTuple { return args[0] }
    return .obj(PyTuple(args.count == 1 ? try vm.iterate(args[0]) : []))
}

public func dictConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    if args.count > 1 { throw vm.error(.typeError, "dict expected at most 1 argument, got \(args.count)") }
    let d = PyDict()
    if args.count == 1 { try dictUpdate(d, from: args[0], vm) }
    for (k, v) in args.keywords { try d.setItem(.str(k), v, vm) }
    return .obj(d)
}

public func setConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("set", args, [], vm)
    if args.count > 1 { throw vm.error(.typeError, "set expected at most 1 argument, got \(args.count)") }
    let s = PySet()
    if args.count == 1 { for x in try vm.iterate(args[0]) { try s.add(x, vm) } }
    return .obj(s)
}

/// `bytes()`, `bytes(n)`, `bytes(iterable of ints)`, `bytes(text, encoding)`.
public func bytesConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("bytes", args, ["source", "encoding", "errors"], vm)
    guard let source = argument(args, 0, "source") else { return .obj(PyBytes([])) }
    let encoding = argument(args, 1, "encoding")
    switch source {
    case .str:
        guard let encoding else { throw vm.error(.typeError, "string argument without an encoding") }
        var a = Args([encoding])
        if let e = argument(args, 2, "errors") { a.positional.append(e) }
        return try strMethod(source, "encode", a, vm)
    case .int(let n):
        if encoding != nil { throw vm.error(.typeError, "encoding without a string argument") }
        if n < 0 { throw vm.error(.valueError, "negative count") }
        try vm.checkSize(n, bytesEach: 1)
        return .obj(PyBytes([UInt8](repeating: 0, count: n)))
    default:
        if encoding != nil { throw vm.error(.typeError, "encoding without a string argument") }
        if case .obj(let o) = source, o is PyBytes { return source }
        guard case .obj(let o) = source, try o.makeIterator(vm) != nil else {
            throw vm.error(.typeError, "cannot convert '\(vm.typeName(source))' object to bytes")
        }
        var out: [UInt8] = []
        for x in try vm.iterate(source) {
            guard let i = intValue(x) else {
                throw vm.error(.typeError, "'\(vm.typeName(x))' object cannot be interpreted as an integer")
            }
            guard (0...255).contains(i) else { throw vm.error(.valueError, "bytes must be in range(0, 256)") }
            out.append(UInt8(i))
        }
        return .obj(PyBytes(out))
    }
}

public func rangeConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("range", args, [], vm)
    if args.count == 0 { throw vm.error(.typeError, "range expected at least 1 argument, got 0") }
    if args.count > 3 { throw vm.error(.typeError, "range expected at most 3 arguments, got \(args.count)") }
    let values = try args.positional.map { try vm.intArg($0, "range") }
    if values.count == 1 { return .obj(PyRange(start: 0, stop: values[0], step: 1)) }
    let step = values.count == 3 ? values[2] : 1
    if step == 0 { throw vm.error(.valueError, "range() arg 3 must not be zero") }
    return .obj(PyRange(start: values[0], stop: values[1], step: step))
}

/// `type(x)`.
public func typeConstructor(_ args: Args, _ vm: Interpreter) throws -> Value {
    if args.count == 1 && args.keywords.isEmpty { return .obj(vm.pyType(args[0])) }
    if args.count == 3 { return try vm.typeNew(.type, args) }
    throw vm.error(.typeError, "type() takes 1 or 3 arguments")
}

// MARK: - Builtin functions

package func builtinLen(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("len", args, [], vm)
    try checkCount("len", args, 1, 1, vm)
    switch args[0] {
    case .str(let s): return .int(strLength(s))
    case .obj(let o):
        if let n = try o.length(vm) { return .int(n) }
    default: break
    }
    throw vm.error(.typeError, "object of type '\(vm.typeName(args[0]))' has no len()")
}

package func builtinReversed(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("reversed", args, [], vm)
    try checkCount("reversed", args, 1, 1, vm)
    let x = args[0]
    switch x {
    case .str(let s):
        return .obj(ArrayIterator(s.unicodeScalars.reversed().map { .str(String(Character($0))) }, name: "reversed"))
    case .obj(let o):
        if let l = o as? PyList { return .obj(ArrayIterator(l.items.reversed(), name: "list_reverseiterator")) }
        if let t = o as? PyTuple { return .obj(ArrayIterator(t.items.reversed(), name: "reversed")) }
        if let q = o as? PyDeque { return .obj(DequeIterator(q, reversed: true)) }
        if let i = o as? PyInstance {
            if i.cls.lookup("__reversed__") != nil { return try vm.callMethod(x, "__reversed__", Args()) }
            // A class derived from a built-in type: its value's reversal.
            if let b = i.base { return try builtinReversed(Args([b]), vm) }
        }
        if let r = o as? PyRange { return .obj(r.reversedIterator()) }
        if let d = o as? PyDict {
            return .obj(ArrayIterator(d.table.liveKeys.reversed(), name: "dict_reversekeyiterator"))
        }
        if let v = o as? PyDictView {
            return .obj(ArrayIterator(v.elements.reversed(), name: "dict_reverseiterator"))
        }
        if let b = o as? PyBytes {
            return .obj(ArrayIterator(b.bytes.reversed().map { .int(Int($0)) }, name: "reversed"))
        }
    default: break
    }
    // `__reversed__` of a trace's class (or of a class's metaclass: `reversed(Color)`).
    if let r = try specialUnary("__reversed__", x, vm) { return r }
    throw vm.error(.typeError, "'\(vm.typeName(x))' object is not reversible")
}

/// `min` and `max`: one iterable or several arguments, `key=`, `default=`.
/// Ties keep the first item, as CPython's strict comparisons do.
package func minMax(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords(name, args, ["key", "default"], vm)
    if args.count == 0 { throw vm.error(.typeError, "\(name) expected at least 1 argument, got 0") }
    let dflt = args.keyword("default")
    if args.count > 1 && dflt != nil {
        throw vm.error(.typeError, "Cannot specify a default for \(name)() with multiple positional arguments")
    }
    let items = args.count == 1 ? try vm.iterate(args[0]) : args.positional
    let key = args.keyword("key").flatMap { $0.isNone ? nil : $0 }
    var best: (key: Value, value: Value)?
    for item in items {
        let k = try key.map { try vm.call($0, Args([item])) } ?? item
        if let b = best {
            let better = name == "max" ? try greaterThan(k, b.key, vm) : try pyLessThan(k, b.key, vm)
            if better { best = (k, item) }
        } else {
            best = (k, item)
        }
    }
    if let best { return best.value }
    if let dflt { return dflt }
    throw vm.error(.valueError, "\(name)() arg is an empty sequence")
}

/// `round(number, ndigits=None)` with CPython's semantics: ties to even, and
/// for floats with `ndigits`, rounding of the exact binary value (so
/// `round(2.675, 2)` is 2.67).
package func builtinRound(_ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords("round", args, ["number", "ndigits"], vm)
    guard let x = argument(args, 0, "number") else {
        throw vm.error(.typeError, "round() missing required argument 'number' (pos 1)")
    }
    if args.count > 2 { throw vm.error(.typeError, "round() takes at most 2 arguments (\(args.count) given)") }
    let nd = argument(args, 1, "ndigits").flatMap { $0.isNone ? nil : $0 }
    switch x {
    case .int, .bool:
        let i = intValue(x)!
        guard let nd else { return .int(i) }
        return .int(try roundInt(i, try vm.intArg(nd, "ndigits"), vm))
    case .float(let d):
        guard let nd else {
            if d.isNaN { throw vm.error(.valueError, "cannot convert float NaN to integer") }
            if d.isInfinite { throw vm.error(.overflowError, "cannot convert float infinity to integer") }
            guard let i = Int(exactly: d.rounded(.toNearestOrEven)) else { throw overflow(vm) }
            return .int(i)
        }
        return .float(try roundFloat(d, try vm.intArg(nd, "ndigits"), vm))
    default:
        throw vm.error(.typeError, "type \(vm.typeName(x)) doesn't define __round__ method")
    }
}

/// `round(i, n)` for an int: unchanged when n >= 0, else to a multiple of 10**-n, ties to even.
package func roundInt(_ i: Int, _ n: Int, _ vm: Interpreter) throws -> Int {
    if n >= 0 { return i }
    if n <= -19 {
        // 10**19 is beyond 64 bits: the result is 0 or out of range.
        if n == -19 && (i > 5_000_000_000_000_000_000 || i < -5_000_000_000_000_000_000) { throw overflow(vm) }
        return 0
    }
    var p = 1
    for _ in 0..<(-n) { p *= 10 }
    var q = try intFloorDivide(i, p, vm)
    let r = intModulo(i, p)  // 0 <= r < p (i - q * p could overflow on the way, for i near Int.min)
    if r * 2 > p || (r * 2 == p && q & 1 == 1) { q += 1 }
    let (v, o) = q.multipliedReportingOverflow(by: p)
    if o { throw overflow(vm) }
    return v
}

/// `round(d, n)` for a float: the exact decimal value of `d` rounded half to
/// even at `n` digits after the point, read back as the nearest double.
package func roundFloat(_ d: Double, _ n: Int, _ vm: Interpreter) throws -> Double {
    if !d.isFinite || d == 0 { return d }
    if n > 323 { return d }
    if n < -308 { return 0.0 * d }
    // Every double's exact decimal expansion has fewer than 1100 significant digits.
    let exact = DecimalDigits.parse(cFormat(abs(d), precision: 1100, conversion: "e"))
    let keep = exact.decimalPoint + n
    var digits = exact.digits.map { Int($0) - 48 }
    if keep >= digits.count { return d }
    var kept: [Int]
    if keep < 0 {
        kept = [0]
    } else {
        kept = Array(digits[0..<keep])
        let next = digits[keep]
        let restNonZero = digits[(keep + 1)...].contains { $0 != 0 }
        let lastOdd = (kept.last ?? 0) & 1 == 1
        if next > 5 || (next == 5 && (restNonZero || lastOdd)) {
            var j = kept.count - 1
            while j >= 0 && kept[j] == 9 {
                kept[j] = 0
                j -= 1
            }
            if j >= 0 { kept[j] += 1 } else { kept.insert(1, at: 0) }
        }
        if kept.isEmpty { kept = [0] }
    }
    digits = kept
    let text = (d < 0 ? "-" : "") + digits.map(String.init).joined() + "e\(-n)"
    guard let r = Double(text) else { return d }
    if r.isInfinite { throw vm.error(.overflowError, "rounded value too large to represent") }
    return r
}

/// `pow(b, e, m)` for ints; a negative exponent needs `b` invertible mod `m`.
package func modularPower(_ b: Int, _ e: Int, _ m: Int, _ vm: Interpreter) throws -> Int {
    if m == 0 { throw vm.error(.valueError, "pow() 3rd argument cannot be 0") }
    let modulus = m.magnitude
    func mulmod(_ x: UInt, _ y: UInt) -> UInt {
        let (hi, lo) = x.multipliedFullWidth(by: y)
        return modulus.dividingFullWidth((hi, lo)).remainder
    }
    let r = UInt(b.magnitude) % modulus
    var base = b >= 0 || r == 0 ? r : modulus - r
    let exponent = e
    if exponent < 0 {
        // The inverse by the extended Euclidean algorithm.
        guard modulus <= UInt(Int.max) else { throw overflow(vm) }
        var (r0, r1) = (Int(modulus), Int(base))
        var (t0, t1) = (0, 1)
        while r1 != 0 {
            let q = r0 / r1
            (r0, r1) = (r1, r0 - q * r1)
            (t0, t1) = (t1, t0 - q * t1)
        }
        if r0 != 1 { throw vm.error(.valueError, "base is not invertible for the given modulus") }
        base = UInt(intModulo(t0, Int(modulus)))
    }
    var result: UInt = 1 % modulus
    var x = base % modulus
    var k = exponent.magnitude  // -Int.min is past Int.max
    while k > 0 {
        if k & 1 == 1 { result = mulmod(result, x) }
        x = mulmod(x, x)
        k >>= 1
    }
    // The result takes the modulus's sign.
    if m < 0 && result != 0 { return Int(result) + m }
    return Int(result)
}

/// `isinstance`'s second argument: a type or a (nested) tuple of types.
private func matchesType(_ t: PyType, _ spec: Value, _ message: String, _ vm: Interpreter) throws -> Bool {
    if case .obj(let o) = spec {
        if let u = o as? PyType { return t.isSubtype(of: u) }
        if let tuple = o as? PyTuple {
            for item in tuple.items where try matchesType(t, item, message, vm) { return true }
            return false
        }
    }
    throw vm.error(.typeError, message)
}

// MARK: - Lazy iterators

public final class PyMap: PyObject {
    package let function: Value
    package let iterators: [PyObject]

    package init(_ function: Value, _ iterators: [PyObject]) {
        self.function = function
        self.iterators = iterators
    }

    public override var typeName: String { "map" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(function)
        for i in iterators { teardown.add(i) }
    }
    public override var pyType: PyType { PyType.native(typeName) }
    public override func repr(_ vm: Interpreter) throws -> String { "<map object at 0x7f0000000000>" }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    public override func next(_ vm: Interpreter) throws -> Value? {
        var values: [Value] = []
        for it in iterators {
            guard let v = try it.next(vm) else { return nil }
            values.append(v)
        }
        return try vm.call(function, Args(values))
    }
}

public final class PyFilter: PyObject {
    package let function: Value
    package let iterator: PyObject

    package init(_ function: Value, _ iterator: PyObject) {
        self.function = function
        self.iterator = iterator
    }

    public override var typeName: String { "filter" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(function)
        teardown.add(iterator)
    }
    public override var pyType: PyType { PyType.native(typeName) }
    public override func repr(_ vm: Interpreter) throws -> String { "<filter object at 0x7f0000000000>" }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    public override func next(_ vm: Interpreter) throws -> Value? {
        while let v = try iterator.next(vm) {
            let keep = function.isNone ? v : try vm.call(function, Args([v]))
            if try vm.truthy(keep) { return v }
        }
        return nil
    }
}

public final class PyZip: PyObject {
    package let iterators: [PyObject]

    package init(_ iterators: [PyObject]) { self.iterators = iterators }

    public override var typeName: String { "zip" }
    public override func dropReferences(into teardown: ObjectTeardown) { for i in iterators { teardown.add(i) } }
    public override var pyType: PyType { PyType.native(typeName) }
    public override func repr(_ vm: Interpreter) throws -> String { "<zip object at 0x7f0000000000>" }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    public override func next(_ vm: Interpreter) throws -> Value? {
        if iterators.isEmpty { return nil }
        var values: [Value] = []
        for it in iterators {
            guard let v = try it.next(vm) else { return nil }
            values.append(v)
        }
        return .obj(PyTuple(values))
    }
}

public final class PyEnumerate: PyObject {
    package let iterator: PyObject
    @exclusivity(unchecked) package var count: Int
    /// The last count was Int.max: the next one does not fit vloop's ints.
    @exclusivity(unchecked) package var exhaustedCounts = false

    package init(_ iterator: PyObject, start: Int) {
        self.iterator = iterator
        self.count = start
    }

    public override var typeName: String { "enumerate" }
    public override func dropReferences(into teardown: ObjectTeardown) { teardown.add(iterator) }
    public override var pyType: PyType { PyType.native(typeName) }
    public override func repr(_ vm: Interpreter) throws -> String { "<enumerate object at 0x7f0000000000>" }
    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    public override func next(_ vm: Interpreter) throws -> Value? {
        guard let v = try iterator.next(vm) else { return nil }
        if exhaustedCounts { throw overflow(vm) }
        let c = count
        (count, exhaustedCounts) = count.addingReportingOverflow(1)
        return .obj(PyTuple([.int(c), v]))
    }
}
