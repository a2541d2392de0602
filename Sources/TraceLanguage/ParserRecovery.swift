// The parser's error recovery: after an error, the parser records it and
// resumes at the next statement of the same block, so that one run reports
// every syntax error of a file without a cascade of follow-on errors.

extension TraceParser {
    /// Compound statements, whose later clauses (`elif`, `else`, `except`,
    /// `finally`) are skipped with them when their header has an error.
    static let compoundKeywords: Set<String> = ["if", "while", "for", "try", "with", "def", "class", "async"]
    static let clauseKeywords: Set<String> = ["elif", "else", "except", "finally"]

    /// Parses one statement into `body`; on an error, records it and skips
    /// what the statement spans (see `recover(from:compound:)`).
    func parseStatementRecovering(into body: inout [Stmt]) {
        let start = index
        do {
            try parseStatement(into: &body)
        } catch {
            // A bracket the statement's first line left open is the real error.
            var d = error as? Diagnostic ?? Diagnostic(path: path, loc: tokens[start].loc, message: "\(error)")
            var j = start
            scan: while j < tokens.count {
                switch tokens[j].kind {
                case .unclosed(let i):
                    d = unclosedBrackets[i]
                    break scan
                case .newline, .eof, .error:
                    break scan
                default:
                    j += 1
                }
            }
            record(d)
            recover(from: start, compound: startsCompoundStatement(at: start))
        }
    }

    /// Whether the statement at token `start` is compound (only looked at
    /// after an error, so that statements without one pay nothing).
    func startsCompoundStatement(at start: Int) -> Bool {
        switch tokens[start].kind {
        case .keyword(let k): return Self.compoundKeywords.contains(k)
        case .op("@"): return true
        case .name("match"):
            let saved = index
            index = start
            defer { index = saved }
            return looksLikeMatchStatement()
        default: return false
        }
    }

    /// Adds `d` to `diagnostics`. The lexer's error ends the token list, so
    /// once it is recorded nothing more can be parsed.
    func record(_ d: Diagnostic) {
        if stopped { return }
        diagnostics.append(d)
        if let lexError, d.loc == lexError.loc, d.message == lexError.message { stopped = true }
    }

    /// Skips the rest of the statement that began at token `start` and failed
    /// at the current token: the rest of its logical line, then any indented
    /// block below it, until a line at the statement's own indentation (or a
    /// dedent that ends its block). A failed compound statement also takes
    /// its `elif`/`else`/`except`/`finally` clauses with it. Each step
    /// consumes at least one token, so recovery always makes progress.
    func recover(from start: Int, compound: Bool) {
        // How many blocks deeper than the statement's own the parser stands.
        var level = 0
        for t in tokens[start..<index] {
            if case .indent = t.kind { level += 1 }
            if case .dedent = t.kind { level -= 1 }
        }
        level = max(level, 0)
        var atLineStart = false
        if index > start, index > 0 {
            switch tokens[index - 1].kind {
            case .newline, .indent, .dedent: atLineStart = true
            default: break
            }
        }
        if case .indent = tok.kind { atLineStart = true }
        if !atLineStart && !skipLine() { return }
        while true {
            switch tok.kind {
            case .indent:
                level += 1
                advance()
            case .dedent:
                if level == 0 { return }
                level -= 1
                advance()
            case .eof:
                return
            case .error:
                reachedLexError()
                return
            case .keyword(let k) where level == 0 && compound && Self.clauseKeywords.contains(k):
                if !skipLine() { return }
            default:
                if level == 0 { return }
                if !skipLine() { return }
            }
        }
    }

    /// Skips to just past the end of the current logical line; false when the
    /// tokens ended first.
    private func skipLine() -> Bool {
        while true {
            switch tok.kind {
            case .newline:
                advance()
                return true
            case .eof:
                return false
            case .error:
                reachedLexError()
                return false
            default:
                advance()
            }
        }
    }

    /// Recovery ran into the lexer's error, where the tokens end: it is the last error.
    private func reachedLexError() {
        if let lexError { record(lexError) }
        stopped = true
    }
}
