// The compiler's `match` statement: each case evaluates the values its
// pattern compares with, then one `matchPattern` instruction matches the
// subject natively and hands back the captures, which are bound only when
// the whole pattern matched (as CPython 3.11 binds them).

extension FunctionCompiler {
    /// ```
    ///         SUBJECT
    /// case_i: dup; VALUES; matchPattern; popJumpIfFalse fail_i
    ///         unpackSequence n; store names; [GUARD; popJumpIfFalse next_i]
    ///         pop; BODY; jump end
    /// fail_i: pop
    /// next_i: ...
    ///         pop
    /// end:
    /// ```
    func compileMatch(_ subject: Expr, _ cases: [MatchCase]) {
        compile(subject)
        var ends: [Int] = []
        for c in cases {
            loc = c.loc
            var names: [String] = []
            let program = matchProgram(c.pattern, &names)
            emit(.dup)
            compilePatternValues(c.pattern)
            loc = c.pattern.loc
            emit(
                .matchPattern(
                    pattern: constant(.pattern(program, captures: names.count)), values: Int32(program.valueCount)))
            let fail = emit(.popJumpIfFalse(0))
            emit(.unpackSequence(Int32(names.count)))
            for n in names { store(n) }
            var next: Int?
            if let g = c.guardExpr {
                compile(g)
                next = emit(.popJumpIfFalse(0))
            }
            emit(.pop)
            compileStatements(c.body)
            ends.append(emit(.jump(0)))
            patch(fail, to: here)
            emit(.pop)
            if let next { patch(next, to: here) }
        }
        emit(.pop)
        for e in ends { patch(e, to: here) }
    }

    /// The pattern's program; `names` collects its capture slots in order.
    func matchProgram(_ p: Pattern, _ names: inout [String]) -> MatchProgram {
        func slot(_ n: String) -> Int32 {
            if let i = names.firstIndex(of: n) { return Int32(i) }
            names.append(n)
            return Int32(names.count - 1)
        }
        switch p.kind {
        case .value: return .value
        case .singleton(let e):
            switch e.kind {
            case .none: return .singleton(0)
            case .bool(let b): return .singleton(b ? 1 : 2)
            default: return .value
            }
        case .capture(nil), .star(nil): return .wildcard
        case .capture(let n?), .star(let n?): return .capture(slot(n))
        case .sequence(let items):
            let star = items.firstIndex { if case .star = $0.kind { return true } else { return false } }
            if let star,
                items[(star + 1)...].contains(where: { if case .star = $0.kind { return true } else { return false } })
            {
                unit.error(items[star].loc, "multiple starred names in sequence pattern")
            }
            return .sequence(items.map { matchProgram($0, &names) }, star: star)
        case .mapping(let keys, let patterns, let rest):
            let programs = patterns.map { matchProgram($0, &names) }
            return .mapping(keys: keys.count, programs, rest: rest.map(slot))
        case .classPattern(_, let positional, let keywords):
            var seen = Set<String>()
            for k in keywords where !seen.insert(k.name).inserted {
                unit.error(k.pattern.loc, "attribute name repeated in class pattern: \(k.name)")
            }
            return .classPattern(
                positional: positional.map { matchProgram($0, &names) }, keywords: keywords.map(\.name),
                keywords.map { matchProgram($0.pattern, &names) })
        case .or(let alternatives):
            // Every alternative binds the same names (the parser checked): the same slots.
            return .or(alternatives.map { matchProgram($0, &names) })
        case .asPattern(let inner, let n):
            let program = matchProgram(inner, &names)
            return .asPattern(program, slot(n))
        }
    }

    /// The values the pattern compares with, in the order its program consumes them.
    func compilePatternValues(_ p: Pattern) {
        switch p.kind {
        case .value(let e): compile(e)
        case .singleton(let e):
            if case .none = e.kind { break }
            if case .bool = e.kind { break }
            compile(e)
        case .capture, .star: break
        case .sequence(let items), .or(let items): for i in items { compilePatternValues(i) }
        case .mapping(let keys, let patterns, _):
            for k in keys { compile(k) }
            for i in patterns { compilePatternValues(i) }
        case .classPattern(let cls, let positional, let keywords):
            compile(cls)
            for i in positional { compilePatternValues(i) }
            for k in keywords { compilePatternValues(k.pattern) }
        case .asPattern(let inner, _): compilePatternValues(inner)
        }
    }
}
