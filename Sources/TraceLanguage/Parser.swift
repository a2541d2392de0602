/// The parser of traces: recursive descent over Python 3.11's grammar,
/// restricted to the subset of TRACE_LANGUAGE.md's "Syntax" section.
///
/// `Parser.parse` reports every syntax error of a file, not only the first
/// as CPython does: after an error it resumes at the next statement of the
/// same block (ParserRecovery.swift). The lexer still stops at its first
/// error, which is then the file's last. Constructs outside the subset are reported at their first
/// token (operators at the operator) as "'async for' is not supported in a trace".
/// Expressions and statement blocks may nest at most 100 levels deep, so that
/// no input can overflow the stack.
public enum Parser {
    /// The deepest nesting of brackets, lambdas, f-string fields (and,
    /// separately, of statement blocks) that a trace may use.
    public static let maxNesting = 100

    /// The tallest tree a trace may make: of an expression (each operator of
    /// a chain such as `1+1+...`, `not not ...`, `x[0][0]...` or `a.b.c...`
    /// is one level, as it is one node of the tree), and of statements (each
    /// indented block, and each `elif` of a chain, is one level). The
    /// compiler, the scope analysis and the tree's deallocation recurse this
    /// deep; CPython 3.11 accepts chains of about 2,900 operators and then
    /// raises RecursionError during compilation.
    public static let maxDepth = 1000

    /// The module; throws its first error alone as a `Diagnostic`, or several as a `DiagnosticList`.
    public static func parse(_ file: SourceFile) throws -> Module {
        let (module, diagnostics) = parseRecovering(file)
        if diagnostics.count == 1 { throw diagnostics[0] }
        if !diagnostics.isEmpty { throw DiagnosticList(diagnostics: diagnostics) }
        return module
    }

    /// The module without the statements that had errors, and the errors in
    /// the order of the file.
    public static func parseRecovering(_ file: SourceFile) -> (Module, [Diagnostic]) {
        let scalars = normalizedScalars(file.text)
        var lexer = Lexer(scalars: scalars, path: file.path)
        var tokens = lexer.tokenize()
        if lexer.bracketOpenAtError {
            // Again, ending each bracket left open where its statement must have ended.
            lexer = Lexer(scalars: scalars, path: file.path)
            lexer.recoversUnclosedBrackets = true
            tokens = lexer.tokenize()
        }
        let parser = TraceParser(path: file.path, scalars: scalars, tokens: tokens, lexError: lexer.error, depth: 0)
        parser.unclosedBrackets = lexer.unclosed
        let module = parser.parseModule()
        if let lexError = lexer.error, !parser.stopped { parser.record(lexError) }
        return (module, parser.diagnostics)
    }
}

final class TraceParser {
    let path: String
    let s: [Unicode.Scalar]
    let tokens: [Token]
    /// The lexer's error, if it stopped early; its token ends `tokens`.
    let lexError: Diagnostic?
    @exclusivity(unchecked) var index = 0
    /// Current nesting of brackets, lambdas and f-string fields.
    @exclusivity(unchecked) var depth: Int
    /// Current nesting of indented blocks.
    @exclusivity(unchecked) var blockDepth = 0
    /// The height of the statement tree at the current statement: blocks,
    /// and the `elif`s of a chain (each one an `if` inside the one before);
    /// at most `Parser.maxDepth`.
    @exclusivity(unchecked) var statementDepth = 0
    /// Loops enclosing the current statement in the current function.
    @exclusivity(unchecked) var loopDepth = 0
    /// The errors found so far, in the order of the file.
    @exclusivity(unchecked) var diagnostics: [Diagnostic] = []
    /// Set once the lexer's error is recorded: the tokens end there.
    @exclusivity(unchecked) var stopped = false
    /// The lexer's brackets never closed, for its `.unclosed` tokens.
    @exclusivity(unchecked) var unclosedBrackets: [Diagnostic] = []

    init(path: String, scalars: [Unicode.Scalar], tokens: [Token], lexError: Diagnostic?, depth: Int) {
        precondition(!tokens.isEmpty, "the lexer always ends with .eof or .error")
        self.path = path
        self.s = scalars
        self.tokens = tokens
        self.lexError = lexError
        self.depth = depth
    }

    // MARK: Tokens

    var tok: Token { tokens[index] }

    func peekKind(_ offset: Int) -> TokenKind {
        tokens[min(index + offset, tokens.count - 1)].kind
    }

    func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    func isOp(_ text: String) -> Bool {
        if case .op(let o) = tok.kind { return o == text }
        return false
    }

    func isKeyword(_ text: String) -> Bool {
        if case .keyword(let k) = tok.kind { return k == text }
        return false
    }

    var isNewline: Bool {
        if case .newline = tok.kind { return true }
        return false
    }

    var isEOF: Bool {
        if case .eof = tok.kind { return true }
        return false
    }

    /// Whether the current token can begin an expression.
    func startsExpression() -> Bool {
        switch tok.kind {
        case .name, .int, .float, .string:
            return true
        case .keyword(let k):
            return ["None", "True", "False", "not", "lambda", "await"].contains(k)
        case .op(let o):
            return ["(", "[", "{", "-", "+", "~", "*", "..."].contains(o)
        default:
            return false
        }
    }

    // MARK: Errors

    /// A diagnostic at `loc`; the lexer's own error when the parser has
    /// reached the token where the lexer stopped.
    func error(_ message: String, at loc: SourceLocation) -> Diagnostic {
        if case .error = tok.kind, let lexError { return lexError }
        if case .unclosed(let i) = tok.kind { return unclosedBrackets[i] }
        return Diagnostic(path: path, loc: loc, message: message)
    }

    func fail(_ message: String) -> Diagnostic {
        error(message, at: tok.loc)
    }

    /// The generic error. Like CPython, an error the tokenizer found at or
    /// before the current token (a bracket never closed, which made the
    /// following lines part of its expression) is more useful than "invalid
    /// syntax", so it wins. A tokenizer error further on is reported after
    /// this one (CPython would report it alone, first).
    func invalidSyntax() -> Diagnostic {
        if let lexError, lexError.loc <= tok.loc { return lexError }
        return fail("invalid syntax")
    }

    /// "WHAT is (are) not supported in a trace; INSTEAD": every construct
    /// outside the subset says what to write instead (or why there is nothing).
    func unsupported(
        _ what: String, plural: Bool = false, at loc: SourceLocation, instead: String
    ) -> Diagnostic {
        error("\(what) \(plural ? "are" : "is") not supported in a trace; \(instead)", at: loc)
    }

    func tooDeep() -> Diagnostic {
        fail("too deeply nested (more than \(Parser.maxNesting) levels)")
    }

    func tooTall(at loc: SourceLocation) -> Diagnostic {
        error("too deeply nested (more than \(Parser.maxDepth) levels)", at: loc)
    }

    /// `e`, or "too deeply nested" at `loc` when its tree is taller than
    /// `Parser.maxDepth`; every node a chain adds passes here, so that a tree
    /// stops growing at the first level past the bound.
    func bounded(_ e: Expr, at loc: SourceLocation) throws -> Expr {
        if e.height > Parser.maxDepth { throw tooTall(at: loc) }
        return e
    }

    /// Runs `body` one nesting level deeper.
    func nested<T>(_ body: () throws -> T) throws -> T {
        if depth >= Parser.maxNesting { throw tooDeep() }
        depth += 1
        defer { depth -= 1 }
        return try body()
    }

    func expectColon() throws {
        if isOp(":") {
            advance()
            return
        }
        if isOp("=") {
            throw fail("invalid syntax. Maybe you meant '==' instead of '='?")
        }
        throw fail("expected ':'")
    }

    /// Consumes the closing bracket `close`, or reports a missing comma after
    /// `last` when another expression follows it directly.
    func expectClose(_ close: String, after last: Expr?) throws {
        if isOp(close) {
            advance()
            return
        }
        if let last, startsExpression(), !isOp("*"), !isOp("-"), !isOp("+") {
            // A bracket never closed before it is the real error (as CPython says).
            if let lexError, lexError.loc <= tok.loc { throw lexError }
            throw error("invalid syntax. Perhaps you forgot a comma?", at: last.loc)
        }
        throw invalidSyntax()
    }

    func expectName() throws -> String {
        guard case .name(let name) = tok.kind else { throw invalidSyntax() }
        advance()
        return name
    }
}
