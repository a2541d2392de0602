import Foundation
import TraceLanguage

/// The text of the call at a draw's position (`asyncio.sleep(0.05)` for
/// `await asyncio.sleep(0.05)`), read from the trace's source or a module's,
/// for the words of a perturbation.
package enum SourceCall {
    /// The longest call text shown; a longer one is cut with `…`.
    static let maxLength = 60

    /// The call at `line`:`column` (1-based; a line above bit 24 carries a
    /// module's ordinal, as `World.tracePosition` makes them), in `sources`
    /// (the trace's file, then its modules' in load order). Nil when the
    /// position holds no call (an `await` of a future, a position out of the text).
    package static func text(line: Int, column: Int, in sources: [SourceFile]) -> String? {
        let ordinal = line >> 24
        guard ordinal < sources.count else { return nil }
        let chars = Array(sources[ordinal].lineText(line & 0xFF_FFFF))
        var i = column - 1
        guard i >= 0, i < chars.count else { return nil }
        if String(chars[i..<min(chars.count, i + 6)]) == "await " {
            i += 6
            while i < chars.count, chars[i] == " " { i += 1 }
        }
        let start = i
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "." { i += 1 }
        guard i > start, i < chars.count, chars[i] == "(" else { return nil }
        guard let end = closing(chars, from: i) else { return nil }
        let call = String(chars[start...end])
        return call.count > maxLength ? String(call.prefix(maxLength - 1)) + "…" : call
    }

    /// The index of the `)` that closes the `(` at `open`, skipping strings; nil when the line ends first.
    private static func closing(_ chars: [Character], from open: Int) -> Int? {
        var depth = 0
        var quote: Character?
        var i = open
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\" {
                    i += 1
                } else if c == q {
                    quote = nil
                }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" || c == "[" || c == "{" {
                depth += 1
            } else if c == ")" || c == "]" || c == "}" {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }
}
