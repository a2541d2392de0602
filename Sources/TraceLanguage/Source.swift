/// The text of one trace and the path it was read from.
///
/// Lines are separated by `\n`, `\r\n` or a lone `\r`, as Python reads source
/// files with universal newlines.
public final class SourceFile: Sendable {
    public let path: String
    public let text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
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
