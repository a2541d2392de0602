// The parser's expressions, by precedence from conditional expressions
// and lambdas down to atoms, displays and comprehensions.

extension TraceParser {
    func parseStarExpressionsOrYield() throws -> Expr {
        if isKeyword("yield") { return try parseYield() }
        return try parseStarExpressions()
    }

    /// `yield`, `yield x`, `yield a, b`, `yield from x`.
    func parseYield() throws -> Expr {
        let loc = tok.loc
        advance()
        if isKeyword("from") {
            advance()
            return Expr(.yieldFrom(try parseTest()), loc)
        }
        if startsExpression() {
            return Expr(.yield(try parseStarExpressions()), loc)
        }
        return Expr(.yield(nil), loc)
    }

    /// An expression, or a tuple of them without parentheses (`a, b`).
    func parseStarExpressions() throws -> Expr {
        let first = try parseStarOrTest(allowNamed: false)
        guard isOp(",") else { return first }
        var items = [first]
        while isOp(",") {
            advance()
            guard startsExpression() else { break }
            items.append(try parseStarOrTest(allowNamed: false))
        }
        return Expr(.tuple(items), first.loc)
    }

    /// An expression, a starred one (`*xs`, in displays and targets), or a
    /// walrus (`(n := f())`, where the caller allows one).
    func parseStarOrTest(allowNamed: Bool = true) throws -> Expr {
        if isOp("*") {
            let loc = tok.loc
            advance()
            return Expr(.starred(try parseBitwise()), loc)
        }
        return allowNamed ? try parseNamedExpression() : try parseTest()
    }

    /// `NAME := test`, or a plain test (CPython's `named_expression`).
    func parseNamedExpression() throws -> Expr {
        let e = try parseTest(allowWalrus: true)
        guard isOp(":=") else { return e }
        let opLoc = tok.loc
        guard case .name(let n) = e.kind else {
            switch e.kind {
            case .attribute: throw error("cannot use assignment expressions with attribute", at: e.loc)
            case .subscript: throw error("cannot use assignment expressions with subscript", at: e.loc)
            case .tuple: throw error("cannot use assignment expressions with tuple", at: e.loc)
            default: throw error("cannot use assignment expressions with \(describeForAssignment(e))", at: e.loc)
            }
        }
        _ = opLoc
        advance()
        let value = try parseTest()
        return Expr(.namedExpr(n, value), e.loc)
    }

    func starredError() -> Diagnostic {
        // A '=' later on the logical line means the star is in a target.
        var j = index
        var level = 0
        scan: while j < tokens.count {
            switch tokens[j].kind {
            case .newline, .eof, .error, .op(";"):
                break scan
            case .op("("), .op("["), .op("{"):
                level += 1
            case .op(")"), .op("]"), .op("}"):
                level -= 1
            case .op("=") where level <= 0:
                return unsupported(
                    "starred assignment targets ('*name')", plural: true, at: tok.loc,
                    instead: "slice instead: first, rest = items[0], items[1:]")
            default:
                break
            }
            j += 1
        }
        return unsupported(
            "starred expressions ('*x')", plural: true, at: tok.loc,
            instead: "build the sequence with +: (a,) + tuple(rest), [a] + list(rest)")
    }

    /// `lambda`, or a conditional chain `a if c else b if d else e`, read
    /// iteratively.
    func parseTest(allowWalrus: Bool = false) throws -> Expr {
        if isKeyword("lambda") { return try parseLambda() }
        var current = try parseOrTest()
        var chain: [(body: Expr, test: Expr)] = []
        while isKeyword("if") {
            advance()
            let test = try parseOrTest()
            guard isKeyword("else") else {
                throw error("expected 'else' after 'if' expression", at: current.loc)
            }
            advance()
            chain.append((current, test))
            if isKeyword("lambda") {
                current = try parseLambda()
                break
            }
            current = try parseOrTest()
        }
        for (body, test) in chain.reversed() {
            current = try bounded(Expr(.conditional(test: test, body: body, orElse: current), body.loc), at: body.loc)
        }
        if isOp(":=") && !allowWalrus { throw invalidSyntax() }
        return current
    }

    func parseLambda() throws -> Expr {
        let loc = tok.loc
        return try nested {
            advance()
            let parameters = try parseParameters(closing: ":", allowAnnotations: false)
            let body = try parseTest()
            return try bounded(Expr(.lambda(parameters, body), loc), at: loc)
        }
    }

    func parseOrTest() throws -> Expr {
        var left = try parseAndTest()
        while isKeyword("or") {
            let opLoc = tok.loc
            advance()
            left = try bounded(Expr(.or(left, try parseAndTest()), left.loc), at: opLoc)
        }
        return left
    }

    func parseAndTest() throws -> Expr {
        var left = try parseNotTest()
        while isKeyword("and") {
            let opLoc = tok.loc
            advance()
            left = try bounded(Expr(.and(left, try parseNotTest()), left.loc), at: opLoc)
        }
        return left
    }

    func parseNotTest() throws -> Expr {
        var nots: [SourceLocation] = []
        while isKeyword("not") {
            if nots.count >= Parser.maxDepth { throw tooTall(at: tok.loc) }
            nots.append(tok.loc)
            advance()
        }
        var e = try parseComparison()
        for loc in nots.reversed() { e = try bounded(Expr(.unary(.not, e), loc), at: loc) }
        return e
    }

    func parseComparison() throws -> Expr {
        let first = try parseBitwise()
        var rest: [(CompareOp, Expr)] = []
        while let op = comparisonOperator() {
            rest.append((op, try parseBitwise()))
        }
        return rest.isEmpty ? first : try bounded(Expr(.compare(first, rest), first.loc), at: first.loc)
    }

    /// Consumes and returns a comparison operator, if one is next.
    func comparisonOperator() -> CompareOp? {
        let op: CompareOp
        switch tok.kind {
        case .op("=="): op = .eq
        case .op("!="): op = .ne
        case .op("<"): op = .lt
        case .op("<="): op = .le
        case .op(">"): op = .gt
        case .op(">="): op = .ge
        case .keyword("in"): op = .in
        case .keyword("not"):
            guard case .keyword("in") = peekKind(1) else { return nil }
            advance()
            op = .notIn
        case .keyword("is"):
            if case .keyword("not") = peekKind(1) {
                advance()
                op = .isNot
            } else {
                op = .is
            }
        default:
            return nil
        }
        advance()
        return op
    }

    /// `|`, `^` and `&` (Python's precedence, loosest first), for sets and ints.
    func parseBitwise() throws -> Expr {
        try parseBinaryLevel([("|", .bitOr), ("^", .bitXor), ("&", .bitAnd)][...])
    }

    func parseBinaryLevel(_ levels: ArraySlice<(String, BinaryOp)>) throws -> Expr {
        guard let (symbol, op) = levels.first else { return try parseShift() }
        var left = try parseBinaryLevel(levels.dropFirst())
        while isOp(symbol) {
            let opLoc = tok.loc
            advance()
            left = try bounded(Expr(.binary(op, left, try parseBinaryLevel(levels.dropFirst())), left.loc), at: opLoc)
        }
        return left
    }

    /// `<<` and `>>`, between `&` and `+`/`-`.
    func parseShift() throws -> Expr {
        var left = try parseArith()
        while true {
            let op: BinaryOp
            if isOp("<<") { op = .leftShift } else if isOp(">>") { op = .rightShift } else { break }
            let opLoc = tok.loc
            advance()
            left = try bounded(Expr(.binary(op, left, try parseArith()), left.loc), at: opLoc)
        }
        return left
    }

    func parseArith() throws -> Expr {
        var left = try parseTerm()
        while true {
            let op: BinaryOp
            if isOp("+") { op = .add } else if isOp("-") { op = .sub } else { break }
            let opLoc = tok.loc
            advance()
            left = try bounded(Expr(.binary(op, left, try parseTerm()), left.loc), at: opLoc)
        }
        return left
    }

    func parseTerm() throws -> Expr {
        var left = try parseFactor()
        while true {
            let op: BinaryOp
            if isOp("*") {
                op = .mul
            } else if isOp("/") {
                op = .div
            } else if isOp("//") {
                op = .floorDiv
            } else if isOp("%") {
                op = .mod
            } else if isOp("@") {
                op = .matMul
            } else {
                break
            }
            let opLoc = tok.loc
            advance()
            left = try bounded(Expr(.binary(op, left, try parseFactor()), left.loc), at: opLoc)
        }
        return left
    }

    /// Prefix `-`, `+` and `~`, read iteratively.
    func parseUnaryPrefixes() throws -> [(UnaryOp, SourceLocation)] {
        var prefixes: [(UnaryOp, SourceLocation)] = []
        while true {
            if prefixes.count >= Parser.maxDepth && (isOp("-") || isOp("+") || isOp("~")) {
                throw tooTall(at: tok.loc)
            }
            if isOp("-") {
                prefixes.append((.neg, tok.loc))
            } else if isOp("+") {
                prefixes.append((.pos, tok.loc))
            } else if isOp("~") {
                prefixes.append((.invert, tok.loc))
            } else {
                break
            }
            advance()
        }
        return prefixes
    }

    func applyPrefixes(_ prefixes: [(UnaryOp, SourceLocation)], to e: Expr) throws -> Expr {
        var result = e
        for (op, loc) in prefixes.reversed() { result = try bounded(Expr(.unary(op, result), loc), at: loc) }
        return result
    }

    func parseFactor() throws -> Expr {
        let prefixes = try parseUnaryPrefixes()
        return try applyPrefixes(prefixes, to: try parsePower())
    }

    /// `a ** -b ** c` is `a ** (-(b ** c))`: `**` is right-associative and
    /// its right operand is a unary expression. Read iteratively.
    func parsePower() throws -> Expr {
        let base = try parseAwaitPrimary()
        guard isOp("**") else { return base }
        var bases = [base]
        var prefixes: [[(UnaryOp, SourceLocation)]] = []
        while isOp("**") {
            if bases.count > Parser.maxDepth { throw tooTall(at: tok.loc) }
            advance()
            prefixes.append(try parseUnaryPrefixes())
            bases.append(try parseAwaitPrimary())
        }
        var result = bases[bases.count - 1]
        for k in stride(from: bases.count - 1, through: 1, by: -1) {
            result = try applyPrefixes(prefixes[k - 1], to: result)
            result = try bounded(Expr(.binary(.pow, bases[k - 1], result), bases[k - 1].loc), at: bases[k - 1].loc)
        }
        return result
    }

    func parseAwaitPrimary() throws -> Expr {
        if isKeyword("await") {
            let loc = tok.loc
            advance()
            return Expr(.await(try parsePrimary()), loc)
        }
        return try parsePrimary()
    }

    /// An atom followed by attributes, calls and subscripts.
    func parsePrimary() throws -> Expr {
        var e = try parseAtom()
        while true {
            let trailerLoc = tok.loc
            if isOp(".") {
                advance()
                e = try bounded(Expr(.attribute(e, try expectName()), e.loc), at: trailerLoc)
            } else if isOp("(") {
                let openLoc = tok.loc
                let args = try nested {
                    advance()
                    return try parseCallArguments(openLoc: openLoc)
                }
                e = try bounded(Expr(.call(e, args), e.loc), at: trailerLoc)
            } else if isOp("[") {
                let index = try nested {
                    advance()
                    let index = try parseSubscriptIndex()
                    try expectClose("]", after: nil)
                    return index
                }
                e = try bounded(Expr(.subscript(e, index), e.loc), at: trailerLoc)
            } else {
                return e
            }
        }
    }

    /// After '(': arguments up to and including ')'.
    func parseCallArguments(openLoc: SourceLocation) throws -> [Argument] {
        var args: [Argument] = []
        var seenKeyword = false
        var seenKeywordUnpacking = false
        var keywords = Set<String>()
        var last: Expr?
        while !isOp(")") {
            if isOp("*") {
                advance()
                let e = try parseTest()
                if seenKeywordUnpacking {
                    throw error("iterable argument unpacking follows keyword argument unpacking", at: e.loc)
                }
                args.append(.star(e))
                last = e
            } else if isOp("**") {
                advance()
                let e = try parseTest()
                seenKeywordUnpacking = true
                args.append(.doubleStar(e))
                last = e
            } else if case .name(let name) = tok.kind, case .op("=") = peekKind(1) {
                let nameLoc = tok.loc
                advance()
                advance()
                let value = try parseTest()
                if keywords.contains(name) { throw error("keyword argument repeated: \(name)", at: nameLoc) }
                keywords.insert(name)
                seenKeyword = true
                args.append(.keyword(name, value))
                last = value
            } else {
                let e = try parseNamedExpression()
                if isKeyword("for") || isKeyword("async") {
                    let generators = try parseComprehensions()
                    let generator = Expr(.generatorExp(e, generators), openLoc)
                    if !args.isEmpty || !isOp(")") {
                        throw error("Generator expression must be parenthesized", at: e.loc)
                    }
                    args.append(.positional(generator))
                    break
                }
                if isOp("=") {
                    throw error("expression cannot contain assignment, perhaps you meant \"==\"?", at: e.loc)
                }
                if seenKeywordUnpacking {
                    throw error("positional argument follows keyword argument unpacking", at: e.loc)
                }
                if seenKeyword {
                    throw error("positional argument follows keyword argument", at: e.loc)
                }
                args.append(.positional(e))
                last = e
            }
            if !isOp(",") { break }
            advance()
        }
        try expectClose(")", after: last)
        return args
    }

    /// After '[': an index, a slice, or a tuple of them (`d[1, 2]`).
    func parseSubscriptIndex() throws -> Expr {
        let first = try parseSliceItem()
        guard isOp(",") else { return first }
        var items = [first]
        while isOp(",") {
            advance()
            if isOp("]") { break }
            items.append(try parseSliceItem())
        }
        return Expr(.tuple(items), first.loc)
    }

    func parseSliceItem() throws -> Expr {
        let loc = tok.loc
        var lower: Expr?
        if !isOp(":") {
            if isOp("*") { throw starredError() }
            let e = try parseTest()
            guard isOp(":") else { return e }
            lower = e
        }
        advance()  // ':'
        var upper: Expr?
        if !isOp(":") && !isOp("]") && !isOp(",") { upper = try parseTest() }
        var step: Expr?
        if isOp(":") {
            advance()
            if !isOp("]") && !isOp(",") { step = try parseTest() }
        }
        return Expr(.slice(lower, upper, step), loc)
    }

    /// `for TARGETS in ITER [if COND]...`, one or more.
    func parseComprehensions() throws -> [Comprehension] {
        var out: [Comprehension] = []
        while true {
            var isAsync = false
            if isKeyword("async"), case .keyword("for") = peekKind(1) {
                isAsync = true
                advance()
            }
            guard isKeyword("for") else { break }
            advance()
            let target = try parseTargetList()
            try validateTarget(target, .comprehension)
            guard isKeyword("in") else { throw invalidSyntax() }
            advance()
            let iter = try parseOrTest()
            var ifs: [Expr] = []
            while isKeyword("if") {
                advance()
                ifs.append(try parseOrTest())
            }
            out.append(Comprehension(target: target, iter: iter, ifs: ifs, isAsync: isAsync))
        }
        return out
    }

    /// The targets of `for` (statement or comprehension): `x`, `a, b`, `(a, b)`, `o.x`, `d[k]`.
    func parseTargetList() throws -> Expr {
        let first = try parseTargetItem()
        guard isOp(",") else { return first }
        var items = [first]
        while isOp(",") {
            advance()
            if isKeyword("in") { break }
            items.append(try parseTargetItem())
        }
        return Expr(.tuple(items), first.loc)
    }

    func parseTargetItem() throws -> Expr {
        if isOp("*") {
            let loc = tok.loc
            advance()
            return Expr(.starred(try parsePrimary()), loc)
        }
        return try parsePrimary()
    }

    func parseAtom() throws -> Expr {
        let loc = tok.loc
        switch tok.kind {
        case .name(let name):
            advance()
            return Expr(.name(name), loc)
        case .int(let value):
            advance()
            return Expr(.int(value), loc)
        case .float(let value):
            advance()
            return Expr(.float(value), loc)
        case .string:
            return try parseStrings()
        case .keyword("None"):
            advance()
            return Expr(.none, loc)
        case .keyword("True"):
            advance()
            return Expr(.bool(true), loc)
        case .keyword("False"):
            advance()
            return Expr(.bool(false), loc)
        case .op("("):
            return try bounded(try nested { try parseParenthesized() }, at: loc)
        case .op("["):
            return try bounded(try nested { try parseList() }, at: loc)
        case .op("{"):
            return try bounded(try nested { try parseBraces() }, at: loc)
        case .op("..."):
            advance()
            return Expr(.ellipsis, loc)
        default:
            throw invalidSyntax()
        }
    }

    /// `()`, `(x)`, `(x,)`, `(a, b)`, `(yield x)`, `(x for x in y)`.
    func parseParenthesized() throws -> Expr {
        let loc = tok.loc
        advance()
        if isOp(")") {
            advance()
            return Expr(.tuple([]), loc)
        }
        if isKeyword("yield") {
            let e = try parseYield()
            try expectClose(")", after: nil)
            return e
        }
        let first = try parseStarOrTest()
        if isKeyword("for") || isKeyword("async") {
            let generators = try parseComprehensions()
            try expectClose(")", after: nil)
            return Expr(.generatorExp(first, generators), loc)
        }
        if isOp(")") {
            advance()
            return first
        }
        guard isOp(",") else {
            try expectClose(")", after: first)
            return first
        }
        var items = [first]
        while isOp(",") {
            advance()
            if isOp(")") { break }
            items.append(try parseStarOrTest())
        }
        try expectClose(")", after: items.last)
        return Expr(.tuple(items), loc)
    }

    func parseList() throws -> Expr {
        let loc = tok.loc
        advance()
        if isOp("]") {
            advance()
            return Expr(.list([]), loc)
        }
        let first = try parseStarOrTest()
        if isKeyword("for") || isKeyword("async") {
            let generators = try parseComprehensions()
            try expectClose("]", after: nil)
            return Expr(.listComp(first, generators), loc)
        }
        var items = [first]
        while isOp(",") {
            advance()
            if isOp("]") { break }
            items.append(try parseStarOrTest())
        }
        try expectClose("]", after: items.last)
        return Expr(.list(items), loc)
    }

    /// Dict and set displays and comprehensions.
    func parseBraces() throws -> Expr {
        let loc = tok.loc
        advance()
        if isOp("}") {
            advance()
            return Expr(.dict([]), loc)
        }
        if isOp("**") { return try parseDictWithUnpacking(loc: loc, first: nil) }
        let first = try parseStarOrTest()
        if isOp(":") {
            advance()
            let value = try parseTest()
            if isKeyword("for") || isKeyword("async") {
                let generators = try parseComprehensions()
                try expectClose("}", after: nil)
                return Expr(.dictComp(key: first, value: value, generators), loc)
            }
            var pairs: [(key: Expr, value: Expr)] = [(first, value)]
            while isOp(",") {
                advance()
                if isOp("}") { break }
                if isOp("**") { return try parseDictWithUnpacking(loc: loc, first: pairs) }
                let key = try parseTest()
                guard isOp(":") else { throw fail("':' expected after dictionary key") }
                advance()
                pairs.append((key, try parseTest()))
            }
            try expectClose("}", after: pairs.last?.value)
            return Expr(.dict(pairs), loc)
        }
        if isKeyword("for") || isKeyword("async") {
            let generators = try parseComprehensions()
            try expectClose("}", after: nil)
            return Expr(.setComp(first, generators), loc)
        }
        var items = [first]
        while isOp(",") {
            advance()
            if isOp("}") { break }
            items.append(try parseStarOrTest())
        }
        try expectClose("}", after: items.last)
        return Expr(.set(items), loc)
    }

    /// The rest of a dict display from its first `**` on (`{'a': 1, **m, 'b': 2}`);
    /// `first` holds the pairs before it.
    func parseDictWithUnpacking(loc: SourceLocation, first: [(key: Expr, value: Expr)]?) throws -> Expr {
        var items: [(key: Expr?, value: Expr)] = (first ?? []).map { (key: $0.key, value: $0.value) }
        var starLoc = tok.loc
        while true {
            if isOp("**") {
                starLoc = tok.loc
                advance()
                items.append((nil, try parseBitwise()))
            } else {
                let key = try parseTest()
                guard isOp(":") else { throw fail("':' expected after dictionary key") }
                advance()
                items.append((key, try parseTest()))
            }
            if isKeyword("for") || isKeyword("async") {
                throw error("dict unpacking cannot be used in dict comprehension", at: starLoc)
            }
            guard isOp(",") else { break }
            advance()
            if isOp("}") { break }
        }
        try expectClose("}", after: items.last?.value)
        return Expr(.dictUnpacking(items), loc)
    }
}
