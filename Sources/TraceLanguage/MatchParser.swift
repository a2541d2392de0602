// The parser's `match` statement (PEP 634): `match` and `case` are soft
// keywords; patterns follow CPython 3.11's grammar, with its error texts.

extension TraceParser {
    /// `match SUBJECT: NEWLINE INDENT case...+ DEDENT`.
    func parseMatch() throws -> Stmt {
        let loc = tok.loc
        advance()  // 'match'
        let subject = try parseMatchSubject()
        try expectColon()
        guard isNewline else { throw invalidSyntax() }
        advance()
        guard case .indent = tok.kind else {
            throw fail("expected an indented block after 'match' statement on line \(loc.line)")
        }
        if blockDepth >= Parser.maxNesting { throw tooDeep() }
        blockDepth += 1
        defer { blockDepth -= 1 }
        advance()
        var cases: [MatchCase] = []
        while true {
            if case .dedent = tok.kind {
                advance()
                break
            }
            if isEOF { break }
            guard case .name("case") = tok.kind else { throw invalidSyntax() }
            cases.append(try parseCase())
        }
        try checkReachable(cases)
        return Stmt(.match(subject: subject, cases: cases), loc)
    }

    /// `match a, *b:` is a tuple subject; a single one may be a walrus.
    func parseMatchSubject() throws -> Expr {
        let first = try parseStarOrTest()
        guard isOp(",") else {
            if case .starred = first.kind { throw fail("invalid syntax") }
            return first
        }
        var items = [first]
        while isOp(",") {
            advance()
            if isOp(":") { break }
            items.append(try parseStarOrTest())
        }
        return Expr(.tuple(items), first.loc)
    }

    func parseCase() throws -> MatchCase {
        let loc = tok.loc
        advance()  // 'case'
        let pattern = try parseOpenPatterns()
        var guardExpr: Expr?
        if isKeyword("if") {
            advance()
            guardExpr = try parseNamedExpression()
        }
        try expectColon()
        let body = try parseBlock(after: "'case' statement", line: loc.line)
        var names: [String] = []
        try collectCaptures(pattern, into: &names)
        return MatchCase(pattern: pattern, guardExpr: guardExpr, body: body, loc: loc)
    }

    /// CPython: an irrefutable case (a bare capture or `_`, without a guard) must be the last.
    func checkReachable(_ cases: [MatchCase]) throws {
        for c in cases.dropLast() where c.guardExpr == nil {
            switch c.pattern.kind {
            case .capture(let name?):
                throw error("name capture '\(name)' makes remaining patterns unreachable", at: c.pattern.loc)
            case .capture(nil):
                throw error("wildcard makes remaining patterns unreachable", at: c.pattern.loc)
            default: break
            }
        }
    }

    /// The names a pattern binds, in order; a name bound twice and
    /// alternatives that bind different names are CPython's errors.
    func collectCaptures(_ p: Pattern, into names: inout [String]) throws {
        func add(_ n: String) throws {
            if names.contains(n) { throw error("multiple assignments to name '\(n)' in pattern", at: p.loc) }
            names.append(n)
        }
        switch p.kind {
        case .value, .singleton, .capture(nil), .star(nil): break
        case .capture(let n?), .star(let n?): try add(n)
        case .sequence(let items):
            for i in items { try collectCaptures(i, into: &names) }
        case .mapping(_, let patterns, let rest):
            for i in patterns { try collectCaptures(i, into: &names) }
            if let rest { try add(rest) }
        case .classPattern(_, let positional, let keywords):
            for i in positional { try collectCaptures(i, into: &names) }
            for k in keywords { try collectCaptures(k.pattern, into: &names) }
        case .or(let alternatives):
            var first: [String]?
            for a in alternatives {
                var own: [String] = []
                try collectCaptures(a, into: &own)
                if let first, Set(first) != Set(own) {
                    let odd = own.first { !first.contains($0) }
                    throw error(
                        "alternative patterns bind different names", at: odd.flatMap { captureLoc($0, a) } ?? a.loc)
                }
                if first == nil { first = own }
            }
            for n in first ?? [] { try add(n) }
        case .asPattern(let inner, let n):
            try collectCaptures(inner, into: &names)
            try add(n)
        }
    }

    /// Where `p` binds `name`, if it does.
    func captureLoc(_ name: String, _ p: Pattern) -> SourceLocation? {
        switch p.kind {
        case .capture(name), .star(name): return p.loc
        case .asPattern(let inner, let n): return n == name ? p.loc : captureLoc(name, inner)
        case .sequence(let items), .or(let items): return items.lazy.compactMap { self.captureLoc(name, $0) }.first
        case .mapping(_, let items, let rest):
            return rest == name ? p.loc : items.lazy.compactMap { self.captureLoc(name, $0) }.first
        case .classPattern(_, let positional, let keywords):
            return (positional + keywords.map(\.pattern)).lazy.compactMap { self.captureLoc(name, $0) }.first
        default: return nil
        }
    }

    /// `patterns: open_sequence_pattern | pattern` (a bare `a, b` is a sequence).
    func parseOpenPatterns() throws -> Pattern {
        let loc = tok.loc
        let first = try parseMaybeStarPattern()
        guard isOp(",") else {
            if case .star = first.kind { return Pattern(.sequence([first]), loc) }
            return first
        }
        var items = [first]
        while isOp(",") {
            advance()
            if isOp(":") || isKeyword("if") { break }
            items.append(try parseMaybeStarPattern())
        }
        return Pattern(.sequence(items), loc)
    }

    func parseMaybeStarPattern() throws -> Pattern {
        guard isOp("*") else { return try parsePattern() }
        let loc = tok.loc
        advance()
        let name = try expectName()
        return Pattern(.star(name == "_" ? nil : name), loc)
    }

    /// `or_pattern ['as' NAME]`.
    func parsePattern() throws -> Pattern {
        let p = try parseOrPattern()
        guard isKeyword("as") else { return p }
        advance()
        let nameLoc = tok.loc
        let name = try expectName()
        if name == "_" { throw error("cannot use '_' as a target", at: nameLoc) }
        return Pattern(.asPattern(p, name), p.loc)
    }

    func parseOrPattern() throws -> Pattern {
        let first = try nested { try parseClosedPattern() }
        guard isOp("|") else { return first }
        var alternatives = [first]
        while isOp("|") {
            advance()
            alternatives.append(try nested { try parseClosedPattern() })
        }
        return Pattern(.or(alternatives), first.loc)
    }

    func parseClosedPattern() throws -> Pattern {
        let loc = tok.loc
        switch tok.kind {
        case .keyword("None"), .keyword("True"), .keyword("False"):
            return Pattern(.singleton(try parseAtom()), loc)
        case .int, .float, .op("-"):
            return Pattern(.value(try parseSignedNumber()), loc)
        case .string:
            let e = try parseStrings()
            if case .fstring = e.kind { throw error("patterns may only match literals and attribute lookups", at: loc) }
            return Pattern(.value(e), loc)
        case .name(let n):
            advance()
            var e = Expr(.name(n), loc)
            var dotted = false
            while isOp(".") {
                advance()
                e = Expr(.attribute(e, try expectName()), loc)
                dotted = true
            }
            if isOp("(") { return try parseClassPattern(e, loc) }
            if dotted { return Pattern(.value(e), loc) }
            return Pattern(.capture(n == "_" ? nil : n), loc)
        case .op("("):
            advance()
            if isOp(")") {
                advance()
                return Pattern(.sequence([]), loc)
            }
            let first = try parseMaybeStarPattern()
            if isOp(")") {
                advance()
                if case .star = first.kind { return Pattern(.sequence([first]), loc) }
                return first
            }
            var items = [first]
            while isOp(",") {
                advance()
                if isOp(")") { break }
                items.append(try parseMaybeStarPattern())
            }
            try expectClose(")", after: nil)
            return Pattern(.sequence(items), loc)
        case .op("["):
            advance()
            var items: [Pattern] = []
            while !isOp("]") {
                items.append(try parseMaybeStarPattern())
                if !isOp(",") { break }
                advance()
            }
            try expectClose("]", after: nil)
            return Pattern(.sequence(items), loc)
        case .op("{"):
            return try parseMappingPattern(loc)
        default:
            throw invalidSyntax()
        }
    }

    /// `-1`, `2.5`, `-0.5`: a literal number, negated or not.
    func parseSignedNumber() throws -> Expr {
        let loc = tok.loc
        var negative = false
        if isOp("-") {
            negative = true
            advance()
        }
        switch tok.kind {
        case .int(let v):
            advance()
            return negative ? Expr(.unary(.neg, Expr(.int(v), loc)), loc) : Expr(.int(v), loc)
        case .float(let v):
            advance()
            return negative ? Expr(.unary(.neg, Expr(.float(v), loc)), loc) : Expr(.float(v), loc)
        default:
            throw invalidSyntax()
        }
    }

    func parseMappingPattern(_ loc: SourceLocation) throws -> Pattern {
        advance()  // '{'
        var keys: [Expr] = []
        var patterns: [Pattern] = []
        var rest: String?
        while !isOp("}") {
            if isOp("**") {
                advance()
                let nameLoc = tok.loc
                let n = try expectName()
                if n == "_" { throw error("invalid syntax", at: nameLoc) }
                rest = n
                if isOp(",") { advance() }
                break
            }
            let keyLoc = tok.loc
            let key: Expr
            switch tok.kind {
            case .keyword("None"), .keyword("True"), .keyword("False"): key = try parseAtom()
            case .int, .float, .op("-"): key = try parseSignedNumber()
            case .string: key = try parseStrings()
            case .name:
                var e = Expr(.name(try expectName()), keyLoc)
                guard isOp(".") else { throw invalidSyntax() }
                while isOp(".") {
                    advance()
                    e = Expr(.attribute(e, try expectName()), keyLoc)
                }
                key = e
            default: throw invalidSyntax()
            }
            guard isOp(":") else { throw invalidSyntax() }
            advance()
            keys.append(key)
            patterns.append(try parsePattern())
            if !isOp(",") { break }
            advance()
        }
        try expectClose("}", after: nil)
        return Pattern(.mapping(keys: keys, patterns: patterns, rest: rest), loc)
    }

    func parseClassPattern(_ cls: Expr, _ loc: SourceLocation) throws -> Pattern {
        advance()  // '('
        var positional: [Pattern] = []
        var keywords: [(name: String, pattern: Pattern)] = []
        while !isOp(")") {
            if case .name(let n) = tok.kind, case .op("=") = peekKind(1) {
                advance()
                advance()
                keywords.append((n, try parsePattern()))
            } else {
                let p = try parsePattern()
                if !keywords.isEmpty { throw error("positional patterns follow keyword patterns", at: p.loc) }
                positional.append(p)
            }
            if !isOp(",") { break }
            advance()
        }
        try expectClose(")", after: nil)
        return Pattern(.classPattern(cls: cls, positional: positional, keywords: keywords), loc)
    }
}
