/// The parser of traces: recursive descent over Python 3.11's grammar,
/// restricted to the subset of TRACE_LANGUAGE.md's "Syntax" section.
///
/// `Parser.parse` throws the first `Diagnostic`, as CPython stops at the first
/// syntax error. Constructs outside the subset are reported at their first
/// token (operators at the operator) as "'class' is not supported in a trace".
/// Expressions and statement blocks may nest at most 100 levels deep, so that
/// no input can overflow the stack.
public enum Parser {
    /// The deepest nesting of brackets, lambdas, f-string fields (and,
    /// separately, of statement blocks) that a trace may use.
    public static let maxNesting = 100

    /// `allowClasses` admits `class NAME(BASE): ...` (single inheritance, no
    /// decorators): the harness's own asyncio prelude uses it; traces may not.
    public static func parse(_ file: SourceFile, allowClasses: Bool = false) throws -> Module {
        let scalars = normalizedScalars(file.text)
        var lexer = Lexer(scalars: scalars, path: file.path)
        let tokens = lexer.tokenize()
        let parser = TraceParser(path: file.path, scalars: scalars, tokens: tokens, lexError: lexer.error, depth: 0)
        parser.allowClasses = allowClasses
        return try parser.parseModule()
    }
}

final class TraceParser {
    let path: String
    let s: [Unicode.Scalar]
    let tokens: [Token]
    /// The lexer's error, if it stopped early; its token ends `tokens`.
    let lexError: Diagnostic?
    @exclusivity(unchecked) private var index = 0
    /// Current nesting of brackets, lambdas and f-string fields.
    @exclusivity(unchecked) private var depth: Int
    /// Current nesting of indented blocks.
    @exclusivity(unchecked) private var blockDepth = 0
    /// Loops enclosing the current statement in the current function.
    @exclusivity(unchecked) private var loopDepth = 0
    /// Whether `class` statements are accepted (the prelude only).
    @exclusivity(unchecked) var allowClasses = false

    init(path: String, scalars: [Unicode.Scalar], tokens: [Token], lexError: Diagnostic?, depth: Int) {
        precondition(!tokens.isEmpty, "the lexer always ends with .eof or .error")
        self.path = path
        self.s = scalars
        self.tokens = tokens
        self.lexError = lexError
        self.depth = depth
    }

    // MARK: Tokens

    private var tok: Token { tokens[index] }

    private func peekKind(_ offset: Int) -> TokenKind {
        tokens[min(index + offset, tokens.count - 1)].kind
    }

    private func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private func isOp(_ text: String) -> Bool {
        if case .op(let o) = tok.kind { return o == text }
        return false
    }

    private func isKeyword(_ text: String) -> Bool {
        if case .keyword(let k) = tok.kind { return k == text }
        return false
    }

    private var isNewline: Bool {
        if case .newline = tok.kind { return true }
        return false
    }

    private var isEOF: Bool {
        if case .eof = tok.kind { return true }
        return false
    }

    /// Whether the current token can begin an expression.
    private func startsExpression() -> Bool {
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
    private func error(_ message: String, at loc: SourceLocation) -> Diagnostic {
        if case .error = tok.kind, let lexError { return lexError }
        return Diagnostic(path: path, loc: loc, message: message)
    }

    private func fail(_ message: String) -> Diagnostic {
        error(message, at: tok.loc)
    }

    /// The generic error. Like CPython, an error the tokenizer finds anywhere
    /// later in the file is more useful than "invalid syntax", so it wins.
    private func invalidSyntax() -> Diagnostic {
        if let lexError { return lexError }
        return fail("invalid syntax")
    }

    /// "WHAT is (are) not supported in a trace".
    private func unsupported(_ what: String, plural: Bool = false, at loc: SourceLocation) -> Diagnostic {
        error("\(what) \(plural ? "are" : "is") not supported in a trace", at: loc)
    }

    private func tooDeep() -> Diagnostic {
        fail("too deeply nested (more than \(Parser.maxNesting) levels)")
    }

    /// Runs `body` one nesting level deeper.
    private func nested<T>(_ body: () throws -> T) throws -> T {
        if depth >= Parser.maxNesting { throw tooDeep() }
        depth += 1
        defer { depth -= 1 }
        return try body()
    }

    private func expectColon() throws {
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
    private func expectClose(_ close: String, after last: Expr?) throws {
        if isOp(close) {
            advance()
            return
        }
        if let last, startsExpression(), !isOp("*"), !isOp("-"), !isOp("+") {
            throw error("invalid syntax. Perhaps you forgot a comma?", at: last.loc)
        }
        throw invalidSyntax()
    }

    private func expectName() throws -> String {
        guard case .name(let name) = tok.kind else { throw invalidSyntax() }
        advance()
        return name
    }

    // MARK: Statements

    func parseModule() throws -> Module {
        var body: [Stmt] = []
        while !isEOF {
            try parseStatement(into: &body)
        }
        return Module(body: body)
    }

    private func parseStatement(into body: inout [Stmt]) throws {
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
                body.append(try parseFor())
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
            case "class" where allowClasses:
                body.append(try parseClassDef(loc: loc))
                return
            case "class":
                throw unsupported("'class'", at: loc)
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
                if isKeyword("for") { throw unsupported("'async for'", at: loc) }
                throw invalidSyntax()
            default:
                break
            }
        case .op("@"):
            throw error("decorators are not supported in a trace", at: loc)
        case .name("match") where looksLikeMatchStatement():
            throw unsupported("'match'", at: loc)
        default:
            break
        }
        body.append(contentsOf: try parseSimpleStatements())
    }

    /// `match` is a soft keyword: a match statement is `match SUBJECT:` at
    /// the end of a logical line; anything else uses `match` as a name.
    private func looksLikeMatchStatement() -> Bool {
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
    private func parseSimpleStatements() throws -> [Stmt] {
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

    private var atSimpleStatementEnd: Bool { isNewline || isOp(";") || isEOF }

    private func parseSimpleStatement() throws -> Stmt {
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
                let test = try parseTest()
                var message: Expr?
                if isOp(",") {
                    advance()
                    message = try parseTest()
                }
                return Stmt(.assert(test, message: message), loc)
            case "del":
                throw unsupported("'del'", at: loc)
            case "class":
                throw unsupported("'class'", at: loc)
            default:
                break
            }
        }
        return try parseExpressionStatement()
    }

    private static let augmentedOperators: [String: BinaryOp] = [
        "+=": .add, "-=": .sub, "*=": .mul, "/=": .div, "//=": .floorDiv, "%=": .mod, "**=": .pow,
    ]
    private static let unsupportedAugmentedOperators: Set<String> = ["@=", "&=", "|=", "^=", "<<=", ">>="]

    /// Expression statements, assignments, augmented and annotated assignments.
    private func parseExpressionStatement() throws -> Stmt {
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
        if TraceParser.unsupportedAugmentedOperators.contains(o) {
            throw unsupported("operator '\(o)'", at: tok.loc)
        }
        if o == ":" {
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
            _ = try parseTest()
            guard isOp("=") else {
                throw error(
                    "an annotation without a value is not supported in a trace; give it a value ('x: int = 0') or remove it",
                    at: loc)
            }
            advance()
            let value = try parseStarExpressionsOrYield()
            return Stmt(.assign(targets: [first], value: value), loc)
        }
        return Stmt(.expr(first), loc)
    }

    private enum TargetContext { case assign, forLoop, with, comprehension }

    /// Only names, attributes, subscripts and tuples/lists of them can be assigned to.
    private func validateTarget(_ e: Expr, _ context: TargetContext, inList: Bool = false) throws {
        switch e.kind {
        case .name, .attribute, .subscript:
            return
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

    private func validateAugmentedTarget(_ e: Expr) throws {
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
    private func describeForAssignment(_ e: Expr) -> String {
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
        default: return "expression"
        }
    }

    /// After the ':' of a compound statement: an indented block, or simple
    /// statements on the same line.
    private func parseBlock(after what: String, line: Int) throws -> [Stmt] {
        guard isNewline else { return try parseSimpleStatements() }
        advance()
        guard case .indent = tok.kind else {
            throw fail("expected an indented block after \(what) on line \(line)")
        }
        if blockDepth >= Parser.maxNesting { throw tooDeep() }
        blockDepth += 1
        defer { blockDepth -= 1 }
        advance()
        var body: [Stmt] = []
        while true {
            if case .dedent = tok.kind {
                advance()
                break
            }
            if isEOF { break }
            try parseStatement(into: &body)
        }
        return body
    }

    private func parseLoopBody(after what: String, line: Int) throws -> [Stmt] {
        loopDepth += 1
        defer { loopDepth -= 1 }
        return try parseBlock(after: what, line: line)
    }

    private func parseElse() throws -> [Stmt] {
        guard isKeyword("else") else { return [] }
        let loc = tok.loc
        advance()
        try expectColon()
        return try parseBlock(after: "'else' statement", line: loc.line)
    }

    /// `if`/`elif`/`else`, read iteratively so that long `elif` chains cost no stack.
    private func parseIf() throws -> Stmt {
        var clauses: [(loc: SourceLocation, test: Expr, body: [Stmt])] = []
        var keyword = "if"
        var orElse: [Stmt] = []
        while true {
            let loc = tok.loc
            advance()
            let test = try parseTest()
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

    private func parseWhile() throws -> Stmt {
        let loc = tok.loc
        advance()
        let test = try parseTest()
        try expectColon()
        let body = try parseLoopBody(after: "'while' statement", line: loc.line)
        let orElse = try parseElse()
        return Stmt(.while(test: test, body: body, orElse: orElse), loc)
    }

    private func parseFor() throws -> Stmt {
        let loc = tok.loc
        advance()
        let target = try parseTargetList()
        try validateTarget(target, .forLoop)
        guard isKeyword("in") else { throw invalidSyntax() }
        advance()
        let iter = try parseStarExpressions()
        try expectColon()
        let body = try parseLoopBody(after: "'for' statement", line: loc.line)
        let orElse = try parseElse()
        return Stmt(.for(target: target, iter: iter, body: body, orElse: orElse), loc)
    }

    private func parseTry() throws -> Stmt {
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

    private func parseWith(isAsync: Bool, loc: SourceLocation) throws -> Stmt {
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

    private func parseWithItems() throws -> [WithItem] {
        var items = [try parseWithItem()]
        while isOp(",") {
            advance()
            items.append(try parseWithItem())
        }
        return items
    }

    private func parseWithItem() throws -> WithItem {
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

    private func parseFunctionDef(isAsync: Bool, loc: SourceLocation) throws -> Stmt {
        advance()  // 'def'
        let name = try expectName()
        guard isOp("(") else { throw fail("expected '('") }
        let parameters = try nested {
            advance()
            return try parseParameters(closing: ")", allowAnnotations: true)
        }
        if isOp("->") {
            advance()
            _ = try parseTest()
        }
        try expectColon()
        let savedLoops = loopDepth
        loopDepth = 0
        defer { loopDepth = savedLoops }
        let body = try parseBlock(after: "function definition", line: loc.line)
        return Stmt(.functionDef(FunctionDef(name: name, parameters: parameters, body: body, isAsync: isAsync)), loc)
    }

    /// `class NAME[(BASE, ...)]: BLOCK`, for the prelude.
    private func parseClassDef(loc: SourceLocation) throws -> Stmt {
        advance()  // 'class'
        let name = try expectName()
        var bases: [Expr] = []
        if isOp("(") {
            try nested {
                advance()
                while !isOp(")") {
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
        let body = try parseBlock(after: "class definition", line: loc.line)
        return Stmt(.classDef(ClassDef(name: name, bases: bases, body: body)), loc)
    }

    /// Parameters of a `def` (closing ')', annotations parsed and dropped) or
    /// a `lambda` (closing ':'). Consumes the closing token.
    private func parseParameters(closing: String, allowAnnotations: Bool) throws -> Parameters {
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
        func annotation() throws {
            if allowAnnotations && isOp(":") {
                advance()
                _ = try parseTest()
            }
        }

        while !isOp(closing) {
            if parameters.kwargs != nil { throw fail("arguments cannot follow var-keyword argument") }
            if isOp("/") {
                throw unsupported("positional-only parameters ('/')", plural: true, at: tok.loc)
            }
            if isOp("**") {
                advance()
                parameters.kwargs = try name().0
                try annotation()
            } else if isOp("*") {
                if sawStar { throw fail("* argument may appear only once") }
                sawStar = true
                let starLoc = tok.loc
                advance()
                if isOp(",") || isOp(closing) {
                    bareStarLoc = starLoc
                } else {
                    parameters.varargs = try name().0
                    try annotation()
                }
            } else {
                let (n, loc) = try name()
                try annotation()
                var defaultValue: Expr?
                if isOp("=") {
                    advance()
                    defaultValue = try parseTest()
                }
                if sawStar {
                    parameters.keywordOnly.append(Parameter(name: n, defaultValue: defaultValue, loc: loc))
                    bareStarLoc = nil
                } else {
                    if defaultValue == nil && seenDefault {
                        throw error("non-default argument follows default argument", at: loc)
                    }
                    if defaultValue != nil { seenDefault = true }
                    parameters.positional.append(Parameter(name: n, defaultValue: defaultValue, loc: loc))
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

    private func parseImport() throws -> Stmt {
        let loc = tok.loc
        advance()
        var names = [try parseDottedAsName()]
        while isOp(",") {
            advance()
            names.append(try parseDottedAsName())
        }
        return Stmt(.import(names), loc)
    }

    private func parseDottedName() throws -> String {
        var name = try expectName()
        while isOp(".") {
            advance()
            name += "." + (try expectName())
        }
        return name
    }

    private func parseDottedAsName() throws -> ImportName {
        let loc = tok.loc
        let name = try parseDottedName()
        var asName: String?
        if isKeyword("as") {
            advance()
            asName = try expectName()
        }
        return ImportName(name: name, asName: asName, loc: loc)
    }

    private func parseImportAsName() throws -> ImportName {
        let loc = tok.loc
        let name = try expectName()
        var asName: String?
        if isKeyword("as") {
            advance()
            asName = try expectName()
        }
        return ImportName(name: name, asName: asName, loc: loc)
    }

    private func parseFromImport() throws -> Stmt {
        let loc = tok.loc
        advance()
        if isOp(".") || isOp("...") {
            throw unsupported("relative imports ('from . import x')", plural: true, at: tok.loc)
        }
        let module = try parseDottedName()
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

    // MARK: Expressions

    private func parseStarExpressionsOrYield() throws -> Expr {
        if isKeyword("yield") { return try parseYield() }
        return try parseStarExpressions()
    }

    /// `yield`, `yield x`, `yield a, b`, `yield from x`.
    private func parseYield() throws -> Expr {
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
    private func parseStarExpressions() throws -> Expr {
        let first = try parseStarOrTest()
        guard isOp(",") else { return first }
        var items = [first]
        while isOp(",") {
            advance()
            guard startsExpression() else { break }
            items.append(try parseStarOrTest())
        }
        return Expr(.tuple(items), first.loc)
    }

    private func parseStarOrTest() throws -> Expr {
        if isOp("*") { throw starredError() }
        return try parseTest()
    }

    private func starredError() -> Diagnostic {
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
                return unsupported("starred assignment targets ('*name')", plural: true, at: tok.loc)
            default:
                break
            }
            j += 1
        }
        return unsupported("starred expressions ('*x')", plural: true, at: tok.loc)
    }

    /// `lambda`, or a conditional chain `a if c else b if d else e`, read
    /// iteratively.
    func parseTest() throws -> Expr {
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
            current = Expr(.conditional(test: test, body: body, orElse: current), body.loc)
        }
        if isOp(":=") {
            throw unsupported("the walrus operator ':='", at: tok.loc)
        }
        return current
    }

    private func parseLambda() throws -> Expr {
        let loc = tok.loc
        return try nested {
            advance()
            let parameters = try parseParameters(closing: ":", allowAnnotations: false)
            let body = try parseTest()
            return Expr(.lambda(parameters, body), loc)
        }
    }

    private func parseOrTest() throws -> Expr {
        var left = try parseAndTest()
        while isKeyword("or") {
            advance()
            left = Expr(.or(left, try parseAndTest()), left.loc)
        }
        return left
    }

    private func parseAndTest() throws -> Expr {
        var left = try parseNotTest()
        while isKeyword("and") {
            advance()
            left = Expr(.and(left, try parseNotTest()), left.loc)
        }
        return left
    }

    private func parseNotTest() throws -> Expr {
        var nots: [SourceLocation] = []
        while isKeyword("not") {
            nots.append(tok.loc)
            advance()
        }
        var e = try parseComparison()
        for loc in nots.reversed() { e = Expr(.unary(.not, e), loc) }
        return e
    }

    private func parseComparison() throws -> Expr {
        let first = try parseBitwise()
        var rest: [(CompareOp, Expr)] = []
        while let op = comparisonOperator() {
            rest.append((op, try parseBitwise()))
        }
        return rest.isEmpty ? first : Expr(.compare(first, rest), first.loc)
    }

    /// Consumes and returns a comparison operator, if one is next.
    private func comparisonOperator() -> CompareOp? {
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
    private func parseBitwise() throws -> Expr {
        try parseBinaryLevel([("|", .bitOr), ("^", .bitXor), ("&", .bitAnd)][...])
    }

    private func parseBinaryLevel(_ levels: ArraySlice<(String, BinaryOp)>) throws -> Expr {
        guard let (symbol, op) = levels.first else {
            let e = try parseArith()
            if case .op(let o) = tok.kind, ["<<", ">>"].contains(o) {
                throw unsupported("operator '\(o)'", at: tok.loc)
            }
            return e
        }
        var left = try parseBinaryLevel(levels.dropFirst())
        while isOp(symbol) {
            advance()
            left = Expr(.binary(op, left, try parseBinaryLevel(levels.dropFirst())), left.loc)
        }
        return left
    }

    private func parseArith() throws -> Expr {
        var left = try parseTerm()
        while true {
            let op: BinaryOp
            if isOp("+") { op = .add } else if isOp("-") { op = .sub } else { break }
            advance()
            left = Expr(.binary(op, left, try parseTerm()), left.loc)
        }
        return left
    }

    private func parseTerm() throws -> Expr {
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
                throw unsupported("operator '@'", at: tok.loc)
            } else {
                break
            }
            advance()
            left = Expr(.binary(op, left, try parseFactor()), left.loc)
        }
        return left
    }

    /// Prefix `-`, `+` (and the unsupported `~`), read iteratively.
    private func parseUnaryPrefixes() throws -> [(UnaryOp, SourceLocation)] {
        var prefixes: [(UnaryOp, SourceLocation)] = []
        while true {
            if isOp("-") {
                prefixes.append((.neg, tok.loc))
            } else if isOp("+") {
                prefixes.append((.pos, tok.loc))
            } else if isOp("~") {
                throw unsupported("operator '~'", at: tok.loc)
            } else {
                break
            }
            advance()
        }
        return prefixes
    }

    private func applyPrefixes(_ prefixes: [(UnaryOp, SourceLocation)], to e: Expr) -> Expr {
        var result = e
        for (op, loc) in prefixes.reversed() { result = Expr(.unary(op, result), loc) }
        return result
    }

    private func parseFactor() throws -> Expr {
        let prefixes = try parseUnaryPrefixes()
        return applyPrefixes(prefixes, to: try parsePower())
    }

    /// `a ** -b ** c` is `a ** (-(b ** c))`: `**` is right-associative and
    /// its right operand is a unary expression. Read iteratively.
    private func parsePower() throws -> Expr {
        let base = try parseAwaitPrimary()
        guard isOp("**") else { return base }
        var bases = [base]
        var prefixes: [[(UnaryOp, SourceLocation)]] = []
        while isOp("**") {
            advance()
            prefixes.append(try parseUnaryPrefixes())
            bases.append(try parseAwaitPrimary())
        }
        var result = bases[bases.count - 1]
        for k in stride(from: bases.count - 1, through: 1, by: -1) {
            result = applyPrefixes(prefixes[k - 1], to: result)
            result = Expr(.binary(.pow, bases[k - 1], result), bases[k - 1].loc)
        }
        return result
    }

    private func parseAwaitPrimary() throws -> Expr {
        if isKeyword("await") {
            let loc = tok.loc
            advance()
            return Expr(.await(try parsePrimary()), loc)
        }
        return try parsePrimary()
    }

    /// An atom followed by attributes, calls and subscripts.
    private func parsePrimary() throws -> Expr {
        var e = try parseAtom()
        while true {
            if isOp(".") {
                advance()
                e = Expr(.attribute(e, try expectName()), e.loc)
            } else if isOp("(") {
                let openLoc = tok.loc
                let args = try nested {
                    advance()
                    return try parseCallArguments(openLoc: openLoc)
                }
                e = Expr(.call(e, args), e.loc)
            } else if isOp("[") {
                let index = try nested {
                    advance()
                    let index = try parseSubscriptIndex()
                    try expectClose("]", after: nil)
                    return index
                }
                e = Expr(.subscript(e, index), e.loc)
            } else {
                return e
            }
        }
    }

    /// After '(': arguments up to and including ')'.
    private func parseCallArguments(openLoc: SourceLocation) throws -> [Argument] {
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
                let e = try parseTest()
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
    private func parseSubscriptIndex() throws -> Expr {
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

    private func parseSliceItem() throws -> Expr {
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
    private func parseComprehensions() throws -> [Comprehension] {
        var out: [Comprehension] = []
        while true {
            if isKeyword("async"), case .keyword("for") = peekKind(1) {
                throw unsupported("'async for'", at: tok.loc)
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
            out.append(Comprehension(target: target, iter: iter, ifs: ifs))
        }
        return out
    }

    /// The targets of `for` (statement or comprehension): `x`, `a, b`, `(a, b)`, `o.x`, `d[k]`.
    private func parseTargetList() throws -> Expr {
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

    private func parseTargetItem() throws -> Expr {
        if isOp("*") { throw unsupported("starred assignment targets ('*name')", plural: true, at: tok.loc) }
        return try parsePrimary()
    }

    private func parseAtom() throws -> Expr {
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
            return try nested { try parseParenthesized() }
        case .op("["):
            return try nested { try parseList() }
        case .op("{"):
            return try nested { try parseBraces() }
        case .op("..."):
            throw unsupported("'...' (Ellipsis)", at: loc)
        case .op("~"):
            throw unsupported("operator '~'", at: loc)
        default:
            throw invalidSyntax()
        }
    }

    /// `()`, `(x)`, `(x,)`, `(a, b)`, `(yield x)`, `(x for x in y)`.
    private func parseParenthesized() throws -> Expr {
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

    private func parseList() throws -> Expr {
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
    private func parseBraces() throws -> Expr {
        let loc = tok.loc
        advance()
        if isOp("}") {
            advance()
            return Expr(.dict([]), loc)
        }
        if isOp("**") { throw unsupported("dict unpacking ('**')", at: tok.loc) }
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
                if isOp("**") { throw unsupported("dict unpacking ('**')", at: tok.loc) }
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

    // MARK: Strings and f-strings

    /// Adjacent literals: str + str, bytes + bytes, f-strings with either str
    /// kind; bytes never mix with the others.
    private func parseStrings() throws -> Expr {
        let loc = tok.loc
        var literals: [(literal: StringLiteralToken, loc: SourceLocation)] = []
        while case .string(let literal) = tok.kind {
            literals.append((literal, tok.loc))
            advance()
        }
        guard let firstIsBytes = literals.first?.literal.isBytes else { throw invalidSyntax() }
        if let mismatch = literals.first(where: { $0.literal.isBytes != firstIsBytes }) {
            throw error("cannot mix bytes and nonbytes literals", at: mismatch.loc)
        }
        if firstIsBytes {
            var bytes: [UInt8] = []
            for (literal, _) in literals {
                bytes.append(contentsOf: literal.value.map { UInt8(truncatingIfNeeded: $0) })
            }
            return Expr(.bytes(bytes), loc)
        }
        if !literals.contains(where: { $0.literal.isFormat }) {
            var values: [UInt32] = []
            for (literal, _) in literals { values.append(contentsOf: literal.value) }
            return Expr(.string(stringFromScalarValues(values)), loc)
        }
        var parts: [FStringPart] = []
        for (literal, _) in literals {
            if literal.isFormat {
                var i = literal.contentStart
                var scanner = LocationCache(start: literal.contentStart, loc: literal.contentLoc)
                for part in try parseFStringContent(literal, from: &i, inSpec: false, nesting: 0, locations: &scanner) {
                    appendPart(part, to: &parts)
                }
            } else {
                appendPart(.literal(stringFromScalarValues(literal.value)), to: &parts)
            }
        }
        return Expr(.fstring(parts), loc)
    }

    private func appendPart(_ part: FStringPart, to parts: inout [FStringPart]) {
        if case .literal(let text) = part {
            if text.isEmpty { return }
            if case .literal? = parts.last, case .literal(var previous) = parts.removeLast() {
                // Moved out of the array, so appending does not copy.
                previous += text
                parts.append(.literal(previous))
                return
            }
        }
        parts.append(part)
    }

    /// Finds the location of scalar indexes inside one literal, walking
    /// forward from the last index asked for.
    struct LocationCache {
        let start: Int
        let startLoc: SourceLocation
        var index: Int
        var loc: SourceLocation

        init(start: Int, loc: SourceLocation) {
            self.start = start
            self.startLoc = loc
            self.index = start
            self.loc = loc
        }

        mutating func location(of target: Int, in s: [Unicode.Scalar]) -> SourceLocation {
            if target < index {
                index = start
                loc = startLoc
            }
            while index < target && index < s.count {
                if s[index] == "\n" {
                    loc.line += 1
                    loc.column = 1
                } else {
                    loc.column += 1
                }
                index += 1
            }
            return loc
        }
    }

    /// The content of an f-string from `i`: literal text and `{fields}`. In a
    /// format spec, stops at the '}' that closes the field (not consumed).
    private func parseFStringContent(
        _ literal: StringLiteralToken, from i: inout Int, inSpec: Bool, nesting: Int,
        locations: inout LocationCache
    ) throws -> [FStringPart] {
        let end = literal.contentEnd
        var parts: [FStringPart] = []
        var buffer: [UInt32] = []
        var runStart = i

        func flush(to j: Int) throws {
            if j > runStart {
                buffer.append(
                    contentsOf: try decodeStringContent(
                        s, from: runStart, to: j, startLoc: locations.location(of: runStart, in: s),
                        isBytes: false, isRaw: literal.isRaw, path: path))
            }
        }
        func pushBuffer() {
            if !buffer.isEmpty {
                appendPart(.literal(stringFromScalarValues(buffer)), to: &parts)
                buffer = []
            }
        }

        while i < end {
            let c = s[i]
            if c == "\\" && !literal.isRaw && i + 1 < end {
                let next = s[i + 1]
                i += (next == "{" || next == "}") ? 1 : 2
                continue
            }
            if c == "{" {
                if !inSpec && i + 1 < end && s[i + 1] == "{" {
                    try flush(to: i)
                    buffer.append(0x7B)
                    i += 2
                    runStart = i
                    continue
                }
                try flush(to: i)
                pushBuffer()
                i += 1
                parts.append(try parseFStringField(literal, from: &i, nesting: nesting, locations: &locations))
                runStart = i
                continue
            }
            if c == "}" {
                if inSpec { break }
                if i + 1 < end && s[i + 1] == "}" {
                    try flush(to: i)
                    buffer.append(0x7D)
                    i += 2
                    runStart = i
                    continue
                }
                throw error("f-string: single '}' is not allowed", at: locations.location(of: i, in: s))
            }
            i += 1
        }
        try flush(to: min(i, end))
        pushBuffer()
        return parts
    }

    /// A replacement field, from just after its '{' to just after its '}'.
    private func parseFStringField(
        _ literal: StringLiteralToken, from i: inout Int, nesting: Int,
        locations: inout LocationCache
    ) throws -> FStringPart {
        let end = literal.contentEnd
        let braceLoc = locations.location(of: i - 1, in: s)
        if nesting >= 2 { throw error("f-string: expressions nested too deeply", at: braceLoc) }
        let exprStart = i
        var stack: [Unicode.Scalar] = []
        var quote: Unicode.Scalar?
        while i < end {
            let c = s[i]
            if let q = quote {
                if c == q { quote = nil }
                i += 1
                continue
            }
            if c == "\\" {
                throw error("f-string expression part cannot include a backslash", at: locations.location(of: i, in: s))
            }
            if c == "#" {
                throw error("f-string expression part cannot include '#'", at: locations.location(of: i, in: s))
            }
            if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" || c == "[" || c == "{" {
                stack.append(c)
            } else if c == ")" || c == "]" || (c == "}" && !stack.isEmpty) {
                guard let open = stack.popLast() else {
                    throw error("f-string: unmatched '\(c)'", at: locations.location(of: i, in: s))
                }
                let expected: Unicode.Scalar = open == "(" ? ")" : open == "[" ? "]" : "}"
                if c != expected {
                    throw error(
                        "f-string: closing parenthesis '\(c)' does not match opening parenthesis '\(open)'",
                        at: locations.location(of: i, in: s))
                }
            } else if stack.isEmpty {
                if c == "}" || c == ":" { break }
                if c == "!" {
                    if i + 1 < end && s[i + 1] == "=" {
                        i += 2
                        continue
                    }
                    break
                }
                if c == "=" {
                    let next: Unicode.Scalar? = i + 1 < end ? s[i + 1] : nil
                    if next == "=" {
                        i += 2
                        continue
                    }
                    let previous: Unicode.Scalar? = i > exprStart ? s[i - 1] : nil
                    if !(previous == "=" || previous == "!" || previous == "<" || previous == ">") {
                        throw unsupported(
                            "self-documenting f-string fields ('{x=}')", plural: true,
                            at: locations.location(of: i, in: s))
                    }
                }
            }
            i += 1
        }
        if quote != nil || i >= end {
            throw error("f-string: expecting '}'", at: braceLoc)
        }
        if s[exprStart..<i].allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\u{0C}" }) {
            throw error("f-string: empty expression not allowed", at: locations.location(of: i, in: s))
        }
        let exprLoc = locations.location(of: exprStart, in: s)
        let expr = try nested { try parseFieldExpression(from: exprStart, to: i, loc: exprLoc) }

        var conversion: Character?
        if s[i] == "!" {
            i += 1
            guard i + 1 < end, s[i] == "r" || s[i] == "s" || s[i] == "a", s[i + 1] == ":" || s[i + 1] == "}" else {
                throw error(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    at: locations.location(of: min(i, end), in: s))
            }
            conversion = Character(s[i])
            i += 1
        }
        var spec: [FStringPart]?
        if i < end && s[i] == ":" {
            i += 1
            spec = try parseFStringContent(literal, from: &i, inSpec: true, nesting: nesting + 1, locations: &locations)
        }
        guard i < end && s[i] == "}" else { throw error("f-string: expecting '}'", at: braceLoc) }
        i += 1
        return .field(expr, conversion: conversion, spec: spec)
    }

    /// Lexes and parses the expression of a field with this same parser, so
    /// that errors carry their true line and column.
    private func parseFieldExpression(from start: Int, to end: Int, loc: SourceLocation) throws -> Expr {
        func prefixed(_ d: Diagnostic) -> Diagnostic {
            var d = d
            if !d.message.hasPrefix("f-string") { d.message = "f-string: " + d.message }
            return d
        }
        var lexer = Lexer(scalars: s, path: path, fieldFrom: start, to: end, loc: loc)
        let fieldTokens = lexer.tokenize()
        if let e = lexer.error { throw prefixed(e) }
        let sub = TraceParser(path: path, scalars: s, tokens: fieldTokens, lexError: nil, depth: depth)
        do {
            let e = sub.isKeyword("yield") ? try sub.parseYield() : try sub.parseStarExpressions()
            guard sub.isEOF else { throw sub.invalidSyntax() }
            return e
        } catch let d as Diagnostic {
            throw prefixed(d)
        }
    }
}
