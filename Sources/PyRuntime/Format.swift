import RunModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's text formatting: the format-spec mini-language (`format(v, spec)`,
/// f-strings' `{x:spec}`, `str.format`), `str % args`, and the float layouts
/// that `repr(float)` and `round` share. Everything here must give CPython
/// 3.11's text to the character, errors included.

// MARK: - Float digits

// MARK: - The format-spec mini-language

/// `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
package struct FormatSpec {
    package var fill: Character = " "
    package var fillSpecified = false
    package var align: Character?
    package var sign: Character?
    package var noNegativeZero = false
    package var alternate = false
    package var width = 0
    package var grouping: Character?
    /// Every 4 digits instead of 3 (`_` with b, o, x, X).
    package var groupByFour = false
    package var precision: Int?
    package var type: Character?

    /// Parses `spec` as CPython's `parse_internal_render_format_spec` does,
    /// for a value whose default alignment is `defaultAlign`.
    package init(
        _ spec: String, typeName: String, defaultAlign: Character, defaultType: Character? = nil,
        _ vm: Interpreter
    ) throws {
        let c = Array(spec)
        var i = 0
        func isAlign(_ ch: Character) -> Bool { ch == "<" || ch == ">" || ch == "^" || ch == "=" }
        if c.count >= 2, isAlign(c[1]) {
            fill = c[0]
            fillSpecified = true
            align = c[1]
            i = 2
        } else if c.count >= 1, isAlign(c[0]) {
            align = c[0]
            i = 1
        }
        if i < c.count, c[i] == "+" || c[i] == "-" || c[i] == " " {
            sign = c[i]
            i += 1
        }
        if i < c.count, c[i] == "z" {
            noNegativeZero = true
            i += 1
        }
        if i < c.count, c[i] == "#" {
            alternate = true
            i += 1
        }
        if !fillSpecified, i < c.count, c[i] == "0" {
            fill = "0"
            if align == nil, defaultAlign == ">" { align = "=" }
            i += 1
        }
        func number() throws -> Int? {
            var n: Int?
            while i < c.count, let d = c[i].wholeNumberValue, c[i].isASCII {
                let (m, o1) = (n ?? 0).multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(d)
                if o1 || o2 { throw vm.error(.valueError, "Too many decimal digits in format string") }
                n = s
                i += 1
            }
            return n
        }
        width = try number() ?? 0
        if i < c.count, c[i] == "," {
            grouping = ","
            i += 1
        }
        if i < c.count, c[i] == "_" {
            if grouping != nil { throw vm.error(.valueError, "Cannot specify both ',' and '_'.") }
            grouping = "_"
            i += 1
        }
        if i < c.count, c[i] == "," {
            throw vm.error(.valueError, "Cannot specify both ',' and '_'.")
        }
        if i < c.count, c[i] == "." {
            i += 1
            guard let p = try number() else {
                throw vm.error(.valueError, "Format specifier missing precision")
            }
            precision = p
        }
        if c.count - i > 1 {
            throw vm.error(.valueError, "Invalid format specifier '\(spec)' for object of type '\(typeName)'")
        }
        type = i < c.count ? c[i] : defaultType
        if let g = grouping {
            switch type {
            case nil, "d", "e", "f", "g", "E", "G", "%", "F": break
            case "b", "o", "x", "X":
                if g != "_" { throw vm.error(.valueError, "Cannot specify '\(g)' with '\(type!)'.") }
                groupByFour = true
            default:
                throw vm.error(.valueError, "Cannot specify '\(g)' with '\(type!)'.")
            }
        }
    }

    /// Before padding to the width: `MemoryError` past `SizeBounds`, and the
    /// padded text against the memory budget (CPython allocates the width, and
    /// raises `MemoryError` when it cannot).
    package func checkWidth(_ vm: Interpreter) throws {
        try vm.checkSize(width &* String(fill).utf8.count, bytesEach: 1)
    }

    /// Before writing `precision` digits of a float: CPython's `ValueError`
    /// past a C int, then `MemoryError` past `SizeBounds`.
    package func checkFloatPrecision(_ vm: Interpreter) throws {
        guard let p = precision else { return }
        if p > Int(Int32.max) { throw vm.error(.valueError, "precision too big") }
        try vm.checkSize(p, bytesEach: 8)
    }

    package func unknownCode(_ typeName: String, _ vm: Interpreter) -> PyRaise {
        vm.error(.valueError, "Unknown format code '\(type!)' for object of type '\(typeName)'")
    }

    /// Pads `body` to the width. `signPrefix` is what '=' alignment keeps in
    /// front of the padding.
    package func pad(_ body: String, signPrefix: String = "", defaultAlign: Character) -> String {
        let length = signPrefix.unicodeScalars.count + body.unicodeScalars.count
        guard width > length else { return signPrefix + body }
        let n = width - length
        let f = String(fill)
        switch align ?? defaultAlign {
        case "<": return signPrefix + body + repeatedText(f, count: n)
        case "^":
            let left = n / 2
            return repeatedText(f, count: left) + signPrefix + body + repeatedText(f, count: n - left)
        case "=": return signPrefix + repeatedText(f, count: n) + body
        default: return repeatedText(f, count: n) + signPrefix + body
        }
    }

    /// Lays out a number: sign, prefix (`0x`), the integer digits (grouped
    /// as the spec says, zero-filled through the grouping when the fill is
    /// `0` with `=` alignment), then the rest (fraction, exponent, `%`).
    package func number(sign: String, prefix: String, digits: String, rest: String) -> String {
        var grouped = digits
        if let g = grouping, !digits.isEmpty {
            var minWidth = 0
            if fill == "0" && align == "=" {
                minWidth = width - sign.count - prefix.count - rest.unicodeScalars.count
            }
            grouped = groupDigits(Array(digits), size: groupByFour ? 4 : 3, separator: g, minWidth: minWidth)
        }
        return pad(grouped + rest, signPrefix: sign + prefix, defaultAlign: ">")
    }
}

/// CPython's `_PyUnicode_InsertThousandsGrouping`: groups from the right,
/// padding with zeros until `minWidth` characters are written.
package func groupDigits(_ digits: [Character], size: Int, separator: Character, minWidth: Int) -> String {
    var groups: [String] = []
    var remaining = digits.count
    var minWidth = minWidth
    while true {
        let l = min(size, max(remaining, minWidth, 1))
        let chars = max(0, min(remaining, l))
        let zeros = max(0, l - remaining)
        groups.append(String(repeating: "0", count: zeros) + String(digits[(remaining - chars)..<remaining]))
        remaining -= chars
        minWidth -= l
        if remaining <= 0 && minWidth <= 0 { break }
        minWidth -= 1
    }
    return groups.reversed().joined(separator: String(separator))
}

/// `format(v, spec)`: Python's `v.__format__(spec)` for the builtin values.
public func formatWithSpec(_ v: Value, _ spec: String, _ vm: Interpreter) throws -> String {
    switch v {
    case .int(let i): return try formatInt(i, spec, vm)
    case .bool(let b): return spec.isEmpty ? (b ? "True" : "False") : try formatInt(b ? 1 : 0, spec, vm)
    case .float(let d): return try formatFloat(d, spec, typeName: "float", vm)
    case .str(let s): return try formatString(s, spec, vm)
    default:
        if spec.isEmpty { return try vm.str(v) }
        throw vm.error(.typeError, "unsupported format string passed to \(vm.typeName(v)).__format__")
    }
}

package func formatString(_ s: String, _ specText: String, _ vm: Interpreter) throws -> String {
    if specText.isEmpty { return s }
    let spec = try FormatSpec(specText, typeName: "str", defaultAlign: "<", defaultType: "s", vm)
    if let t = spec.type, t != "s" { throw spec.unknownCode("str", vm) }
    if let sign = spec.sign {
        throw vm.error(
            .valueError,
            sign == " "
                ? "Space not allowed in string format specifier"
                : "Sign not allowed in string format specifier")
    }
    if spec.noNegativeZero {
        throw vm.error(.valueError, "Negative zero coercion (z) not allowed in string format specifier")
    }
    if spec.alternate { throw vm.error(.valueError, "Alternate form (#) not allowed in string format specifier") }
    if spec.align == "=" { throw vm.error(.valueError, "'=' alignment not allowed in string format specifier") }
    var text = s
    if let p = spec.precision, s.unicodeScalars.count > p {
        var u = String.UnicodeScalarView()
        u.append(contentsOf: s.unicodeScalars.prefix(p))
        text = String(u)
    }
    try spec.checkWidth(vm)
    return spec.pad(text, defaultAlign: "<")
}

package func formatInt(_ i: Int, _ specText: String, _ vm: Interpreter) throws -> String {
    if specText.isEmpty { return String(i) }
    let spec = try FormatSpec(specText, typeName: "int", defaultAlign: ">", vm)
    switch spec.type {
    case nil, "b", "c", "d", "o", "x", "X", "n": break
    case "e", "E", "f", "F", "g", "G", "%":
        return try formatFloat(Double(i), specText, typeName: "int", vm)
    default: throw spec.unknownCode("int", vm)
    }
    if spec.precision != nil { throw vm.error(.valueError, "Precision not allowed in integer format specifier") }
    if spec.noNegativeZero {
        throw vm.error(.valueError, "Negative zero coercion (z) not allowed in integer format specifier")
    }
    if spec.type == "c" {
        if spec.sign != nil { throw vm.error(.valueError, "Sign not allowed with integer format specifier 'c'") }
        if spec.alternate {
            throw vm.error(.valueError, "Alternate form (#) not allowed with integer format specifier 'c'")
        }
        guard i >= 0, i < 0x110000, let u = Unicode.Scalar(UInt32(i)) else {
            throw vm.error(.overflowError, "%c arg not in range(0x110000)")
        }
        try spec.checkWidth(vm)
        return spec.pad(String(Character(u)), defaultAlign: ">")
    }
    var digits: String
    var prefix = ""
    switch spec.type {
    case "b":
        digits = String(i.magnitude, radix: 2)
        prefix = "0b"
    case "o":
        digits = String(i.magnitude, radix: 8)
        prefix = "0o"
    case "x":
        digits = String(i.magnitude, radix: 16)
        prefix = "0x"
    case "X":
        digits = String(i.magnitude, radix: 16).uppercased()
        prefix = "0X"
    default:
        digits = String(i.magnitude)
    }
    if !spec.alternate { prefix = "" }
    let sign = i < 0 ? "-" : spec.sign == "+" ? "+" : spec.sign == " " ? " " : ""
    try spec.checkWidth(vm)
    return spec.number(sign: sign, prefix: prefix, digits: digits, rest: "")
}

package func formatFloat(_ d: Double, _ specText: String, typeName: String, _ vm: Interpreter) throws -> String {
    if specText.isEmpty { return pythonFloatRepr(d) }
    let spec = try FormatSpec(specText, typeName: typeName, defaultAlign: ">", vm)
    var type = spec.type
    switch type {
    case nil, "e", "E", "f", "F", "g", "G", "n", "%": break
    default: throw spec.unknownCode(typeName, vm)
    }
    if type == "n" { type = "g" }
    try spec.checkFloatPrecision(vm)
    var value = d
    if type == "%" { value *= 100 }
    var negative = value.sign == .minus && !value.isNaN
    let magnitude = abs(value)
    var body: String
    let upper = type == "E" || type == "F" || type == "G"
    if !magnitude.isFinite {
        body = magnitude.isNaN ? "nan" : "inf"
        if upper { body = body.uppercased() }
        if type == "%" { body += "%" }
    } else {
        switch type {
        case nil:
            if let p = spec.precision {
                let digits = DecimalDigits.rounded(magnitude, significant: max(p, 1))
                let useExponent = digits.decimalPoint <= -4 || digits.decimalPoint > max(p, 1) - 1
                body = digits.layout(useExponent: useExponent, addDotZero: true)
            } else {
                let digits = DecimalDigits.shortest(magnitude)
                let useExponent = !digits.isZero && (digits.decimalPoint <= -4 || digits.decimalPoint > 16)
                body = digits.layout(useExponent: useExponent, addDotZero: true)
            }
        case "%":
            body = cFormat(magnitude, precision: spec.precision ?? 6, conversion: "f", alternate: spec.alternate) + "%"
        default:
            body = cFormat(magnitude, precision: spec.precision ?? 6, conversion: type!, alternate: spec.alternate)
        }
        if negative && spec.noNegativeZero {
            let mantissa = body.prefix { $0 != "e" && $0 != "E" }
            if !mantissa.contains(where: { ("1"..."9").contains($0) }) { negative = false }
        }
    }
    let sign = negative ? "-" : spec.sign == "+" ? "+" : spec.sign == " " ? " " : ""
    let digitCount = body.prefix { $0.isASCII && $0.isNumber }.count
    try spec.checkWidth(vm)
    return spec.number(
        sign: sign, prefix: "", digits: String(body.prefix(digitCount)),
        rest: String(body.dropFirst(digitCount)))
}

// MARK: - str % args

/// `format % args`: CPython's `PyUnicode_Format`.
public func percentFormat(_ format: String, _ args: Value, _ vm: Interpreter) throws -> String {
    String(try percentFormat(Array(format.unicodeScalars), args, bytes: false, vm))
}

/// `format % args` for `bytes`: CPython's `_PyBytes_FormatEx`. The format's
/// bytes go through the same parser as a str's, as Latin-1 scalars; `%s` and
/// `%b` take bytes, `%r` and `%a` an ASCII repr, `%c` an int below 256 or a
/// single byte.
public func bytesPercentFormat(_ format: [UInt8], _ args: Value, _ vm: Interpreter) throws -> [UInt8] {
    let out = try percentFormat(format.map { Unicode.Scalar($0) }, args, bytes: true, vm)
    // Every scalar is below 256: the format's own bytes, the bytes arguments', ASCII otherwise.
    return out.map { UInt8(truncatingIfNeeded: $0.value) }
}

/// The shared parser of `str % args` and `bytes % args`; `bytes` picks the
/// bytes conversions and texts.
private func percentFormat(
    _ chars: [Unicode.Scalar], _ args: Value, bytes: Bool, _ vm: Interpreter
) throws -> String.UnicodeScalarView {
    var items: [Value]
    var mapping: Value?
    switch args {
    case .obj(let o) where o is PyTuple:
        items = (o as! PyTuple).items
    case .obj(let o) where o is PyDict || o is PyList:
        // CPython treats any mapping-like object (a list has `__getitem__`) as
        // a possible mapping, which only matters for the final check.
        items = [args]
        mapping = args
    default:
        items = [args]
    }
    var next = 0
    func nextArg() throws -> Value {
        guard next < items.count else { throw vm.error(.typeError, "not enough arguments for format string") }
        defer { next += 1 }
        return items[next]
    }
    var out = String.UnicodeScalarView()
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if c != "%" {
            out.append(c)
            i += 1
            continue
        }
        let start = i
        i += 1
        guard i < chars.count else { throw vm.error(.valueError, "incomplete format") }
        if chars[i] == "%" {
            out.append("%")
            i += 1
            continue
        }
        var argument: Value?
        if chars[i] == "(" {
            guard let m = mapping, case .obj(let mo) = m, mo is PyDict else {
                throw vm.error(.typeError, "format requires a mapping")
            }
            var depth = 1
            var j = i + 1
            while j < chars.count {
                if chars[j] == "(" { depth += 1 }
                if chars[j] == ")" {
                    depth -= 1
                    if depth == 0 { break }
                }
                j += 1
            }
            guard j < chars.count else { throw vm.error(.valueError, "incomplete format key") }
            var key = String.UnicodeScalarView()
            key.append(contentsOf: chars[(i + 1)..<j])
            let keyValue: Value =
                bytes
                ? .obj(PyBytes(chars[(i + 1)..<j].map { UInt8(truncatingIfNeeded: $0.value) })) : .str(String(key))
            argument = try mo.getItem(keyValue, vm)
            // CPython's value from a key takes the place of the single argument.
            next = items.count
            i = j + 1
        }
        var left = false, plus = false, space = false, alt = false, zero = false
        flags: while i < chars.count {
            switch chars[i] {
            case "-": left = true
            case "+": plus = true
            case " ": space = true
            case "#": alt = true
            case "0": zero = true
            default: break flags
            }
            i += 1
        }
        func starArg() throws -> Int {
            let v = try nextArg()
            guard case .int(let n) = v else {
                if case .bool(let b) = v { return b ? 1 : 0 }
                throw vm.error(.typeError, "* wants int")
            }
            return n
        }
        /// The digits of a width or precision; CPython's ValueError past its C type.
        func digitsNumber(_ what: String, max: Int) throws -> Int? {
            var n: Int?
            while i < chars.count, chars[i].properties.numericType == .decimal, chars[i].isASCII {
                let (m, o1) = (n ?? 0).multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int(chars[i].value - 48))
                if o1 || o2 || s > max { throw vm.error(.valueError, "\(what) too big") }
                n = s
                i += 1
            }
            return n
        }
        var width: Int?
        if i < chars.count, chars[i] == "*" {
            var w = try starArg()
            if w < 0 {
                left = true
                w = -w
            }
            width = w
            i += 1
        } else {
            width = try digitsNumber("width", max: Int.max)
        }
        var precision: Int?
        if i < chars.count, chars[i] == "." {
            i += 1
            if i < chars.count, chars[i] == "*" {
                let p = try starArg()
                if p > Int(Int32.max) || p < Int(Int32.min) {
                    throw vm.error(.overflowError, "Python int too large to convert to C int")
                }
                precision = max(0, p)
                i += 1
            } else {
                precision = try digitsNumber("precision", max: Int(Int32.max)) ?? 0
            }
        }
        while i < chars.count, chars[i] == "h" || chars[i] == "l" || chars[i] == "L" { i += 1 }
        guard i < chars.count else { throw vm.error(.valueError, "incomplete format") }
        let conversion = chars[i]
        i += 1
        if conversion == "%" {
            _ = try argument ?? nextArg()
            out.append("%")
            continue
        }
        let value = try argument ?? nextArg()
        var sign = ""
        var body: String
        var numeric = true
        switch conversion {
        case "s" where bytes, "b" where bytes:
            numeric = false
            guard case .obj(let o) = value, let b = o as? PyBytes else {
                throw vm.error(
                    .typeError,
                    "%b requires a bytes-like object, or an object that implements __bytes__, not '\(vm.typeName(value))'"
                )
            }
            var u = String.UnicodeScalarView()
            u.append(contentsOf: b.bytes.prefix(precision ?? Int.max).map { Unicode.Scalar($0) })
            body = String(u)
        case "r" where bytes, "a" where bytes:
            numeric = false
            body = asciiEscaped(try vm.repr(value))
            if let p = precision, body.unicodeScalars.count > p { body = String(body.unicodeScalars.prefix(p)) }
        case "c" where bytes:
            numeric = false
            switch value {
            case .int(let n):
                guard (0..<256).contains(n) else { throw vm.error(.overflowError, "%c arg not in range(256)") }
                body = String(Character(Unicode.Scalar(UInt8(n))))
            case .bool(let b): body = String(Character(Unicode.Scalar(UInt8(b ? 1 : 0))))
            case .obj(let o) where (o as? PyBytes)?.bytes.count == 1:
                body = String(Character(Unicode.Scalar((o as! PyBytes).bytes[0])))
            default: throw vm.error(.typeError, "%c requires an integer in range(256) or a single byte")
            }
        case "s", "r", "a":
            numeric = false
            body = conversion == "s" ? try vm.str(value) : try vm.repr(value)
            if conversion == "a" { body = asciiEscaped(body) }
            if let p = precision, body.unicodeScalars.count > p {
                var u = String.UnicodeScalarView()
                u.append(contentsOf: body.unicodeScalars.prefix(p))
                body = String(u)
            }
        case "c":
            numeric = false
            switch value {
            case .int(let n):
                guard n >= 0, n < 0x110000, let u = Unicode.Scalar(UInt32(n)) else {
                    throw vm.error(.overflowError, "%c arg not in range(0x110000)")
                }
                body = String(Character(u))
            case .bool(let b): body = String(Character(Unicode.Scalar(UInt8(b ? 1 : 0))))
            case .str(let s) where s.unicodeScalars.count == 1: body = s
            default: throw vm.error(.typeError, "%c requires int or char")
            }
        case "d", "i", "u", "x", "X", "o":
            let n: Int
            switch value {
            case .int(let x): n = x
            case .bool(let b): n = b ? 1 : 0
            case .float(let d) where "diu".unicodeScalars.contains(conversion):
                n = try floatToInt(d, vm)
            case .obj where try specialUnary("__index__", value, vm) != nil:
                guard case .int(let x)? = try specialUnary("__index__", value, vm) else {
                    throw vm.error(.typeError, "__index__ returned non-int (type \(vm.typeName(value)))")
                }
                n = x
            default:
                if "diu".unicodeScalars.contains(conversion) {
                    throw vm.error(
                        .typeError, "%\(conversion) format: a real number is required, not \(vm.typeName(value))")
                }
                throw vm.error(.typeError, "%\(conversion) format: an integer is required, not \(vm.typeName(value))")
            }
            switch conversion {
            case "x": body = String(n.magnitude, radix: 16)
            case "X": body = String(n.magnitude, radix: 16).uppercased()
            case "o": body = String(n.magnitude, radix: 8)
            default: body = String(n.magnitude)
            }
            if let p = precision, body.count < p {
                try vm.checkSize(p, bytesEach: 1)
                body = repeatedText("0", count: p - body.count) + body
            }
            if alt, conversion == "x" || conversion == "X" || conversion == "o" {
                body = (conversion == "o" ? "0o" : conversion == "x" ? "0x" : "0X") + body
            }
            sign = n < 0 ? "-" : plus ? "+" : space ? " " : ""
        case "e", "E", "f", "F", "g", "G":
            let d: Double
            switch value {
            case .float(let x): d = x
            case .int(let x): d = Double(x)
            case .bool(let b): d = b ? 1 : 0
            default: throw vm.error(.typeError, "must be real number, not \(vm.typeName(value))")
            }
            let upper = conversion == "E" || conversion == "F" || conversion == "G"
            if d.isNaN {
                body = upper ? "NAN" : "nan"
            } else if d.isInfinite {
                body = upper ? "INF" : "inf"
            } else {
                if let p = precision { try vm.checkSize(p, bytesEach: 8) }
                body = cFormat(abs(d), precision: precision ?? 6, conversion: Character(conversion), alternate: alt)
            }
            sign = (d.sign == .minus && !d.isNaN) ? "-" : plus ? "+" : space ? " " : ""
        default:
            let index = chars[..<i].count - 1
            throw vm.error(
                .valueError,
                "unsupported format character '\(Character(conversion))' (0x\(String(conversion.value, radix: 16))) at index \(index)"
            )
        }
        _ = start
        let w = width ?? 0
        let length = sign.unicodeScalars.count + body.unicodeScalars.count
        if w > length { try vm.checkSize(w, bytesEach: 4) }
        var text: String
        if length >= w {
            text = sign + body
        } else if left {
            text = sign + body + repeatedText(" ", count: w - length)
        } else if zero && numeric {
            // Zeros go after the sign and the 0x prefix.
            var prefix = ""
            var rest = body
            if alt, body.hasPrefix("0x") || body.hasPrefix("0X") || body.hasPrefix("0o") {
                prefix = String(body.prefix(2))
                rest = String(body.dropFirst(2))
            }
            text = sign + prefix + repeatedText("0", count: w - length) + rest
        } else {
            text = repeatedText(" ", count: w - length) + sign + body
        }
        if text.utf8.count > 4096 {
            // Appended as one string: appending 10^8 scalars one by one takes seconds.
            var whole = String(out)
            whole += text
            out = whole.unicodeScalars
        } else {
            out.append(contentsOf: text.unicodeScalars)
        }
    }
    if next < items.count && mapping == nil {
        throw vm.error(.typeError, "not all arguments converted during \(bytes ? "bytes" : "string") formatting")
    }
    return out
}

/// `ascii()` applied to a repr: non-ASCII characters as `\x`, `\u`, `\U` escapes.
package func asciiEscaped(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        if u.isASCII {
            out.unicodeScalars.append(u)
        } else if u.value <= 0xff {
            out += "\\x" + hex2(UInt8(u.value))
        } else if u.value <= 0xffff {
            let h = String(u.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
        } else {
            let h = String(u.value, radix: 16)
            out += "\\U" + String(repeating: "0", count: 8 - h.count) + h
        }
    }
    return out
}

/// `int(d)` for a float: truncation, with CPython's errors.
package func floatToInt(_ d: Double, _ vm: Interpreter) throws -> Int {
    if d.isNaN { throw vm.error(.valueError, "cannot convert float NaN to integer") }
    if d.isInfinite { throw vm.error(.overflowError, "cannot convert float infinity to integer") }
    guard let i = Int(exactly: d.rounded(.towardZero)) else { throw overflow(vm) }
    return i
}

/// The error for results outside vloop's 64-bit ints.
package func overflow(_ vm: Interpreter) -> PyRaise {
    vm.error(.overflowError, "integer overflow (vloop's ints are 64-bit)")
}

// MARK: - str.format

/// `format.format(*args, **kwargs)`: CPython's `MarkupIterator` and field lookup.
public func strFormat(_ format: String, _ args: Args, _ vm: Interpreter) throws -> String {
    var auto = 0
    var mode = 0  // 0 undecided, 1 automatic, 2 manual
    return try strFormatRecursive(format, args, depth: 2, auto: &auto, mode: &mode, vm)
}

private func strFormatRecursive(
    _ format: String, _ args: Args, depth: Int, auto: inout Int, mode: inout Int,
    _ vm: Interpreter
) throws -> String {
    if depth < 0 { throw vm.error(.valueError, "Max string recursion exceeded") }
    let c = Array(format.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    while i < c.count {
        let ch = c[i]
        if ch == "}" {
            if i + 1 < c.count, c[i + 1] == "}" {
                out.append("}")
                i += 2
                continue
            }
            throw vm.error(.valueError, "Single '}' encountered in format string")
        }
        if ch != "{" {
            out.append(ch)
            i += 1
            continue
        }
        if i + 1 < c.count, c[i + 1] == "{" {
            out.append("{")
            i += 2
            continue
        }
        if i + 1 >= c.count { throw vm.error(.valueError, "Single '{' encountered in format string") }
        // CPython's `parse_field`: the name runs to '}', ':' or '!' (brackets
        // protect their content), then an optional conversion, then a spec
        // whose braces must balance.
        i += 1
        let nameStart = i
        var stop: Unicode.Scalar = " "
        while i < c.count {
            let ch = c[i]
            i += 1
            if ch == "{" { throw vm.error(.valueError, "unexpected '{' in field name") }
            if ch == "[" {
                while i < c.count, c[i] != "]" { i += 1 }
                continue
            }
            if ch == "}" || ch == ":" || ch == "!" {
                stop = ch
                break
            }
        }
        guard stop != " " else { throw vm.error(.valueError, "expected '}' before end of string") }
        let name = c[nameStart..<(i - 1)]
        var conversion: Unicode.Scalar?
        var spec = ArraySlice<Unicode.Scalar>()
        if stop == "!" || stop == ":" {
            var specDone = false
            if stop == "!" {
                guard i < c.count else {
                    throw vm.error(.valueError, "end of string while looking for conversion specifier")
                }
                conversion = c[i]
                i += 1
                if i < c.count {
                    let next = c[i]
                    i += 1
                    if next == "}" {
                        specDone = true
                    } else if next != ":" {
                        throw vm.error(.valueError, "expected ':' after conversion specifier")
                    }
                }
            }
            if !specDone {
                let specStart = i
                var count = 1
                while i < c.count {
                    let ch = c[i]
                    i += 1
                    if ch == "{" { count += 1 }
                    if ch == "}" {
                        count -= 1
                        if count == 0 { break }
                    }
                }
                if count != 0 { throw vm.error(.valueError, "unmatched '{' in format spec") }
                spec = c[specStart..<(i - 1)]
            }
        }
        var value = try lookupField(name, args, auto: &auto, mode: &mode, vm)
        if let conv = conversion {
            switch conv {
            case "r": value = .str(try vm.repr(value))
            case "s": value = .str(try vm.str(value))
            case "a": value = .str(asciiEscaped(try vm.repr(value)))
            default: throw vm.error(.valueError, "Unknown conversion specifier \(Character(conv))")
            }
        }
        var specText = String(String.UnicodeScalarView(spec))
        if specText.contains("{") {
            specText = try strFormatRecursive(specText, args, depth: depth - 1, auto: &auto, mode: &mode, vm)
        }
        out.append(contentsOf: try formatWithSpec(value, specText, vm).unicodeScalars)
    }
    return String(out)
}

private func lookupField(
    _ field: ArraySlice<Unicode.Scalar>, _ args: Args, auto: inout Int, mode: inout Int,
    _ vm: Interpreter
) throws -> Value {
    var k = field.startIndex
    while k < field.endIndex, field[k] != "." && field[k] != "[" { k += 1 }
    let first = String(String.UnicodeScalarView(field[field.startIndex..<k]))
    var value: Value
    if first.isEmpty || first.unicodeScalars.allSatisfy({ $0.properties.numericType == .decimal && $0.isASCII }) {
        let index: Int
        if first.isEmpty {
            if mode == 2 {
                throw vm.error(
                    .valueError, "cannot switch from manual field specification to automatic field numbering")
            }
            mode = 1
            index = auto
            auto += 1
        } else {
            if mode == 1 {
                throw vm.error(
                    .valueError, "cannot switch from automatic field numbering to manual field specification")
            }
            mode = 2
            guard let n = Int(first) else { throw vm.error(.valueError, "Too many decimal digits in format string") }
            index = n
        }
        guard index < args.count else {
            throw vm.error(.indexError, "Replacement index \(index) out of range for positional args tuple")
        }
        value = args[index]
    } else {
        guard let v = args.keyword(first) else { throw vm.raise(PyException(type: .keyError, args: [.str(first)])) }
        value = v
    }
    // `.attr` and `[key]` chains.
    while k < field.endIndex {
        if field[k] == "." {
            var e = k + 1
            while e < field.endIndex, field[e] != "." && field[e] != "[" { e += 1 }
            let attr = String(String.UnicodeScalarView(field[(k + 1)..<e]))
            if attr.isEmpty { throw vm.error(.valueError, "Empty attribute in format string") }
            value = try vm.getAttr(value, attr)
            k = e
        } else {
            var e = k + 1
            while e < field.endIndex, field[e] != "]" { e += 1 }
            guard e < field.endIndex else { throw vm.error(.valueError, "Missing ']' in format string") }
            let keyText = String(String.UnicodeScalarView(field[(k + 1)..<e]))
            if keyText.isEmpty { throw vm.error(.valueError, "Empty attribute in format string") }
            let key: Value = Int(keyText).map { .int($0) } ?? .str(keyText)
            value = try getItem(value, key, vm)
            k = e + 1
            if k < field.endIndex, field[k] != "." && field[k] != "[" {
                throw vm.error(.valueError, "Only '.' or '[' may follow ']' in format field specifier")
            }
        }
    }
    return value
}

/// `v[key]` for the builtin values (str is not a PyObject).
package func getItem(_ v: Value, _ key: Value, _ vm: Interpreter) throws -> Value {
    switch v {
    case .str(let s): return try strGetItem(s, key, vm)
    case .obj(let o): return try o.getItem(key, vm)
    default: throw vm.error(.typeError, "'\(vm.typeName(v))' object is not subscriptable")
    }
}

/// Python's `'%.Nf' % x`.
package func formatFixed(_ x: Double, _ digits: Int, _ vm: Interpreter) -> String {
    (try? percentFormat("%.\(digits)f", .float(x), vm)) ?? String(x)
}
