import Foundation

/// The text of one trace and the path it was read from.
///
/// Lines are separated by `\n`, `\r\n` or a lone `\r`, as Python reads source
/// files with universal newlines.
public final class SourceFile: Sendable {
    public let path: String
    public let text: String
    /// The error CPython's tokenizer would stop at before any token: the first
    /// byte that is not UTF-8, or the first NUL (`SourceEncoding`); nil for
    /// most files. A file with one is not parsed.
    public let encodingError: Diagnostic?

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        self.encodingError = SourceEncoding.diagnostic(path: path, text: text)
    }

    /// A file's bytes, decoded leniently (an undecodable byte becomes U+FFFD,
    /// so that the error can show its line) and checked as CPython checks them.
    public init(path: String, data: Data) {
        let bytes = [UInt8](data)
        self.path = path
        self.text = String(decoding: bytes, as: UTF8.self)
        self.encodingError = SourceEncoding.diagnostic(path: path, data: bytes)
    }

    /// The text of 1-based line `line`, without its line terminator; "" for a
    /// line that does not exist.
    public func lineText(_ line: Int) -> String {
        guard line >= 1 else { return "" }
        var current = 1
        var result = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                if current == line { return String(result) }
                current += 1
                continue
            }
            if current == line { result.append(scalar) }
        }
        return current == line ? String(result) : ""
    }
}
