import Foundation

/// The checks CPython's tokenizer makes on a source file's bytes before it
/// reads a token: the text must be UTF-8 (there is no encoding declaration
/// in a trace) and must not contain a NUL byte. CPython stops at whichever
/// comes first in the file, with "Non-UTF-8 code starting with '\xff' in
/// file F on line N, but no encoding declared; ..." or "source code cannot
/// contain null bytes"; vloop reports the same first problem, located at its
/// line and column (the column counts the characters before it, plus one).
public enum SourceEncoding {
    /// The first byte that makes `data` invalid UTF-8 (as Python's strict
    /// `utf-8` codec judges it: no overlong forms, no surrogates, nothing past
    /// U+10FFFF), or nil when it is valid.
    public static func firstInvalidUTF8Offset(_ data: [UInt8]) -> Int? {
        var i = 0
        let n = data.count
        while i < n {
            let b = data[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, low) = (3, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: (length, high) = (3, 0x9F)
            case 0xF0: (length, low) = (4, 0x90)
            case 0xF1...0xF3: length = 4
            case 0xF4: (length, high) = (4, 0x8F)
            default: return i
            }
            guard i + length <= n else { return i }
            // The second byte has the narrowed range; the others are plain continuations.
            guard data[i + 1] >= low && data[i + 1] <= high else { return i }
            for k in 2..<length where data[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// The error for the first undecodable or NUL byte of a file's bytes, or
    /// nil when there is none. A leading UTF-8 byte-order mark is allowed.
    public static func diagnostic(path: String, data: [UInt8]) -> Diagnostic? {
        let invalid = firstInvalidUTF8Offset(data)
        let nul = data.firstIndex(of: 0)
        guard let offset = [invalid, nul].compactMap({ $0 }).min() else { return nil }
        let loc = location(of: offset, in: data)
        if offset == nul {
            return Diagnostic(path: path, loc: loc, message: "source code cannot contain null bytes")
        }
        let hex = String(data[offset], radix: 16)
        return Diagnostic(
            path: path, loc: loc,
            message:
                "Non-UTF-8 code starting with '\\x\(hex)': vloop reads source as UTF-8 (an encoding declaration, PEP 263, is not supported); save the file as UTF-8"
        )
    }

    /// The error for a NUL character in source given as text (no bytes to
    /// check: a Swift string is valid Unicode), or nil.
    public static func diagnostic(path: String, text: String) -> Diagnostic? {
        guard text.unicodeScalars.contains("\0") else { return nil }
        return diagnostic(path: path, data: Array(text.utf8))
    }

    /// The 1-based line (lines end at `\n`, `\r\n` or a lone `\r`) and column
    /// (characters before `offset` on its line, plus one) of a byte offset
    /// whose line is valid UTF-8 up to it.
    private static func location(of offset: Int, in data: [UInt8]) -> SourceLocation {
        var line = 1
        var lineStart = 0
        var i = 0
        while i < offset {
            if data[i] == UInt8(ascii: "\n") || data[i] == UInt8(ascii: "\r") {
                if data[i] == UInt8(ascii: "\r") && i + 1 < offset && data[i + 1] == UInt8(ascii: "\n") { i += 1 }
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var column = 1
        for b in data[lineStart..<offset] where b & 0xC0 != 0x80 { column += 1 }
        // The lexer drops a leading byte-order mark: columns of line 1 do not count it.
        if lineStart == 0 && offset >= 3 && data.starts(with: [0xEF, 0xBB, 0xBF]) { column -= 1 }
        return SourceLocation(line: line, column: column)
    }
}
