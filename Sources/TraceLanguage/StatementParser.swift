// The parser's statements: simple statements, compound statements and
// their blocks, with the subset's errors at their position.

extension TraceParser {
    /// The whole file. Errors do not stop it: each is recorded in
    /// `diagnostics` and parsing resumes after the statement that had it
    /// (see `parseStatementRecovering`); the statements left out are missing
    /// from the result.
    func parseModule() -> Module {
        var body: [Stmt] = []
        while !isEOF && !stopped {
            parseStatementRecovering(into: &body)
        }
        return Module(body: body)
    }

    func parseStatement(into body: inout [Stmt]) throws {
        let loc = tok.loc
        switch tok.kind {
        case .indent:
            throw fail("unexpected indent")
        case .keyword(let k):
            switch k {
            case "if":
                body.append(try parseIf())
                return
            case "while":
                body.append(try parseWhile())
                return
            case "for":
                body.append(try parseFor(isAsync: false, loc: loc))
                return
            case "try":
                body.append(try parseTry())
                return
            case "with":
                body.append(try parseWith(isAsync: false, loc: loc))
                return
            case "def":
                body.append(try parseFunctionDef(isAsync: false, loc: loc))
                return
            case "class":
                body.append(try parseClassDef(loc: loc))
                return
            case "async":
                advance()
                if isKeyword("def") {
                    body.append(try parseFunctionDef(isAsync: true, loc: loc))
                    return
                }
                if isKeyword("with") {
                    body.append(try parseWith(isAsync: true, loc: loc))
                    return
                }
                if isKeyword("for") {
                    body.append(try parseFor(isAsync: true, loc: loc))
                    return
                }
                throw invalidSyntax()
            default:
                break
            }
        case .op("@"):
            body.append(try parseDecorated())
            return
        case .name("match") where looksLikeMatchStatement():
            body.append(try parseMatch())
            return
        default:
            break
        }
        body.append(contentsOf: try parseSimpleStatements())
    }

    /// `match` is a soft keyword: a match statement is `match SUBJECT:` at
    /// the end of a logical line; anything else uses `match` as a name.
    func looksLikeMatchStatement() -> Bool {
        switch peekKind(1) {
        case .name, .int, .float, .string:
            break
        case .keyword(let k) where ["None", "True", "False", "not", "lambda", "await"].contains(k):
            break
        case .op(let o) where ["(", "[", "{", "-", "+", "*", "~"].contains(o):
            break
        default:
            return false
        }
        var j = index + 1
        while j + 1 < tokens.count {
            if case .newline = tokens[j + 1].kind {
                if case .op(":") = tokens[j].kind { return true }
                return false
            }
            j += 1
        }
        return false
    }

    /// `simple_stmt (';' simple_stmt)* [';'] NEWLINE`
    func parseSimpleStatements() throws -> [Stmt] {
        var out = [try parseSimpleStatement()]
        while isOp(";") {
            advance()
            if isNewline { break }
            out.append(try parseSimpleStatement())
        }
        guard isNewline else { throw invalidSyntax() }
        advance()
        return out
    }

    var atSimpleStatementEnd: Bool { isNewline || isOp(";") || isEOF }

    func parseSimpleStatement() throws -> Stmt {
        let loc = tok.loc
        if case .keyword(let k) = tok.kind {
            switch k {
            case "pass":
                advance()
                return Stmt(.pass, loc)
            case "break":
                if loopDepth == 0 { throw error("'break' outside loop", at: loc) }
                advance()
                return Stmt(.break, loc)
            case "continue":
                if loopDepth == 0 { throw error("'continue' not properly in loop", at: loc) }
                advance()
                return Stmt(.continue, loc)
            case "return":
                advance()
                let value = atSimpleStatementEnd ? nil : try parseStarExpressions()
                return Stmt(.return(value), loc)
            case "raise":
                advance()
                if atSimpleStatementEnd { return Stmt(.raise(nil, cause: nil), loc) }
                let exception = try parseTest()
                var cause: Expr?
                if isKeyword("from") {
                    advance()
                    cause = try parseTest()
                }
                return Stmt(.raise(exception, cause: cause), loc)
            case "global", "nonlocal":
                advance()
                var names = [try expectName()]
                while isOp(",") {
                    advance()
                    names.append(try expectName())
                }
                return Stmt(k == "global" ? .global(names) : .nonlocal(names), loc)
            case "import":
                return try parseImport()
            case "from":
                return try parseFromImport()
            case "assert":
                advance()
                let test = try parseNamedExpression()
                var message: Expr?
                if isOp(",") {
                    advance()
                    message = try parseTest()
                }
                return Stmt(.assert(test, message: message), loc)
            case "del":
                advance()
                var targets: [Expr] = []
                repeat {
                    if !targets.isEmpty { advance() }
                    if atSimpleStatementEnd && !targets.isEmpty { break }
                    let t = isOp("*") ? try parseStarOrTest(allowNamed: false) : try parseBitwise()
                    try validateDeleteTarget(t)
                    targets.append(t)
                } while isOp(",")
                return Stmt(.delete(targets), loc)
            case "class":
                throw unsupported(
                    "'class' on the line of another statement", at: loc, instead: "put it on a line of its own")
            default:
                break
            }
        }
        return try parseExpressionStatement()
    }

    static let augmentedOperators: [String: BinaryOp] = [
        "+=": .add, "-=": .sub, "*=": .mul, "/=": .div, "//=": .floorDiv, "%=": .mod, "**=": .pow,
        "@=": .matMul, "&=": .bitAnd, "|=": .bitOr, "^=": .bitXor, "<<=": .leftShift, ">>=": .rightShift,
    ]

    /// Expression statements, assignments, augmented and annotated assignments.
    func parseExpressionStatement() throws -> Stmt {
        let loc = tok.loc
        let first = try parseStarExpressionsOrYield()
        if isOp("=") {
            var items = [first]
            while isOp("=") {
                advance()
                items.append(try parseStarExpressionsOrYield())
            }
            let value = items.removeLast()
            for target in items { try validateTarget(target, .assign) }
            return Stmt(.assign(targets: items, value: value), loc)
        }
        guard case .op(let o) = tok.kind else { return Stmt(.expr(first), loc) }
        if let op = TraceParser.augmentedOperators[o] {
            try validateAugmentedTarget(first)
            advance()
            let value = try parseStarExpressionsOrYield()
            return Stmt(.augAssign(target: first, op: op, value: value), loc)
        }
        if o == ":" {
            let simple: Bool
            if case .name = first.kind, !isParenthesized(first) { simple = true } else { simple = false }
            switch first.kind {
            case .name, .attribute, .subscript:
                break
            case .tuple:
                throw error("only single target (not tuple) can be annotated", at: first.loc)
            case .list:
                throw error("only single target (not list) can be annotated", at: first.loc)
            default:
                throw error("illegal target for annotation", at: first.loc)
            }
            advance()
            let annotation = try parseTest()
            guard isOp("=") else {
                return Stmt(.annAssign(target: first, annotation: annotation, value: nil, simple: simple), loc)
            }
            advance()
            let value = try parseStarExpressionsOrYield()
            return Stmt(.annAssign(target: first, annotation: annotation, value: value, simple: simple), loc)
        }
        return Stmt(.expr(first), loc)
    }

    enum TargetContext { case assign, forLoop, with, comprehension }

    /// Whether the token before `e`'s first token is '(' that `e` sits in:
    /// `(x): int` annotates without recording the name.
    func isParenthesized(_ e: Expr) -> Bool {
        var j = index - 1
        while j > 0 && tokens[j].loc > e.loc { j -= 1 }
        guard j > 0 else { return false }
        if case .op("(") = tokens[j - 1].kind { return true }
        return false
    }

    /// `del` takes names, attributes, subscripts and tuples/lists of them.
    func validateDeleteTarget(_ e: Expr) throws {
        switch e.kind {
        case .name, .attribute, .subscript:
            return
        case .tuple(let items), .list(let items):
            for item in items { try validateDeleteTarget(item) }
        case .starred:
            throw error("cannot delete starred", at: e.loc)
        default:
            throw error("cannot delete \(describeForAssignment(e))", at: e.loc)
        }
    }

    /// Only names, attributes, subscripts and tuples/lists of them can be assigned to.
    func validateTarget(_ e: Expr, _ context: TargetContext, inList: Bool = false) throws {
        switch e.kind {
        case .name, .attribute, .subscript:
            return
        case .starred(let inner):
            try validateTarget(inner, context, inList: inList)
        case .tuple(let items):
            for item in items { try validateTarget(item, context, inList: inList) }
        case .list(let items):
            for item in items { try validateTarget(item, context, inList: true) }
        default:
            let what = describeForAssignment(e)
            var message = "cannot assign to \(what)"
            if context == .assign && !inList && !["True", "False", "None"].contains(what) {
                message += " here. Maybe you meant '==' instead of '='?"
            }
            throw error(message, at: e.loc)
        }
    }

    func validateAugmentedTarget(_ e: Expr) throws {
        switch e.kind {
        case .name, .attribute, .subscript:
            return
        case .tuple:
            throw error("'tuple' is an illegal expression for augmented assignment", at: e.loc)
        case .list:
            throw error("'list' is an illegal expression for augmented assignment", at: e.loc)
        default:
            throw error("'\(describeForAssignment(e))' is an illegal expression for augmented assignment", at: e.loc)
        }
    }

    /// CPython's names for expressions that cannot be assigned to.
    func describeForAssignment(_ e: Expr) -> String {
        switch e.kind {
        case .call: return "function call"
        case .int, .float, .string, .bytes: return "literal"
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        case .fstring: return "f-string expression"
        case .compare: return "comparison"
        case .conditional: return "conditional expression"
        case .lambda: return "lambda"
        case .await: return "await expression"
        case .yield, .yieldFrom: return "yield expression"
        case .listComp: return "list comprehension"
        case .setComp: return "set comprehension"
        case .dictComp: return "dict comprehension"
        case .generatorExp: return "generator expression"
        case .dict: return "dict literal"
        case .set: return "set display"
        case .slice: return "slice"
        case .ellipsis: return "ellipsis"
        default: return "expression"
        }
    }

    /// After the ':' of a compound statement: an indented block, or simple
    /// statements on the same line.
    func parseBlock(after what: String, line: Int) throws -> [Stmt] {
        guard isNewline else { return try parseSimpleStatements() }
        advance()
        guard case .indent = tok.kind else {
            throw fail("expected an indented block after \(what) on line \(line)")
        }
        if blockDepth >= Parser.maxNesting { throw tooDeep() }
        if statementDepth >= Parser.maxDepth { throw tooTall(at: tok.loc) }
        blockDepth += 1
        statementDepth += 1
        defer {
            blockDepth -= 1
            statementDepth -= 1
        }
        let blockLoc = tok.loc
        advance()
        var body: [Stmt] = []
        while true {
            if case .dedent = tok.kind {
                advance()
                break
            }
            if isEOF || stopped { break }
            parseStatementRecovering(into: &body)
        }
        // Every statement of the block had an error: a block is never empty.
        if body.isEmpty { body.append(Stmt(.pass, blockLoc)) }
        return body
    }

    func parseLoopBody(after what: String, line: Int) throws -> [Stmt] {
        loopDepth += 1
        defer { loopDepth -= 1 }
        return try parseBlock(after: what, line: line)
    }

    func parseElse() throws -> [Stmt] {
        guard isKeyword("else") else { return [] }
        let loc = tok.loc
        advance()
        try expectColon()
        return try parseBlock(after: "'else' statement", line: loc.line)
    }

    /// `if`/`elif`/`else`, read iteratively so that long `elif` chains cost no stack.
    func parseIf() throws -> Stmt {
        var clauses: [(loc: SourceLocation, test: Expr, body: [Stmt])] = []
        var keyword = "if"
        var orElse: [Stmt] = []
        // Each `elif` is an `if` inside the one before: one statement level deeper.
        let outerDepth = statementDepth
        defer { statementDepth = outerDepth }
        while true {
            let loc = tok.loc
            if !clauses.isEmpty {
                // Its block is one level deeper still.
                if statementDepth + 1 >= Parser.maxDepth { throw tooTall(at: loc) }
                statementDepth += 1
            }
            advance()
            let test = try parseNamedExpression()
            try expectColon()
            let body = try parseBlock(after: "'\(keyword)' statement", line: loc.line)
            clauses.append((loc, test, body))
            if isKeyword("elif") {
                keyword = "elif"
                continue
            }
            orElse = try parseElse()
            break
        }
        var result = Stmt(.pass, .unknown)
        for (n, clause) in clauses.enumerated().reversed() {
            result = Stmt(
                .if(test: clause.test, body: clause.body, orElse: n == clauses.count - 1 ? orElse : [result]),
                clause.loc)
        }
        return result
    }

    func parseWhile() throws -> Stmt {
        let loc = tok.loc
        advance()
        let test = try parseNamedExpression()
        try expectColon()
        let body = try parseLoopBody(after: "'while' statement", line: loc.line)
        let orElse = try parseElse()
        return Stmt(.while(test: test, body: body, orElse: orElse), loc)
    }

    func parseFor(isAsync: Bool, loc: SourceLocation) throws -> Stmt {
        advance()
        let target = try parseTargetList()
        try validateTarget(target, .forLoop)
        guard isKeyword("in") else { throw invalidSyntax() }
        advance()
        let iter = try parseStarExpressions()
        try expectColon()
        let body = try parseLoopBody(after: "'for' statement", line: loc.line)
        let orElse = try parseElse()
        if isAsync { return Stmt(.asyncFor(target: target, iter: iter, body: body, orElse: orElse), loc) }
        return Stmt(.for(target: target, iter: iter, body: body, orElse: orElse), loc)
    }

    func parseTry() throws -> Stmt {
        let loc = tok.loc
        advance()
        try expectColon()
        let body = try parseBlock(after: "'try' statement", line: loc.line)
        var handlers: [ExceptHandler] = []
        var bareLoc: SourceLocation?
        while isKeyword("except") {
            let handlerLoc = tok.loc
            advance()
            var isStar = false
            if isOp("*") {
                isStar = true
                advance()
            }
            if let bareLoc { throw error("default 'except:' must be last", at: bareLoc) }
            if let previous = handlers.last, previous.isStar != isStar {
                throw error("cannot have both 'except' and 'except*' on the same 'try'", at: handlerLoc)
            }
            var type: Expr?
            var name: String?
            if isOp(":") {
                if isStar { throw fail("expected one or more exception types") }
                bareLoc = handlerLoc
            } else {
                let t = try parseTest()
                if isOp(",") { throw error("multiple exception types must be parenthesized", at: t.loc) }
                type = t
                if isKeyword("as") {
                    advance()
                    name = try expectName()
                }
            }
            try expectColon()
            let handlerBody = try parseBlock(
                after: isStar ? "'except*' statement" : "'except' statement", line: handlerLoc.line)
            handlers.append(ExceptHandler(type: type, name: name, body: handlerBody, isStar: isStar, loc: handlerLoc))
        }
        var orElse: [Stmt] = []
        if isKeyword("else") {
            if handlers.isEmpty { throw fail("expected 'except' or 'finally' block") }
            orElse = try parseElse()
        }
        var finally: [Stmt] = []
        var hasFinally = false
        if isKeyword("finally") {
            let finallyLoc = tok.loc
            advance()
            try expectColon()
            finally = try parseBlock(after: "'finally' statement", line: finallyLoc.line)
            hasFinally = true
        }
        if handlers.isEmpty && !hasFinally { throw fail("expected 'except' or 'finally' block") }
        return Stmt(.try(body: body, handlers: handlers, orElse: orElse, finally: finally), loc)
    }

    func parseWith(isAsync: Bool, loc: SourceLocation) throws -> Stmt {
        advance()  // 'with'
        var items: [WithItem] = []
        if isOp("(") {
            // `with (a as b, c):` groups items; `with (a, b) as c:` is an
            // ordinary expression. Try the first, fall back to the second.
            let saved = index
            do {
                items = try nested {
                    advance()
                    var grouped = [try parseWithItem()]
                    while isOp(",") {
                        advance()
                        if isOp(")") { break }
                        grouped.append(try parseWithItem())
                    }
                    guard isOp(")") else { throw invalidSyntax() }
                    advance()
                    return grouped
                }
                guard isOp(":") else { throw invalidSyntax() }
            } catch {
                index = saved
                items = try parseWithItems()
            }
        } else {
            items = try parseWithItems()
        }
        try expectColon()
        let body = try parseBlock(after: "'with' statement", line: loc.line)
        return Stmt(.with(items: items, body: body, isAsync: isAsync), loc)
    }

    func parseWithItems() throws -> [WithItem] {
        var items = [try parseWithItem()]
        while isOp(",") {
            advance()
            items.append(try parseWithItem())
        }
        return items
    }

    func parseWithItem() throws -> WithItem {
        let context = try parseTest()
        var target: Expr?
        if isKeyword("as") {
            advance()
            let t = try parseTargetItem()
            try validateTarget(t, .with)
            target = t
        }
        return WithItem(context: context, target: target)
    }

    func parseFunctionDef(isAsync: Bool, loc: SourceLocation) throws -> Stmt {
        advance()  // 'def'
        let name = try expectName()
        guard isOp("(") else { throw fail("expected '('") }
        let parameters = try nested {
            advance()
            return try parseParameters(closing: ")", allowAnnotations: true)
        }
        var returns: Expr?
        if isOp("->") {
            advance()
            returns = try parseTest()
        }
        try expectColon()
        let savedLoops = loopDepth
        loopDepth = 0
        defer { loopDepth = savedLoops }
        let body = try parseBlock(after: "function definition", line: loc.line)
        return Stmt(
            .functionDef(
                FunctionDef(name: name, parameters: parameters, body: body, isAsync: isAsync, returns: returns)), loc)
    }

    /// `@EXPR NEWLINE` lines (any expression, as since Python 3.9), then the
    /// `def`, `async def` or `class` they decorate.
    func parseDecorated() throws -> Stmt {
        var decorators: [Expr] = []
        while isOp("@") {
            advance()
            decorators.append(try parseNamedExpressionForDecorator())
            guard isNewline else { throw invalidSyntax() }
            advance()
        }
        let loc = tok.loc
        var stmt: Stmt
        if isKeyword("def") {
            stmt = try parseFunctionDef(isAsync: false, loc: loc)
        } else if isKeyword("class") {
            stmt = try parseClassDef(loc: loc)
        } else if isKeyword("async") {
            advance()
            guard isKeyword("def") else { throw invalidSyntax() }
            stmt = try parseFunctionDef(isAsync: true, loc: loc)
        } else {
            throw invalidSyntax()
        }
        switch stmt.kind {
        case .functionDef(var f):
            f.decorators = decorators
            stmt.kind = .functionDef(f)
        case .classDef(var c):
            c.decorators = decorators
            stmt.kind = .classDef(c)
        default: break
        }
        return stmt
    }

    private func parseNamedExpressionForDecorator() throws -> Expr { try parseTest() }

    /// `class NAME[(BASE, ...)]: BLOCK`.
    func parseClassDef(loc: SourceLocation) throws -> Stmt {
        advance()  // 'class'
        let name = try expectName()
        var bases: [Expr] = []
        var keywords: [(String, Expr)] = []
        if isOp("(") {
            try nested {
                advance()
                while !isOp(")") {
                    if case .name(let k) = tok.kind, case .op("=") = peekKind(1) {
                        if keywords.contains(where: { $0.0 == k }) {
                            throw fail("keyword argument repeated: \(k)")
                        }
                        advance()
                        advance()
                        keywords.append((k, try parseTest()))
                        if isOp(",") { advance() } else { break }
                        continue
                    }
                    if isOp("*") || isOp("**") {
                        throw unsupported(
                            "'*' in class bases", at: tok.loc, instead: "list the base classes one by one")
                    }
                    if !keywords.isEmpty { throw fail("positional argument follows keyword argument") }
                    bases.append(try parseTest())
                    if isOp(",") { advance() } else { break }
                }
                guard isOp(")") else { throw fail("expected ')'") }
                advance()
            }
        }
        try expectColon()
        let savedLoops = loopDepth
        loopDepth = 0
        defer { loopDepth = savedLoops }
        var body = try parseBlock(after: "class definition", line: loc.line)
        if let first = body.first, case .expr(let e) = first.kind, case .string = e.kind {
            // The docstring is the class's `__doc__`, as CPython's compiler binds it.
            body.insert(Stmt(.assign(targets: [Expr(.name("__doc__"), first.loc)], value: e), first.loc), at: 1)
        }
        var def = ClassDef(name: name, bases: bases, body: body)
        def.keywords = keywords
        return Stmt(.classDef(def), loc)
    }

    /// Parameters of a `def` (closing ')', annotations parsed and dropped) or
    /// a `lambda` (closing ':'). Consumes the closing token.
    func parseParameters(closing: String, allowAnnotations: Bool) throws -> Parameters {
        var parameters = Parameters()
        var seen = Set<String>()
        var seenDefault = false
        var sawStar = false
        var bareStarLoc: SourceLocation?

        func name() throws -> (String, SourceLocation) {
            let loc = tok.loc
            let n = try expectName()
            if seen.contains(n) { throw error("duplicate argument '\(n)' in function definition", at: loc) }
            seen.insert(n)
            return (n, loc)
        }
        func annotation() throws -> Expr? {
            if allowAnnotations && isOp(":") {
                advance()
                return try parseTest()
            }
            return nil
        }

        while !isOp(closing) {
            if parameters.kwargs != nil { throw fail("arguments cannot follow var-keyword argument") }
            if isOp("/") {
                throw unsupported(
                    "positional-only parameters ('/')", plural: true, at: tok.loc,
                    instead: "remove the '/': the parameters before it become ordinary ones")
            }
            if isOp("**") {
                advance()
                parameters.kwargs = try name().0
                parameters.kwargsAnnotation = try annotation()
            } else if isOp("*") {
                if sawStar { throw fail("* argument may appear only once") }
                sawStar = true
                let starLoc = tok.loc
                advance()
                if isOp(",") || isOp(closing) {
                    bareStarLoc = starLoc
                } else {
                    parameters.varargs = try name().0
                    parameters.varargsAnnotation = try annotation()
                }
            } else {
                let (n, loc) = try name()
                let annotationExpr = try annotation()
                var defaultValue: Expr?
                if isOp("=") {
                    advance()
                    defaultValue = try parseTest()
                }
                if sawStar {
                    parameters.keywordOnly.append(
                        Parameter(name: n, defaultValue: defaultValue, loc: loc, annotation: annotationExpr))
                    bareStarLoc = nil
                } else {
                    if defaultValue == nil && seenDefault {
                        throw error("non-default argument follows default argument", at: loc)
                    }
                    if defaultValue != nil { seenDefault = true }
                    parameters.positional.append(
                        Parameter(name: n, defaultValue: defaultValue, loc: loc, annotation: annotationExpr))
                }
            }
            if !isOp(",") { break }
            advance()
        }
        if let bareStarLoc { throw error("named arguments must follow bare *", at: bareStarLoc) }
        guard isOp(closing) else {
            if closing == ":" { throw fail("expected ':'") }
            throw invalidSyntax()
        }
        advance()
        return parameters
    }

    func parseImport() throws -> Stmt {
        let loc = tok.loc
        advance()
        var names = [try parseDottedAsName()]
        while isOp(",") {
            advance()
            names.append(try parseDottedAsName())
        }
        return Stmt(.import(names), loc)
    }

    func parseDottedName() throws -> String {
        var name = try expectName()
        while isOp(".") {
            advance()
            name += "." + (try expectName())
        }
        return name
    }

    func parseDottedAsName() throws -> ImportName {
        let loc = tok.loc
        let name = try parseDottedName()
        var asName: String?
        if isKeyword("as") {
            advance()
            asName = try expectName()
        }
        return ImportName(name: name, asName: asName, loc: loc)
    }

    func parseImportAsName() throws -> ImportName {
        let loc = tok.loc
        let name = try expectName()
        var asName: String?
        if isKeyword("as") {
            advance()
            asName = try expectName()
        }
        return ImportName(name: name, asName: asName, loc: loc)
    }

    func parseFromImport() throws -> Stmt {
        let loc = tok.loc
        advance()
        // A relative import keeps its leading dots in the module's name (`..models`, `.`).
        var dots = ""
        while isOp(".") || isOp("...") {
            dots += isOp(".") ? "." : "..."
            advance()
        }
        let module = dots + (dots.isEmpty || !isKeyword("import") ? try parseDottedName() : "")
        guard isKeyword("import") else { throw invalidSyntax() }
        advance()
        if isOp("*") {
            throw error("'from \(module) import *' is not supported in a trace; import the names you use", at: tok.loc)
        }
        var names: [ImportName] = []
        if isOp("(") {
            try nested {
                advance()
                names.append(try parseImportAsName())
                while isOp(",") {
                    advance()
                    if isOp(")") { break }
                    names.append(try parseImportAsName())
                }
                try expectClose(")", after: nil)
            }
        } else {
            names.append(try parseImportAsName())
            while isOp(",") {
                advance()
                if atSimpleStatementEnd { throw fail("trailing comma not allowed without surrounding parentheses") }
                names.append(try parseImportAsName())
            }
        }
        return Stmt(.importFrom(module: module, names: names), loc)
    }
}
