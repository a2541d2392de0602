/// Expressions: operators, names, displays, calls, f-strings, subscripts
/// and comprehensions (each a function of its own, called at once).
extension FunctionCompiler {
    func compile(_ e: Expr) {
        loc = e.loc
        switch e.kind {
        case .none: emit(.loadNone)
        case .bool(let b): emit(.loadConst(constant(.bool(b))))
        case .int(let i): emit(.loadConst(constant(.int(i))))
        case .float(let d): emit(.loadConst(constant(.float(d))))
        case .string(let s): emit(.loadConst(constant(.string(s))))
        case .bytes(let b): emit(.loadConst(constant(.bytes(b))))
        case .fstring(let parts):
            compileFString(parts)
        case .name(let n):
            load(n)
        case .attribute(let o, let attr):
            compile(o)
            loc = e.loc
            emit(.loadAttr(name(attr)))
        case .call(let f, let args):
            compileCall(f, args, e.loc)
        case .subscript(let o, let i):
            compile(o)
            compileIndex(i)
            loc = e.loc
            emit(.loadSubscript)
        case .slice:
            unit.error(e.loc, "a slice is only allowed inside []")
        case .list(let xs) where Self.hasStarred(xs), .tuple(let xs) where Self.hasStarred(xs),
            .set(let xs) where Self.hasStarred(xs):
            compileStarredDisplay(e)
        case .list(let xs):
            for x in xs { compile(x) }
            loc = e.loc
            emit(.buildList(Int32(xs.count)))
        case .tuple(let xs):
            for x in xs { compile(x) }
            loc = e.loc
            emit(.buildTuple(Int32(xs.count)))
        case .set(let xs):
            for x in xs { compile(x) }
            loc = e.loc
            emit(.buildSet(Int32(xs.count)))
        case .dict(let pairs):
            for p in pairs {
                compile(p.key)
                compile(p.value)
            }
            loc = e.loc
            emit(.buildDict(Int32(pairs.count)))
        case .listComp(let el, let gens): compileComprehension(e, 2, gens) { fc in fc.compile(el) }
        case .setComp(let el, let gens): compileComprehension(e, 3, gens) { fc in fc.compile(el) }
        case .dictComp(let k, let v, let gens):
            compileComprehension(e, 4, gens) { fc in
                fc.compile(k)
                fc.compile(v)
            }
        case .generatorExp(let el, let gens): compileComprehension(e, 5, gens) { fc in fc.compile(el) }
        case .binary(let op, let a, let b):
            compile(a)
            compile(b)
            loc = e.loc
            emit(.binary(op))
        case .unary(let op, let a):
            compile(a)
            loc = e.loc
            emit(.unary(op))
        case .and(let a, let b):
            compile(a)
            let j = emit(.jumpIfFalseOrPop(0))
            compile(b)
            patch(j, to: here)
        case .or(let a, let b):
            compile(a)
            let j = emit(.jumpIfTrueOrPop(0))
            compile(b)
            patch(j, to: here)
        case .compare(let first, let rest):
            compile(first)
            if rest.count == 1 {
                compile(rest[0].1)
                loc = e.loc
                emit(.compare(rest[0].0))
                return
            }
            var cleanups: [Int] = []
            for (i, (op, x)) in rest.enumerated() {
                compile(x)
                loc = e.loc
                if i < rest.count - 1 {
                    emit(.dup)
                    emit(.rot3)
                    emit(.compare(op))
                    cleanups.append(emit(.jumpIfFalseOrPop(0)))
                } else {
                    emit(.compare(op))
                }
            }
            let end = emit(.jump(0))
            for c in cleanups { patch(c, to: here) }
            emit(.rot2)
            emit(.pop)
            patch(end, to: here)
        case .conditional(let test, let body, let orElse):
            compile(test)
            let j = emit(.popJumpIfFalse(0))
            compile(body)
            let end = emit(.jump(0))
            patch(j, to: here)
            compile(orElse)
            patch(end, to: here)
        case .lambda(let params, let body):
            let child = childScope(e.loc, 6)
            if child.isGenerator {
                unit.error(
                    e.loc, "'yield' inside a lambda is not supported in a trace; write a generator function with def")
            }
            makeFunction(child, name: "<lambda>", loc: e.loc, parameters: params) { fc in
                fc.compile(body)
                fc.emit(.returnValue)
            }
        case .await(let x):
            if !scope.isAsync {
                unit.error(
                    e.loc,
                    scope.kind == .module || scope.kind == .classBody || isExpect
                        ? "'await' outside function" : "'await' outside async function")
            }
            if case .call(let f, let args) = x.kind, case .attribute(let o, "sleep") = f.kind,
                case .name = o.kind, args.count == 1, case .positional(let delay) = args[0]
            {
                // `await M.sleep(d)`: when M is asyncio at run time, `awaitSleep` does the
                // whole sleep natively and jumps past the general call-and-await below.
                compile(o)
                compile(delay)
                loc = e.loc
                let fast = emit(.awaitSleep(name: name("sleep"), target: 0))
                emit(.callMethod(name: name("sleep"), argc: 1))
                emitAwait()
                patch(fast, to: here)
                return
            }
            compile(x)
            loc = e.loc
            emitAwait()
        case .yield(let x):
            checkYieldPlace(e.loc)
            if let x { compile(x) } else { emit(.loadNone) }
            loc = e.loc
            if scope.isAsync { emit(.asyncGenWrap) }
            emit(.yieldValue)
        case .ellipsis: emit(.loadConst(constant(.ellipsis)))
        case .starred:
            unit.error(e.loc, "can't use starred expression here")
        case .namedExpr(let n, let value):
            compile(value)
            loc = e.loc
            emit(.dup)
            store(n)
        case .dictUnpacking(let items):
            compileDictUnpacking(items, e.loc)
        case .yieldFrom(let x):
            checkYieldPlace(e.loc)
            if scope.isAsync { unit.error(e.loc, "'yield from' inside async function") }
            compile(x)
            loc = e.loc
            emit(.getYieldFromIter)
            emit(.loadNone)
            emit(.yieldFrom)
        }
    }

    /// `yield` and `yield from` only in a function's own body (CPython's
    /// "'yield' outside function", "'yield' inside list comprehension").
    func checkYieldPlace(_ loc: SourceLocation) {
        switch scope.kind {
        case .module, .classBody: unit.error(loc, "'yield' outside function")
        case .comprehension:
            let what = [2: "list comprehension", 3: "set comprehension", 4: "dict comprehension"]
            unit.error(loc, "'yield' inside \(what[scope.key.tag] ?? "generator expression")")
        case .function, .lambda: if isExpect { unit.error(loc, "'yield' outside function") }
        }
    }

    func compileIndex(_ i: Expr) {
        if case .slice(let a, let b, let c) = i.kind {
            for x in [a, b, c] {
                if let x { compile(x) } else { emit(.loadNone) }
            }
            emit(.buildSlice)
        } else {
            compile(i)
        }
    }

    func compileFString(_ parts: [FStringPart]) {
        var n: Int32 = 0
        for p in parts {
            switch p {
            case .literal(let s):
                emit(.loadConst(constant(.string(s))))
            case .field(let e, let conversion, let spec):
                compile(e)
                if let spec { compileFString(spec) }
                let conv: UInt8
                switch conversion {
                case "s": conv = 1
                case "r": conv = 2
                case "a": conv = 3
                default: conv = 0
                }
                emit(.formatValue(conversion: conv, hasSpec: spec != nil))
            }
            n += 1
        }
        if n == 0 {
            emit(.loadConst(constant(.string(""))))
        } else if n > 1 {
            emit(.buildString(n))
        }
    }

    func compileCall(_ f: Expr, _ args: [Argument], _ callLoc: SourceLocation) {
        var hasStar = false
        var keywordNames: [String] = []
        for a in args {
            switch a {
            case .star, .doubleStar: hasStar = true
            case .keyword(let k, _): keywordNames.append(k)
            case .positional: break
            }
        }
        if !hasStar, keywordNames.isEmpty, case .attribute(let o, let attr) = f.kind {
            compile(o)
            for a in args { if case .positional(let x) = a { compile(x) } }
            loc = callLoc
            emit(.callMethod(name: name(attr), argc: Int32(args.count)))
            return
        }
        compile(f)
        if !hasStar {
            for a in args { if case .positional(let x) = a { compile(x) } }
            for a in args { if case .keyword(_, let x) = a { compile(x) } }
            loc = callLoc
            if keywordNames.isEmpty {
                emit(.call(Int32(args.count)))
            } else {
                emit(.callKw(argc: Int32(args.count), names: constant(.names(keywordNames))))
            }
            return
        }
        emit(.buildList(0))
        for a in args {
            switch a {
            case .positional(let x):
                compile(x)
                emit(.listAppend(1))
            case .star(let x):
                compile(x)
                emit(.listExtend(1))
            default: break
            }
        }
        let hasKeywords = args.contains {
            if case .keyword = $0 { return true }; if case .doubleStar = $0 { return true }; return false
        }
        if hasKeywords {
            emit(.buildDict(0))
            for a in args {
                switch a {
                case .keyword(let k, let x):
                    emit(.loadConst(constant(.string(k))))
                    compile(x)
                    emit(.mapAdd(1))
                case .doubleStar(let x):
                    compile(x)
                    emit(.dictMerge(1))
                default: break
                }
            }
        } else {
            emit(.loadNone)
        }
        loc = callLoc
        emit(.callEx)
    }

    /// A comprehension is a hidden function called at once with the iterator
    /// of its first iterable (which is evaluated in the enclosing scope).
    func compileComprehension(
        _ e: Expr, _ tag: Int, _ gens: [Comprehension],
        element: @escaping (FunctionCompiler) -> Void
    ) {
        let child = childScope(e.loc, tag)
        let names = [2: "<listcomp>", 3: "<setcomp>", 4: "<dictcomp>", 5: "<genexpr>"]
        makeFunction(
            child, name: names[tag]!, loc: e.loc,
            parameters: Parameters(positional: [
                Parameter(name: ".0", defaultValue: nil, loc: e.loc)
            ])
        ) { fc in
            switch tag {
            case 2: fc.emit(.buildList(0))
            case 3: fc.emit(.buildSet(0))
            case 4: fc.emit(.buildDict(0))
            default: break
            }
            var exits: [(forIter: Int, start: Int, isAsync: Bool)] = []
            for (i, g) in gens.enumerated() {
                if i == 0 {
                    fc.emit(.loadFast(0))
                } else {
                    fc.compile(g.iter)
                    fc.emit(g.isAsync ? .getAIter : .getIter)
                }
                let start = fc.here
                let exit = g.isAsync ? fc.emitAsyncNext() : fc.emit(.forIter(0))
                exits.append((exit, start, g.isAsync))
                fc.compileStore(g.target)
                for cond in g.ifs {
                    fc.compile(cond)
                    fc.emit(.popJumpIfFalse(Int32(start)))
                }
            }
            element(fc)
            fc.loc = e.loc
            let depth = Int32(gens.count + 1)
            switch tag {
            case 2: fc.emit(.listAppend(depth))
            case 3: fc.emit(.setAdd(depth))
            case 4: fc.emit(.mapAdd(depth))
            default:
                if child.isAsync { fc.emit(.asyncGenWrap) }
                fc.emit(.yieldValue)
                fc.emit(.pop)
            }
            for (exit, start, isAsync) in exits.reversed() {
                fc.emit(.jump(Int32(start)))
                fc.patch(exit, to: fc.here)
                if isAsync { fc.emit(.endAsyncFor) }
            }
            if tag == 5 { fc.emit(.loadNone) }
            fc.emit(.returnValue)
        }
        compile(gens[0].iter)
        emit(gens[0].isAsync ? .getAIter : .getIter)
        loc = e.loc
        emit(.call(1))
        if child.isAsync && tag != 5 {
            // An asynchronous list, set or dict comprehension is a coroutine, awaited at once.
            if !scope.isAsync {
                unit.error(e.loc, "asynchronous comprehension outside of an asynchronous function")
            }
            emitAwait()
        }
    }
}
