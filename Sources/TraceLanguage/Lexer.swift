/// The tokenizer of traces: Python 3.11's rules for the subset vloop reads.
///
/// The lexer works on an array of Unicode scalars in which every line ending
/// (`\r\n`, `\r`) has become `\n`, so columns count scalars. It tokenizes the
/// whole input at once; the first error it meets ends the token list with an
/// `.error` token, which the parser reports only when it reaches it (or when
/// it would otherwise report a generic "invalid syntax"), as CPython does.

/// A string literal as written: its prefix, where its content lies in the
/// scalar array, and (for plain strings and bytes) the decoded value.
struct StringLiteralToken {
    var isBytes: Bool
    var isRaw: Bool
    var isFormat: Bool
    /// The quote character and whether it was tripled.
    var quote: Unicode.Scalar
    var isTriple: Bool
    /// Content range in the scalar array (between the quotes).
    var contentStart: Int
    var contentEnd: Int
    var contentLoc: SourceLocation
    /// The decoded value of a non-f string (scalars) or bytes literal (0...255).
    var value: [UInt32]
}

enum TokenKind {
    case name(String)
    case keyword(String)
    case op(String)
    case int(Int64)
    case float(Double)
    case string(StringLiteralToken)
    case newline
    case indent
    case dedent
    case eof
    /// The lexer stopped here; the parser reports the lexer's diagnostic.
    case error
    /// A bracket left open ended here, before a line that cannot continue
    /// its expression (`Lexer.recoversUnclosedBrackets`); the parser reports
    /// the lexer's `unclosed[i]` for the statement that has it.
    case unclosed(Int)
}

struct Token {
    var kind: TokenKind
    var loc: SourceLocation
}

/// Python 3.11's hard keywords.
let pythonKeywords: Set<String> = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break",
    "class", "continue", "def", "del", "elif", "else", "except", "finally",
    "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
]

/// Converts text to the scalar array the lexer reads: line endings become
/// `\n` and a leading byte-order mark is dropped.
func normalizedScalars(_ text: String) -> [Unicode.Scalar] {
    var out: [Unicode.Scalar] = []
    out.reserveCapacity(text.utf8.count)
    var previousWasCR = false
    for scalar in text.unicodeScalars {
        if scalar == "\r" {
            out.append("\n")
            previousWasCR = true
            continue
        }
        if scalar == "\n" && previousWasCR {
            previousWasCR = false
            continue
        }
        previousWasCR = false
        out.append(scalar)
    }
    if out.first == "\u{FEFF}" { out.removeFirst() }
    return out
}

struct Lexer {
    enum Mode {
        /// A whole trace: NEWLINE, INDENT and DEDENT tokens.
        case file
        /// The expression of an f-string field: as if inside brackets.
        case fieldExpression
    }

    let s: [Unicode.Scalar]
    let path: String
    let mode: Mode
    private(set) var pos: Int
    let end: Int
    /// 1-based line of `pos`; the column of `pos` is `pos - lineStart + 1`.
    private(set) var line: Int
    private(set) var lineStart: Int

    private(set) var tokens: [Token] = []
    private(set) var error: Diagnostic?
    /// Set when a bracket was open where the lexer stopped (a bracket never
    /// closed, or another error after it, which the bracket may have hidden).
    private(set) var bracketOpenAtError = false
    /// When set, a bracket still open at the start of a line indented less
    /// than the statement that opened it, at one of the enclosing blocks'
    /// indentations, or indented as much or less when that line starts with a
    /// keyword that only begins a statement (`def`, `return`...), is taken as never closed: the error goes to `unclosed`,
    /// an `.unclosed` token and a NEWLINE end the statement, and the lexer
    /// goes on. Valid code never has such a line, but may indent a
    /// continuation line less than its statement, so this is only used on a
    /// file whose first tokenization stopped with a bracket open.
    var recoversUnclosedBrackets = false
    /// The brackets found never closed, in order (with `recoversUnclosedBrackets`).
    private(set) var unclosed: [Diagnostic] = []

    private var indents: [Int] = [0]
    private var altIndents: [Int] = [0]
    private var brackets: [(scalar: Unicode.Scalar, loc: SourceLocation)] = []
    private var atLineStart = true
    private var lineHasTokens = false
    private var lastNewlineLoc: SourceLocation?

    init(scalars: [Unicode.Scalar], path: String) {
        self.s = scalars
        self.path = path
        self.mode = .file
        self.pos = 0
        self.end = scalars.count
        self.line = 1
        self.lineStart = 0
    }

    /// A lexer for `scalars[start..<end]`, which begins at `loc`.
    init(scalars: [Unicode.Scalar], path: String, fieldFrom start: Int, to end: Int, loc: SourceLocation) {
        self.s = scalars
        self.path = path
        self.mode = .fieldExpression
        self.pos = start
        self.end = end
        self.line = loc.line
        self.lineStart = start - (loc.column - 1)
        self.atLineStart = false
    }

    var here: SourceLocation { SourceLocation(line: line, column: pos - lineStart + 1) }

    /// Tokenizes everything; the result ends with `.eof` or `.error`.
    mutating func tokenize() -> [Token] {
        do {
            try run()
        } catch let diagnostic as Diagnostic {
            error = diagnostic
            bracketOpenAtError = !brackets.isEmpty
            tokens.append(Token(kind: .error, loc: diagnostic.loc))
        } catch {
            preconditionFailure("the lexer throws only diagnostics")
        }
        return tokens
    }

    private func fail(_ message: String, at loc: SourceLocation) -> Diagnostic {
        Diagnostic(path: path, loc: loc, message: message)
    }

    private mutating func emit(_ kind: TokenKind, _ loc: SourceLocation) {
        tokens.append(Token(kind: kind, loc: loc))
        lineHasTokens = true
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = pos + offset
        return i < end ? s[i] : nil
    }

    /// Steps over a `\n` at `pos`.
    private mutating func consumeNewline() {
        pos += 1
        line += 1
        lineStart = pos
    }

    private mutating func run() throws {
        while true {
            if atLineStart && brackets.isEmpty && mode == .file {
                if try !readIndentation() { break }
            }
            // Whitespace between tokens.
            while let c = peek(), c == " " || c == "\t" || c == "\u{0C}" { pos += 1 }
            guard let c = peek() else { break }
            let loc = here

            if c == "#" {
                while let c = peek(), c != "\n" { pos += 1 }
                continue
            }
            if c == "\n" {
                if brackets.isEmpty && mode == .file {
                    if lineHasTokens {
                        tokens.append(Token(kind: .newline, loc: loc))
                        lastNewlineLoc = loc
                    }
                    lineHasTokens = false
                    atLineStart = true
                }
                consumeNewline()
                if recoversUnclosedBrackets && !brackets.isEmpty && mode == .file { endBracketsLeftOpen() }
                continue
            }
            if c == "\\" {
                guard let next = peek(1) else {
                    throw fail("unexpected EOF while parsing", at: loc)
                }
                guard next == "\n" else {
                    throw fail("unexpected character after line continuation character", at: loc)
                }
                pos += 1
                consumeNewline()
                continue
            }
            if isIdentifierStart(c) {
                try lexNameOrString()
                continue
            }
            if isDigit(c) || (c == "." && peek(1).map(isDigit) == true) {
                try lexNumber()
                continue
            }
            if c == "'" || c == "\"" {
                try lexString(tokenStart: loc, prefix: "")
                continue
            }
            try lexOperator()
        }
        try finish()
    }

    /// Measures the indentation of a new line and emits INDENT/DEDENT tokens.
    /// Blank and comment-only lines are skipped. Returns false at the end of
    /// the input.
    private mutating func readIndentation() throws -> Bool {
        while true {
            var col = 0
            var altCol = 0
            while let c = peek() {
                if c == " " {
                    col += 1
                    altCol += 1
                } else if c == "\t" {
                    col = (col / 8 + 1) * 8
                    altCol += 1
                } else if c == "\u{0C}" {
                    col = 0
                    altCol = 0
                } else {
                    break
                }
                pos += 1
            }
            guard let c = peek() else { return false }
            if c == "#" {
                while let c = peek(), c != "\n" { pos += 1 }
                if peek() == nil { return false }
                consumeNewline()
                continue
            }
            if c == "\n" {
                consumeNewline()
                continue
            }
            atLineStart = false
            let loc = here
            let tabError = "inconsistent use of tabs and spaces in indentation"
            let top = indents[indents.count - 1]
            let altTop = altIndents[altIndents.count - 1]
            if col == top {
                if altCol != altTop { throw fail(tabError, at: loc) }
            } else if col > top {
                if altCol <= altTop { throw fail(tabError, at: loc) }
                indents.append(col)
                altIndents.append(altCol)
                tokens.append(Token(kind: .indent, loc: loc))
            } else {
                while indents.count > 1 && col < indents[indents.count - 1] {
                    indents.removeLast()
                    altIndents.removeLast()
                    tokens.append(Token(kind: .dedent, loc: loc))
                }
                if col != indents[indents.count - 1] {
                    throw fail("unindent does not match any outer indentation level", at: loc)
                }
                if altCol != altIndents[altIndents.count - 1] { throw fail(tabError, at: loc) }
            }
            return true
        }
    }

    private mutating func finish() throws {
        if mode == .fieldExpression {
            emit(.eof, here)
            return
        }
        if let open = brackets.last {
            throw fail("'\(open.scalar)' was never closed", at: open.loc)
        }
        if lineHasTokens {
            let loc = here
            tokens.append(Token(kind: .newline, loc: loc))
            lastNewlineLoc = loc
        }
        let endLoc = lastNewlineLoc ?? here
        for _ in 1..<indents.count {
            tokens.append(Token(kind: .dedent, loc: endLoc))
        }
        tokens.append(Token(kind: .eof, loc: endLoc))
    }

    // MARK: Names

    private mutating func lexNameOrString() throws {
        let start = pos
        let loc = here
        pos += 1
        while let c = peek(), isIdentifierContinue(c) { pos += 1 }
        if let q = peek(), q == "'" || q == "\"", pos - start <= 2 {
            let prefix = makeString(s, from: start, to: pos)
            if ["r", "u", "b", "f", "br", "rb", "fr", "rf"].contains(prefix.lowercased()) {
                try lexString(tokenStart: loc, prefix: prefix.lowercased())
                return
            }
        }
        let name = makeString(s, from: start, to: pos)
        emit(pythonKeywords.contains(name) ? .keyword(name) : .name(name), loc)
    }

    // MARK: Numbers

    private mutating func lexNumber() throws {
        let start = pos
        let loc = here
        var text = ""  // the literal without underscores, for floats
        var isFloat = false

        // Reads digits of `radix` separated by single underscores; returns how many.
        func readDigits(
            _ lexer: inout Lexer, radix: UInt32, into value: inout UInt64, overflow: inout Bool, text: inout String,
            literalName: String
        ) throws -> Int {
            var count = 0
            while let c = lexer.peek() {
                if c == "_" {
                    guard let next = lexer.peek(1), digitValue(next).map({ $0 < radix }) == true else {
                        throw lexer.fail("invalid \(literalName) literal", at: loc)
                    }
                    lexer.pos += 1
                    continue
                }
                guard let d = digitValue(c), d < radix else { break }
                count += 1
                text.unicodeScalars.append(c)
                let (m, o1) = value.multipliedReportingOverflow(by: UInt64(radix))
                let (a, o2) = m.addingReportingOverflow(UInt64(d))
                if o1 || o2 { overflow = true } else { value = a }
                lexer.pos += 1
            }
            return count
        }

        var value: UInt64 = 0
        var overflow = false
        if s[pos] == "0", let x = peek(1), "xXoObB".unicodeScalars.contains(x) {
            let lower = Character(x).lowercased()
            let (radix, name): (UInt32, String) =
                lower == "x" ? (16, "hexadecimal") : lower == "o" ? (8, "octal") : (2, "binary")
            pos += 2
            if peek() == "_" { pos += 1 }
            let count = try readDigits(
                &self, radix: radix, into: &value, overflow: &overflow, text: &text, literalName: name)
            if let c = peek(), isDigit(c) {
                throw fail("invalid digit '\(c)' in \(name) literal", at: here)
            }
            if count == 0 { throw fail("invalid \(name) literal", at: here) }
            try checkEndOfNumber(literal: name, loc: loc)
            return try emitInt(value, overflow: overflow, loc: loc)
        }

        var integerDigits = 0
        if s[pos] != "." {
            integerDigits = try readDigits(
                &self, radix: 10, into: &value, overflow: &overflow, text: &text, literalName: "decimal")
        }
        if peek() == "." {
            isFloat = true
            text += "."
            pos += 1
            var ignored: UInt64 = 0
            var ignoredOverflow = false
            if let c = peek(), isDigit(c) {
                _ = try readDigits(
                    &self, radix: 10, into: &ignored, overflow: &ignoredOverflow, text: &text, literalName: "decimal")
            } else {
                text += "0"
            }
        }
        if let e = peek(), e == "e" || e == "E" {
            let afterSign = (peek(1) == "+" || peek(1) == "-") ? 2 : 1
            if let d = peek(afterSign), isDigit(d) {
                isFloat = true
                text += "e"
                if afterSign == 2, let sign = peek(1) { text.unicodeScalars.append(sign) }
                pos += afterSign
                var ignored: UInt64 = 0
                var ignoredOverflow = false
                _ = try readDigits(
                    &self, radix: 10, into: &ignored, overflow: &ignoredOverflow, text: &text, literalName: "decimal")
            } else {
                throw fail("invalid decimal literal", at: loc)
            }
        }
        if let j = peek(), j == "j" || j == "J" {
            throw fail(
                "complex literals ('\(makeString(s, from: start, to: pos + 1))') are not supported in a trace; "
                    + "vloop has no complex numbers: keep the real and imaginary parts as two floats", at: loc)
        }
        try checkEndOfNumber(literal: "decimal", loc: loc)
        if isFloat {
            if text.hasPrefix(".") { text = "0" + text }
            guard let d = Double(text) else { throw fail("invalid decimal literal", at: loc) }
            emit(.float(d), loc)
            return
        }
        // Leading zeros: only "0", "00", "0_0" ... are allowed.
        if integerDigits > 1 && s[start] == "0" && value != 0 {
            throw fail(
                "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                at: loc)
        }
        try emitInt(value, overflow: overflow, loc: loc)
    }

    /// A number may be followed directly by a few keywords (`1if x else 2`),
    /// but not by other name characters.
    private mutating func checkEndOfNumber(literal: String, loc: SourceLocation) throws {
        guard let c = peek(), isIdentifierContinue(c) else { return }
        var word = ""
        var i = pos
        while i < end, isIdentifierContinue(s[i]), word.unicodeScalars.count < 9 {
            word.unicodeScalars.append(s[i])
            i += 1
        }
        if ["and", "else", "for", "if", "in", "is", "not", "or"].contains(word) { return }
        throw fail("invalid \(literal) literal", at: loc)
    }

    private mutating func emitInt(_ value: UInt64, overflow: Bool, loc: SourceLocation) throws {
        guard !overflow, value <= UInt64(Int64.max) else {
            throw fail("integer literal is too large (vloop's ints are 64-bit)", at: loc)
        }
        emit(.int(Int64(value)), loc)
    }

    // MARK: Strings

    /// Lexes a string literal whose opening quote is at `pos`.
    private mutating func lexString(tokenStart: SourceLocation, prefix: String) throws {
        let quote = s[pos]
        let isTriple = peek(1) == quote && peek(2) == quote
        pos += isTriple ? 3 : 1
        let contentStart = pos
        let contentLoc = here
        var contentEnd = pos
        while true {
            guard let c = peek() else {
                // Like CPython, the last line is the last one with text on it.
                let detected = pos == lineStart && line > tokenStart.line ? line - 1 : line
                if isTriple {
                    throw fail(
                        "unterminated triple-quoted string literal (detected at line \(detected))", at: tokenStart)
                }
                throw fail("unterminated string literal (detected at line \(detected))", at: tokenStart)
            }
            if c == "\\" {
                pos += 1
                if let next = peek() {
                    if next == "\n" { consumeNewline() } else { pos += 1 }
                }
                continue
            }
            if c == "\n" {
                if !isTriple {
                    throw fail("unterminated string literal (detected at line \(line))", at: tokenStart)
                }
                consumeNewline()
                continue
            }
            if c == quote {
                if !isTriple {
                    contentEnd = pos
                    pos += 1
                    break
                }
                if peek(1) == quote && peek(2) == quote {
                    contentEnd = pos
                    pos += 3
                    break
                }
            }
            pos += 1
        }
        var literal = StringLiteralToken(
            isBytes: prefix.contains("b"), isRaw: prefix.contains("r"), isFormat: prefix.contains("f"),
            quote: quote, isTriple: isTriple,
            contentStart: contentStart, contentEnd: contentEnd, contentLoc: contentLoc, value: [])
        if literal.isBytes {
            for i in contentStart..<contentEnd where s[i].value >= 128 {
                throw fail("bytes can only contain ASCII literal characters", at: tokenStart)
            }
        }
        if !literal.isFormat {
            literal.value = try decodeStringContent(
                s, from: contentStart, to: contentEnd, startLoc: contentLoc,
                isBytes: literal.isBytes, isRaw: literal.isRaw, path: path)
        }
        emit(.string(literal), tokenStart)
    }

    // MARK: Operators

    private static let operators1: Set<Unicode.Scalar> = [
        "!", "%", "&", "(", ")", "*", "+", ",", "-", ".", "/", ":", ";", "<", "=", ">",
        "@", "[", "]", "^", "{", "|", "}", "~",
    ]

    /// The longest operator at `pos` of two or three characters, if any.
    private func longOperator() -> String? {
        let c = s[pos]
        guard let c1 = peek(1) else { return nil }
        let c2 = peek(2)
        switch (c, c1) {
        case ("*", "*"): return c2 == "=" ? "**=" : "**"
        case ("/", "/"): return c2 == "=" ? "//=" : "//"
        case (">", ">"): return c2 == "=" ? ">>=" : ">>"
        case ("<", "<"): return c2 == "=" ? "<<=" : "<<"
        case (".", "."): return c2 == "." ? "..." : nil
        case ("-", ">"): return "->"
        case (_, "="):
            switch c {
            case "!", "%", "&", "*", "+", "-", "/", ":", "<", "=", ">", "@", "^", "|":
                return String(Character(c)) + "="
            default:
                return nil
            }
        default:
            return nil
        }
    }

    private mutating func lexOperator() throws {
        let loc = here
        let c = s[pos]
        if let long = longOperator() {
            pos += long.unicodeScalars.count
            emit(.op(long), loc)
            return
        }
        guard Lexer.operators1.contains(c) else {
            throw fail(invalidCharacterMessage(c), at: loc)
        }
        pos += 1
        switch c {
        case "(", "[", "{":
            brackets.append((c, loc))
        case ")", "]", "}":
            guard let open = brackets.popLast() else {
                if mode == .fieldExpression {
                    throw fail("f-string: unmatched '\(c)'", at: loc)
                }
                throw fail("unmatched '\(c)'", at: loc)
            }
            let expected: Unicode.Scalar = open.scalar == "(" ? ")" : open.scalar == "[" ? "]" : "}"
            if c != expected {
                var message = "closing parenthesis '\(c)' does not match opening parenthesis '\(open.scalar)'"
                if open.loc.line != loc.line { message += " on line \(open.loc.line)" }
                throw fail(message, at: loc)
            }
        default:
            break
        }
        emit(.op(String(Character(c))), loc)
    }
}

extension Lexer {
    /// The keywords that can only begin a statement: a line inside brackets
    /// cannot start with one.
    static let statementKeywords: Set<String> = [
        "def", "class", "return", "import", "raise", "pass", "break", "continue", "global", "nonlocal", "del",
        "assert", "try", "except", "finally", "while", "with", "elif",
    ]

    /// At the start of a line inside brackets: when the line cannot continue
    /// the bracketed expression (see `recoversUnclosedBrackets`), records the
    /// innermost bracket as never closed and ends the statement there.
    fileprivate mutating func endBracketsLeftOpen() {
        var i = pos
        var col = 0
        while i < end && (s[i] == " " || s[i] == "\t") {
            col = s[i] == "\t" ? (col / 8 + 1) * 8 : col + 1
            i += 1
        }
        guard i < end, let open = brackets.last else { return }
        let c = s[i]
        if c == "\n" || c == "#" || c == ")" || c == "]" || c == "}" || c == "\\" { return }
        let current = indents[indents.count - 1]
        var word = String.UnicodeScalarView()
        var j = i
        while j < end && isIdentifierContinue(s[j]) {
            word.append(s[j])
            j += 1
        }
        let startsStatement = Lexer.statementKeywords.contains(String(word))
        guard (col < current && indents.contains(col)) || (col <= current && startsStatement) else { return }
        unclosed.append(Diagnostic(path: path, loc: open.loc, message: "'\(open.scalar)' was never closed"))
        let loc = SourceLocation(line: line - 1, column: 1)
        tokens.append(Token(kind: .unclosed(unclosed.count - 1), loc: open.loc))
        tokens.append(Token(kind: .newline, loc: loc))
        lastNewlineLoc = loc
        brackets.removeAll()
        lineHasTokens = false
        atLineStart = true
    }
}

// MARK: Character classes

func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

func digitValue(_ c: Unicode.Scalar) -> UInt32? {
    switch c {
    case "0"..."9": return c.value - 48
    case "a"..."f": return c.value - 97 + 10
    case "A"..."F": return c.value - 65 + 10
    default: return nil
    }
}

func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII {
        return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
    return c.properties.isXIDStart
}

func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII {
        return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || isDigit(c)
    }
    return c.properties.isXIDContinue
}

/// "invalid character '€' (U+20AC)", with `\u{…}` for characters that cannot
/// be shown.
func invalidCharacterMessage(_ c: Unicode.Scalar) -> String {
    let hex = String(c.value, radix: 16, uppercase: true)
    let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    let shown: String
    switch c.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned,
        .lineSeparator, .paragraphSeparator, .spaceSeparator:
        shown = "\\u{\(hex)}"
    default:
        shown = String(Character(c))
    }
    return "invalid character '\(shown)' (U+\(padded))"
}

// MARK: Escapes

/// The location of scalar `index`, counting from `start`, which is at `startLoc`.
func location(of index: Int, in s: [Unicode.Scalar], from start: Int, at startLoc: SourceLocation) -> SourceLocation {
    var loc = startLoc
    var i = start
    while i < index && i < s.count {
        if s[i] == "\n" {
            loc.line += 1
            loc.column = 1
        } else {
            loc.column += 1
        }
        i += 1
    }
    return loc
}

/// Decodes the content of a string or bytes literal (or one literal piece of
/// an f-string) with Python's escape rules. Returns scalar values; for bytes,
/// values in 0...255. Unknown escapes keep their backslash, as in Python.
func decodeStringContent(
    _ s: [Unicode.Scalar], from start: Int, to end: Int, startLoc: SourceLocation,
    isBytes: Bool, isRaw: Bool, path: String
) throws -> [UInt32] {
    var out: [UInt32] = []
    out.reserveCapacity(end - start)
    if isRaw {
        for i in start..<end { out.append(s[i].value) }
        return out
    }
    func fail(_ message: String, _ index: Int) -> Diagnostic {
        Diagnostic(path: path, loc: location(of: index, in: s, from: start, at: startLoc), message: message)
    }
    func hex(_ from: Int, _ count: Int) -> UInt32? {
        guard from + count <= end else { return nil }
        var v: UInt32 = 0
        for i in from..<(from + count) {
            guard let d = digitValue(s[i]), d < 16 else { return nil }
            v = v * 16 + d
        }
        return v
    }
    var i = start
    while i < end {
        let c = s[i]
        guard c == "\\", i + 1 < end else {
            out.append(c.value)
            i += 1
            continue
        }
        let e = s[i + 1]
        i += 2
        switch e {
        case "\n": break
        case "\\": out.append(0x5C)
        case "'": out.append(0x27)
        case "\"": out.append(0x22)
        case "a": out.append(7)
        case "b": out.append(8)
        case "f": out.append(12)
        case "n": out.append(10)
        case "r": out.append(13)
        case "t": out.append(9)
        case "v": out.append(11)
        case "0"..."7":
            var v = e.value - 48
            var digits = 1
            while digits < 3, i < end, s[i] >= "0", s[i] <= "7" {
                v = v * 8 + (s[i].value - 48)
                i += 1
                digits += 1
            }
            out.append(isBytes ? v & 0xFF : v)
        case "x":
            guard let v = hex(i, 2) else {
                throw fail("invalid escape '\\x': it needs exactly two hex digits (truncated \\xXX escape)", i - 2)
            }
            out.append(v)
            i += 2
        case "u" where !isBytes, "U" where !isBytes:
            let count = e == "u" ? 4 : 8
            guard let v = hex(i, count) else {
                throw fail(
                    "invalid escape '\\\(e)': it needs exactly \(count) hex digits (truncated \\\(e)\(String(repeating: "X", count: count)) escape)",
                    i - 2)
            }
            guard v <= 0x10FFFF else {
                throw fail(
                    "invalid escape '\\\(e)': U+\(String(v, radix: 16, uppercase: true)) is not a Unicode character",
                    i - 2)
            }
            // Lone surrogates cannot live in a Swift string.
            out.append((0xD800...0xDFFF).contains(v) ? 0xFFFD : v)
            i += count
        case "N" where !isBytes:
            throw fail(
                "named Unicode escapes ('\\N{...}') are not supported in a trace; use '\\u' with the code point", i - 2)
        default:
            out.append(0x5C)
            out.append(e.value)
        }
    }
    return out
}

/// `s[start..<end]` as a String, fast for ASCII.
func makeString(_ s: [Unicode.Scalar], from start: Int, to end: Int) -> String {
    if s[start..<end].allSatisfy({ $0.isASCII }) {
        return String(unsafeUninitializedCapacity: end - start) { buffer in
            for i in start..<end { buffer[i - start] = UInt8(truncatingIfNeeded: s[i].value) }
            return end - start
        }
    }
    var view = String.UnicodeScalarView()
    for i in start..<end { view.append(s[i]) }
    return String(view)
}

func stringFromScalarValues(_ values: [UInt32]) -> String {
    var view = String.UnicodeScalarView()
    for v in values {
        view.append(Unicode.Scalar(v) ?? "\u{FFFD}")
    }
    return String(view)
}
