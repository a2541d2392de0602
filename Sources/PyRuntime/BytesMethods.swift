import RunModel

// The methods of `bytes`, and `bytes.decode`.

public let bytesMethodNames: Set<String> = [
    "decode", "hex", "startswith", "endswith", "find", "count", "split", "strip", "join", "upper", "lower",
]

private func bytesArg(_ v: Value, _ vm: Interpreter) throws -> [UInt8] {
    guard case .obj(let o) = v, let b = o as? PyBytes else {
        throw vm.error(.typeError, "a bytes-like object is required, not '\(vm.typeName(v))'")
    }
    return b.bytes
}

private func isByteSpace(_ b: UInt8) -> Bool { b == 32 || (9...13).contains(b) }

public func bytesMethod(_ b: PyBytes, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    let bytes = b.bytes
    switch name {
    case "decode":
        try checkKeywords("decode", args, ["encoding", "errors"], vm)
        try checkCount("decode", args, 0, 2, vm)
        var encoding = "utf-8"
        if let e = argument(args, 0, "encoding") {
            guard case .str(let s) = e else {
                throw vm.error(.typeError, "decode() argument 'encoding' must be str, not \(vm.typeName(e))")
            }
            encoding = s
        }
        return .str(try decodeBytes(bytes, encoding, vm))
    case "hex":
        try checkCount("hex", args, 0, 0, vm)
        return .str(bytes.map { hex2($0) }.joined())
    case "startswith", "endswith":
        try checkCount(name, args, 1, 3, vm)
        let (s, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), bytes.count, vm)
        var candidates: [[UInt8]] = []
        if case .obj(let o) = args[0], let t = o as? PyTuple {
            candidates = try t.items.map { try bytesArg($0, vm) }
        } else {
            guard case .obj(let o) = args[0], let p = o as? PyBytes else {
                throw vm.error(
                    .typeError, "\(name) first arg must be bytes or a tuple of bytes, not \(vm.typeName(args[0]))")
            }
            candidates = [p.bytes]
        }
        for c in candidates where tailMatch(bytes, c, s, e, atStart: name == "startswith") { return .bool(true) }
        return .bool(false)
    case "find", "count":
        try checkCount(name, args, 1, 3, vm)
        var needle: [UInt8]
        if case .int(let i) = args[0] {
            guard (0...255).contains(i) else { throw vm.error(.valueError, "byte must be in range(0, 256)") }
            needle = [UInt8(i)]
        } else {
            needle = try bytesArg(args[0], vm)
        }
        let (s, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), bytes.count, vm)
        if name == "find" {
            if s > bytes.count { return .int(-1) }
            return .int(findScalars(bytes, needle, s, e) ?? -1)
        }
        return .int(countOccurrences(bytes, needle, s, e))
    case "split":
        try checkKeywords("split", args, ["sep", "maxsplit"], vm)
        let sep = argument(args, 0, "sep")
        let maxsplit = try argument(args, 1, "maxsplit").map { try vm.intArg($0, "maxsplit") } ?? -1
        let parts: [[UInt8]]
        if let sep, !sep.isNone {
            let sepBytes = try bytesArg(sep, vm)
            if sepBytes.isEmpty { throw vm.error(.valueError, "empty separator") }
            parts = splitBySeparator(bytes, sepBytes, maxsplit)
        } else {
            parts = splitWhitespace(bytes, maxsplit, isByteSpace)
        }
        return .obj(PyList(parts.map { .obj(PyBytes($0)) }))
    case "strip":
        try checkCount("strip", args, 0, 1, vm)
        let chars: [UInt8]? = try args.count == 1 && !args[0].isNone ? bytesArg(args[0], vm) : nil
        let keep: (UInt8) -> Bool = { b in chars.map { !$0.contains(b) } ?? !isByteSpace(b) }
        guard let first = bytes.firstIndex(where: keep), let last = bytes.lastIndex(where: keep) else {
            return .obj(PyBytes([]))
        }
        return .obj(PyBytes(Array(bytes[first...last])))
    case "join":
        try checkCount("join", args, 1, 1, vm)
        let items = try vm.iterate(args[0])
        // CPython checks the items and sums their sizes before it allocates.
        var total = 0
        for (i, item) in items.enumerated() {
            guard case .obj(let o) = item, let p = o as? PyBytes else {
                throw vm.error(
                    .typeError, "sequence item \(i): expected a bytes-like object, \(vm.typeName(item)) found")
            }
            total &+= p.bytes.count &+ (i > 0 ? bytes.count : 0)
        }
        try vm.checkSize(total, bytesEach: 1)
        var out: [UInt8] = []
        out.reserveCapacity(total)
        for (i, item) in items.enumerated() {
            if i > 0 { out += bytes }
            out += (item.object as! PyBytes).bytes
        }
        return .obj(PyBytes(out))
    case "upper":
        return .obj(PyBytes(bytes.map { (97...122).contains($0) ? $0 - 32 : $0 }))
    case "lower":
        return .obj(PyBytes(bytes.map { (65...90).contains($0) ? $0 + 32 : $0 }))
    default:
        return try vm.call(try vm.missingAttribute(.obj(b), name), args)
    }
}

/// Decodes utf-8, ascii or latin-1 strictly, with CPython's error text.
package func decodeBytes(_ bytes: [UInt8], _ encoding: String, _ vm: Interpreter) throws -> String {
    let enc = normalizedEncoding(encoding)
    switch enc {
    case "utf-8", "utf8":
        var out = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i]
            var need = 0
            var cp: UInt32 = 0
            switch b0 {
            case 0..<0x80: need = 0; cp = UInt32(b0)
            case 0xc2...0xdf: need = 1; cp = UInt32(b0 & 0x1f)
            case 0xe0...0xef: need = 2; cp = UInt32(b0 & 0x0f)
            case 0xf0...0xf4: need = 3; cp = UInt32(b0 & 0x07)
            default:
                throw unicodeError(
                    "'utf-8' codec can't decode byte 0x\(hex2(b0)) in position \(i): invalid start byte", vm)
            }
            func failure(_ valid: Int, _ reason: String) -> PyRaise {
                let where_ =
                    valid == 1 ? "byte 0x\(hex2(b0)) in position \(i)" : "bytes in position \(i)-\(i + valid - 1)"
                return unicodeError("'utf-8' codec can't decode \(where_): \(reason)", vm)
            }
            var j = 1
            while j <= need {
                guard i + j < bytes.count else { throw failure(j, "unexpected end of data") }
                let c = bytes[i + j]
                var lo: UInt8 = 0x80, hi: UInt8 = 0xbf
                if j == 1 {
                    if b0 == 0xe0 { lo = 0xa0 }
                    if b0 == 0xed { hi = 0x9f }
                    if b0 == 0xf0 { lo = 0x90 }
                    if b0 == 0xf4 { hi = 0x8f }
                }
                guard c >= lo && c <= hi else { throw failure(j, "invalid continuation byte") }
                cp = cp << 6 | UInt32(c & 0x3f)
                j += 1
            }
            out.append(Unicode.Scalar(cp)!)
            i += need + 1
        }
        return String(out)
    case "ascii", "us-ascii":
        if let i = bytes.firstIndex(where: { $0 >= 0x80 }) {
            throw unicodeError(
                "'ascii' codec can't decode byte 0x\(hex2(bytes[i])) in position \(i): ordinal not in range(128)", vm)
        }
        return String(decoding: bytes, as: UTF8.self)
    case "latin-1", "latin1", "iso-8859-1", "iso8859-1":
        var out = String.UnicodeScalarView()
        for b in bytes { out.append(Unicode.Scalar(b)) }
        return String(out)
    default:
        throw vm.raise(PyException(type: .lookupError, args: [.str("unknown encoding: \(encoding)")]))
    }
}

private func unicodeError(_ message: String, _ vm: Interpreter) -> PyRaise {
    vm.raise(PyException(type: .unicodeError, args: [.str(message)]))
}

/// An encoding's name as the codecs compare it: lower case, `_` read as `-`.
package func normalizedEncoding(_ name: String) -> String {
    String(name.lowercased().map { $0 == "_" ? "-" : $0 })
}
