import RunModel

// The methods of `str`. Python's `str` is indexed by code point, so every
// position here counts Unicode scalars, never Swift `Character`s.

/// Python's `str.isspace` for one code point.
package func isPythonSpace(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x09...0x0d, 0x1c...0x20, 0x85, 0xa0, 0x1680, 0x2000...0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
        return true
    default:
        return false
    }
}

private func isLineBreak(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x0a...0x0d, 0x1c...0x1e, 0x85, 0x2028, 0x2029: return true
    default: return false
    }
}

private func isCased(_ u: Unicode.Scalar) -> Bool {
    let p = u.properties
    return p.isLowercase || p.isUppercase || p.generalCategory == .titlecaseLetter
}

private func isAlpha(_ u: Unicode.Scalar) -> Bool {
    switch u.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
    default: return false
    }
}

private func isDecimal(_ u: Unicode.Scalar) -> Bool { u.properties.numericType == .decimal }
private func isDigit(_ u: Unicode.Scalar) -> Bool {
    u.properties.numericType == .decimal || u.properties.numericType == .digit
}
private func isNumeric(_ u: Unicode.Scalar) -> Bool { u.properties.numericType != nil }

package func scalarsString<S: Sequence>(_ s: S) -> String where S.Element == Unicode.Scalar {
    var v = String.UnicodeScalarView()
    v.append(contentsOf: s)
    return String(v)
}

/// `len(s)`: code points.
public func strLength(_ s: String) -> Int { s.unicodeScalars.count }

/// `s[key]` for an int or a slice.
public func strGetItem(_ s: String, _ key: Value, _ vm: Interpreter) throws -> Value {
    let scalars = Array(s.unicodeScalars)
    if case .obj(let o) = key, let slice = o as? PySlice {
        return .str(scalarsString(try slice.apply(to: scalars, vm)))
    }
    guard let i = intValue(key) else {
        throw vm.error(.typeError, "string indices must be integers, not '\(vm.typeName(key))'")
    }
    let j = i < 0 ? i + scalars.count : i
    if j < 0 || j >= scalars.count { throw vm.error(.indexError, "string index out of range") }
    return .str(String(Character(scalars[j])))
}

public let strMethodNames: Set<String> = [
    "format", "join", "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "startswith", "endswith",
    "upper", "lower", "replace", "find", "rfind", "index", "rindex", "count", "isdigit", "isdecimal",
    "isnumeric", "isalpha", "isalnum", "isspace", "isupper", "islower", "istitle", "ljust", "rjust", "center",
    "zfill", "encode", "title", "capitalize", "swapcase", "casefold", "partition", "rpartition",
    "removeprefix", "removesuffix",
]

private func strArg(_ v: Value, _ function: String, _ vm: Interpreter) throws -> String {
    guard case .str(let s) = v else {
        throw vm.error(.typeError, "must be str, not \(vm.typeName(v))")
    }
    return s
}

/// `s.name(*args)`.
public func strMethod(_ s: Value, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    guard case .str(let str) = s else { throw vm.error(.typeError, "descriptor requires a 'str' object") }
    // The scalars of the text, which every method walks: 4 bytes for each.
    try vm.willAllocate(str.utf8.count &* 4)
    let u = Array(str.unicodeScalars)
    switch name {
    case "format":
        return .str(try strFormat(str, args, vm))
    case "join":
        try checkKeywords("str.join", args, [], vm)
        try checkCount("str.join", args, 1, 1, vm)
        let items = try vm.iterate(args[0])
        // CPython checks the items and sums their sizes before it allocates.
        var total = 0
        for (i, item) in items.enumerated() {
            guard case .str(let p) = vm.builtinValue(item) else {
                throw vm.error(.typeError, "sequence item \(i): expected str instance, \(vm.typeName(item)) found")
            }
            total &+= p.utf8.count &+ (i > 0 ? str.utf8.count : 0)
        }
        try vm.checkSize(total, bytesEach: 1)
        var out = ""
        out.reserveCapacity(total)
        for (i, item) in items.enumerated() {
            if i > 0 { out += str }
            if case .str(let p) = vm.builtinValue(item) { out += p }
        }
        return .str(out)
    case "split", "rsplit":
        try checkKeywords(name, args, ["sep", "maxsplit"], vm)
        try checkCount(name, args, 0, 2, vm)
        let sep = argument(args, 0, "sep")
        let maxsplit = try argument(args, 1, "maxsplit").map { try vm.intArg($0, "maxsplit") } ?? -1
        let parts: [[Unicode.Scalar]]
        if let sep, !sep.isNone {
            guard case .str(let sepText) = sep else {
                throw vm.error(.typeError, "must be str or None, not \(vm.typeName(sep))")
            }
            if sepText.isEmpty { throw vm.error(.valueError, "empty separator") }
            parts =
                name == "split"
                ? splitBySeparator(u, Array(sepText.unicodeScalars), maxsplit)
                : rsplitBySeparator(u, Array(sepText.unicodeScalars), maxsplit)
        } else {
            parts =
                name == "split"
                ? splitWhitespace(u, maxsplit, isPythonSpace)
                : rsplitWhitespace(u, maxsplit, isPythonSpace)
        }
        return .obj(PyList(parts.map { .str(scalarsString($0)) }))
    case "splitlines":
        try checkKeywords(name, args, ["keepends"], vm)
        try checkCount(name, args, 0, 1, vm)
        let keep = try argument(args, 0, "keepends").map { try vm.truthy($0) } ?? false
        var lines: [Value] = []
        var start = 0
        var i = 0
        while i < u.count {
            if isLineBreak(u[i]) {
                var e = i + 1
                if u[i] == "\r", e < u.count, u[e] == "\n" { e += 1 }
                lines.append(.str(scalarsString(u[start..<(keep ? e : i)])))
                start = e
                i = e
            } else {
                i += 1
            }
        }
        if start < u.count { lines.append(.str(scalarsString(u[start...]))) }
        return .obj(PyList(lines))
    case "strip", "lstrip", "rstrip":
        try checkKeywords(name, args, [], vm)
        try checkCount(name, args, 0, 1, vm)
        var chars: Set<Unicode.Scalar>?
        if args.count == 1, !args[0].isNone {
            guard case .str(let c) = args[0] else {
                throw vm.error(.typeError, "\(name) arg must be None or str")
            }
            chars = Set(c.unicodeScalars)
        }
        let strip: (Unicode.Scalar) -> Bool = { chars?.contains($0) ?? isPythonSpace($0) }
        var b = 0, e = u.count
        if name != "rstrip" { while b < e && strip(u[b]) { b += 1 } }
        if name != "lstrip" { while e > b && strip(u[e - 1]) { e -= 1 } }
        return .str(scalarsString(u[b..<e]))
    case "startswith", "endswith":
        try checkKeywords(name, args, [], vm)
        try checkCount(name, args, 1, 3, vm)
        let (b, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), u.count, vm)
        var candidates: [String] = []
        if case .obj(let o) = args[0], let t = o as? PyTuple {
            for item in t.items {
                guard case .str(let c) = item else {
                    throw vm.error(.typeError, "tuple for \(name) must only contain str, not \(vm.typeName(item))")
                }
                candidates.append(c)
            }
        } else {
            guard case .str(let c) = args[0] else {
                throw vm.error(
                    .typeError, "\(name) first arg must be str or a tuple of str, not \(vm.typeName(args[0]))")
            }
            candidates = [c]
        }
        for c in candidates where tailMatch(u, Array(c.unicodeScalars), b, e, atStart: name == "startswith") {
            return .bool(true)
        }
        return .bool(false)
    case "upper": return .str(str.uppercased())
    case "lower": return .str(str.lowercased())
    case "casefold": return .str(str.lowercased())
    case "swapcase":
        var out = ""
        for c in u {
            if c.properties.isUppercase {
                out += c.properties.lowercaseMapping
            } else if c.properties.isLowercase {
                out += c.properties.uppercaseMapping
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return .str(out)
    case "title", "capitalize":
        try checkCount(name, args, 0, 0, vm)
        var out = ""
        var previousCased = false
        for (i, c) in u.enumerated() {
            if name == "capitalize" {
                out += i == 0 ? c.properties.titlecaseMapping : c.properties.lowercaseMapping
            } else {
                out += previousCased ? c.properties.lowercaseMapping : c.properties.titlecaseMapping
                previousCased = isCased(c)
            }
        }
        return .str(out)
    case "replace":
        try checkKeywords(name, args, [], vm)
        try checkCount("replace", args, 2, 3, vm)
        let old = Array(try strArg(args[0], name, vm).unicodeScalars)
        let new = Array(try strArg(args[1], name, vm).unicodeScalars)
        let count = args.count > 2 ? try vm.intArg(args[2], "count") : -1
        // The result's size before it is built: each replacement adds the difference.
        let occurrences = old.isEmpty ? u.count + 1 : countOccurrences(u, old, 0, u.count)
        let replaced = count < 0 ? occurrences : min(count, occurrences)
        let (grow, o1) = replaced.multipliedReportingOverflow(by: new.count - old.count)
        if o1 { throw vm.memoryError() }
        try vm.checkSize(max(0, u.count &+ grow), bytesEach: 4)
        var out: [Unicode.Scalar] = []
        var n = 0
        if old.isEmpty {
            for c in u {
                if count < 0 || n < count {
                    out += new
                    n += 1
                }
                out.append(c)
            }
            if count < 0 || n < count { out += new }
            return .str(scalarsString(out))
        }
        var i = 0
        while count < 0 || n < count, let p = findScalars(u, old, i, u.count) {
            out += u[i..<p]
            out += new
            i = p + old.count
            n += 1
        }
        out += u[i...]
        return .str(scalarsString(out))
    case "find", "rfind", "index", "rindex", "count":
        try checkKeywords(name, args, [], vm)
        try checkCount(name, args, 1, 3, vm)
        guard case .str(let subText) = args[0] else {
            throw vm.error(.typeError, "must be str, not \(vm.typeName(args[0]))")
        }
        let sub = Array(subText.unicodeScalars)
        let (b, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), u.count, vm)
        if name == "count" { return .int(b > u.count ? 0 : countOccurrences(u, sub, b, e)) }
        let found = name.hasPrefix("r") ? rfindScalars(u, sub, b, e) : findScalars(u, sub, b, e)
        if let p = found { return .int(p) }
        if name.hasSuffix("index") { throw vm.error(.valueError, "substring not found") }
        return .int(-1)
    case "isdigit": return .bool(!u.isEmpty && u.allSatisfy(isDigit))
    case "isdecimal": return .bool(!u.isEmpty && u.allSatisfy(isDecimal))
    case "isnumeric": return .bool(!u.isEmpty && u.allSatisfy(isNumeric))
    case "isalpha": return .bool(!u.isEmpty && u.allSatisfy(isAlpha))
    case "isalnum": return .bool(!u.isEmpty && u.allSatisfy { isAlpha($0) || isNumeric($0) })
    case "isspace": return .bool(!u.isEmpty && u.allSatisfy(isPythonSpace))
    case "isupper":
        return .bool(
            u.contains(where: isCased)
                && !u.contains { $0.properties.isLowercase || $0.properties.generalCategory == .titlecaseLetter })
    case "islower":
        return .bool(
            u.contains(where: isCased)
                && !u.contains { $0.properties.isUppercase || $0.properties.generalCategory == .titlecaseLetter })
    case "istitle":
        var cased = false
        var previousCased = false
        for c in u {
            if c.properties.isUppercase || c.properties.generalCategory == .titlecaseLetter {
                if previousCased { return .bool(false) }
                previousCased = true
                cased = true
            } else if c.properties.isLowercase {
                if !previousCased { return .bool(false) }
                previousCased = true
                cased = true
            } else {
                previousCased = false
            }
        }
        return .bool(cased)
    case "ljust", "rjust", "center":
        try checkKeywords(name, args, [], vm)
        try checkCount(name, args, 1, 2, vm)
        let width = try vm.intArg(args[0], "width")
        var fill: Unicode.Scalar = " "
        if args.count > 1 {
            guard case .str(let f) = args[1], f.unicodeScalars.count == 1 else {
                if case .str = args[1] {
                    throw vm.error(.typeError, "The fill character must be exactly one character long")
                }
                throw vm.error(.typeError, "\(name)() argument 2 must be str, not \(vm.typeName(args[1]))")
            }
            fill = f.unicodeScalars.first!
        }
        if width <= u.count { return s }
        try vm.checkSize(width, bytesEach: String(fill).utf8.count)
        let margin = width - u.count
        let left: Int
        switch name {
        case "ljust": left = 0
        case "rjust": left = margin
        default: left = margin / 2 + (margin & width & 1)
        }
        let f = String(Character(fill))
        return .str(repeatedText(f, count: left) + str + repeatedText(f, count: margin - left))
    case "zfill":
        try checkCount("zfill", args, 1, 1, vm)
        let width = try vm.intArg(args[0], "width")
        if width <= u.count { return s }
        try vm.checkSize(width, bytesEach: 4)
        let zeros = repeatedText("0", count: width - u.count)
        if let f = u.first, f == "+" || f == "-" {
            return .str(String(f) + zeros + String(str.unicodeScalars.dropFirst()))
        }
        return .str(zeros + str)
    case "encode":
        try checkKeywords(name, args, ["encoding", "errors"], vm)
        try checkCount(name, args, 0, 2, vm)
        var encoding = "utf-8"
        if let e = argument(args, 0, "encoding") { encoding = try strArg(e, name, vm) }
        switch normalizedEncoding(encoding) {
        case "utf-8", "utf8": return .obj(PyBytes(Array(str.utf8)))
        case "ascii", "us-ascii", "latin-1", "latin1", "iso-8859-1", "iso8859-1":
            let limit: UInt32 =
                encoding.lowercased().hasPrefix("a") || encoding.lowercased().hasPrefix("us") ? 0x80 : 0x100
            if let i = u.firstIndex(where: { $0.value >= limit }) {
                let codec = limit == 0x80 ? "ascii" : "latin-1"
                let escaped = asciiEscaped(String(Character(u[i])))
                throw vm.raise(
                    PyException(
                        type: .unicodeError,
                        args: [
                            .str(
                                "'\(codec)' codec can't encode character '\(escaped)' in position \(i): ordinal not in range(\(limit))"
                            )
                        ]))
            }
            return .obj(PyBytes(u.map { UInt8($0.value) }))
        default:
            throw vm.raise(PyException(type: .lookupError, args: [.str("unknown encoding: \(encoding)")]))
        }
    case "partition", "rpartition":
        try checkCount(name, args, 1, 1, vm)
        let sep = Array(try strArg(args[0], name, vm).unicodeScalars)
        if sep.isEmpty { throw vm.error(.valueError, "empty separator") }
        let p = name == "partition" ? findScalars(u, sep, 0, u.count) : rfindScalars(u, sep, 0, u.count)
        guard let p else {
            return name == "partition"
                ? .obj(PyTuple([s, .str(""), .str("")])) : .obj(PyTuple([.str(""), .str(""), s]))
        }
        return .obj(PyTuple([.str(scalarsString(u[..<p])), args[0], .str(scalarsString(u[(p + sep.count)...]))]))
    case "removeprefix", "removesuffix":
        try checkCount(name, args, 1, 1, vm)
        let a = Array(try strArg(args[0], name, vm).unicodeScalars)
        if a.isEmpty { return s }
        if name == "removeprefix", u.starts(with: a) { return .str(scalarsString(u.dropFirst(a.count))) }
        if name == "removesuffix", u.count >= a.count, Array(u.suffix(a.count)) == a {
            return .str(scalarsString(u.dropLast(a.count)))
        }
        return s
    default:
        return try vm.call(try vm.missingAttribute(s, name), args)
    }
}
