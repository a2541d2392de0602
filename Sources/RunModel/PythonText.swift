#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's text for values that every layer prints: `repr(float)`,
/// `repr(str)`, and the float digits that formatting and `round` share.
/// Everything here must give CPython 3.11's text to the character.

/// Formats one double with a C `printf` conversion such as `%.3f` or `%.5e`.
///
/// The C library's conversions are exact (glibc and Darwin both round the
/// exact binary value, ties to even), which is what CPython's own dtoa does.
package func cFormat(_ d: Double, precision: Int, conversion: Character, alternate: Bool = false) -> String {
    let format = "%" + (alternate ? "#" : "") + ".*" + String(conversion)
    var size = 64
    while true {
        var buffer = [CChar](repeating: 0, count: size)
        let n = withVaList([Int32(precision), d]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, size, format, args) }
        }
        if Int(n) < size {
            return String(decoding: buffer[0..<Int(n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        size = Int(n) + 1
    }
}

/// The decimal digits of a finite, non-negative double and the position of
/// the decimal point: the value is `0.DIGITS × 10^decimalPoint`. Zero is
/// `("0", 1)`.
package struct DecimalDigits {
    package var digits: [UInt8]  // ASCII digits, no leading zeros (except for zero itself)
    package var decimalPoint: Int

    /// The shortest digits that read back as `d` (what `repr` prints).
    package static func shortest(_ d: Double) -> DecimalDigits {
        // Swift's description is the shortest round-trip text too; only its
        // layout differs from Python's, so take its digits and exponent.
        parse(abs(d).description)
    }

    /// `d` correctly rounded to `significant` digits (ties to even on the
    /// exact binary value), trailing zeros removed.
    package static func rounded(_ d: Double, significant: Int) -> DecimalDigits {
        var r = parse(cFormat(abs(d), precision: max(significant, 1) - 1, conversion: "e"))
        while r.digits.count > 1, r.digits.last == UInt8(ascii: "0") { r.digits.removeLast() }
        return r
    }

    /// Parses `123.45`, `1.2345e+02`, `1e-05`, `0.001`.
    package static func parse(_ text: String) -> DecimalDigits {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(String(text[text.index(after: e)...].filter { $0 != "+" })) ?? 0
        }
        var digits: [UInt8] = []
        var pointAt: Int?
        for c in mantissa.utf8 {
            if c == UInt8(ascii: ".") { pointAt = digits.count } else { digits.append(c) }
        }
        var point = (pointAt ?? digits.count) + exponent
        while digits.count > 1, digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if digits == [UInt8(ascii: "0")] { point = 1 }
        return DecimalDigits(digits: digits, decimalPoint: point)
    }

    package var isZero: Bool { digits.allSatisfy { $0 == UInt8(ascii: "0") } }

    /// CPython's `format_float_short` layout for the 'r' and 'g' modes:
    /// exponent notation when the point is far from the digits, else fixed
    /// notation with `.0` added to integers when `addDotZero`.
    package func layout(useExponent: Bool, addDotZero: Bool, exponentChar: Character = "e") -> String {
        let ds = String(decoding: digits, as: UTF8.self)
        if useExponent {
            let exp = isZero ? 0 : decimalPoint - 1
            var s = String(ds.prefix(1))
            if digits.count > 1 { s += "." + ds.dropFirst() }
            return s + String(exponentChar) + (exp < 0 ? "-" : "+") + twoDigits(abs(exp))
        }
        if decimalPoint <= 0 {
            return "0." + String(repeating: "0", count: -decimalPoint) + ds
        }
        if decimalPoint >= digits.count {
            let whole = ds + String(repeating: "0", count: decimalPoint - digits.count)
            return addDotZero ? whole + ".0" : whole
        }
        return String(ds.prefix(decimalPoint)) + "." + ds.dropFirst(decimalPoint)
    }
}

private func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

/// Python's `repr(float)` without the sign handling of non-finite values.
package func pythonFloatRepr(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    let digits = DecimalDigits.shortest(d)
    let useExponent = !digits.isZero && (digits.decimalPoint <= -4 || digits.decimalPoint > 16)
    return (d.sign == .minus ? "-" : "") + digits.layout(useExponent: useExponent, addDotZero: true)
}

/// Python's `repr(float)`: the shortest text that reads back as the same double,
/// laid out as CPython does (exponent from 1e16 up and below 1e-4; see
/// `pythonFloatRepr` in Format.swift).
public func floatRepr(_ d: Double) -> String {
    pythonFloatRepr(d)
}

/// Python's `repr(str)`.
public func stringRepr(_ s: String) -> String {
    let useDouble = s.contains("'") && !s.contains("\"")
    let quote: Character = useDouble ? "\"" : "'"
    var out = String(quote)
    for u in s.unicodeScalars {
        switch u {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if Character(u) == quote {
                out += "\\" + String(quote)
            } else if u.value < 0x20 || u.value == 0x7f {
                out += "\\x" + hex2(UInt8(u.value))
            } else if u.value >= 0x80 && !isPrintable(u) {
                if u.value <= 0xff {
                    out += "\\x" + hex2(UInt8(u.value))
                } else if u.value <= 0xffff {
                    out += "\\u" + String(format4(u.value))
                } else {
                    out +=
                        "\\U" + String(repeating: "0", count: 8 - String(u.value, radix: 16).count)
                        + String(u.value, radix: 16)
                }
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    out.append(quote)
    return out
}

private func format4(_ v: UInt32) -> String {
    let h = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 4 - h.count)) + h
}

/// An approximation of Python's `str.isprintable` for non-ASCII scalars.
private func isPrintable(_ u: Unicode.Scalar) -> Bool {
    switch u.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator:
        return false
    case .spaceSeparator:
        return u == " "
    default:
        return true
    }
}

package func hex2(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}

/// Python's `repr(bytes)`.
public func bytesRepr(_ bytes: [UInt8]) -> String {
    let useDouble = bytes.contains(UInt8(ascii: "'")) && !bytes.contains(UInt8(ascii: "\""))
    let quote: UInt8 = useDouble ? UInt8(ascii: "\"") : UInt8(ascii: "'")
    var s = "b" + String(UnicodeScalar(quote))
    for b in bytes {
        switch b {
        case UInt8(ascii: "\\"): s += "\\\\"
        case UInt8(ascii: "\n"): s += "\\n"
        case UInt8(ascii: "\r"): s += "\\r"
        case UInt8(ascii: "\t"): s += "\\t"
        case quote: s += "\\" + String(UnicodeScalar(quote))
        case 0x20..<0x7f: s.unicodeScalars.append(UnicodeScalar(b))
        default: s += "\\x" + hex2(b)
        }
    }
    return s + String(UnicodeScalar(quote))
}
