import Testing

@testable import TraceLanguage

/// `del`, `:=`, star-unpacking, f-string `{x=}`, annotations, `async for`,
/// async generators and comprehensions, and `match`: how they parse, and
/// what the compiler rejects (CPython's messages and positions).
@Suite struct StatementFeatureTests {
    func diagnostics(_ source: String) -> [String] {
        switch TraceLoader.load(SourceFile(path: "t.trace", text: source)) {
        case .success: return []
        case .failure(.invalid(let errors)): return errors.diagnostics.map(\.description)
        case .failure(.unreadable(let why)): return [why]
        }
    }

    /// The code object of the first function defined in `source`.
    func firstFunction(_ source: String) throws -> CodeObject? {
        guard case .success(let t) = TraceLoader.load(SourceFile(path: "t.trace", text: source)) else { return nil }
        return t.compiled.code.constants.lazy.compactMap { c -> CodeObject? in
            if case .code(let code) = c { return code } else { return nil }
        }.first
    }

    @Test func delTakesSeveralTargetsOfEveryKind() throws {
        #expect(
            try dump("del a, b.c, d[0], e[1:2], (f, [g])")
                == "(del a (. b c) (sub d 0) (sub e (slice 1 2 _)) (tuple f (list g)))")
    }

    @Test func theWalrusParsesWhereCPythonAllowsIt() throws {
        #expect(try dump("while (x := f()) is not None: pass") == "(while (cmp (:= x (call f)) is not None) (pass))")
        #expect(try dump("if n := len(a): pass") == "(if (:= n (call len a)) (pass))")
        #expect(try dump("print(y := 1)") == "(call print (:= y 1))")
        #expect(try dump("[y for x in a if (y := x)]") == "(listcomp y (for x a (if (:= y x))))")
    }

    @Test func starredTargetsAndDisplays() throws {
        #expect(try dump("a, *b = c") == "(= (tuple a (* b)) c)")
        #expect(try dump("for x, *y in z: pass") == "(for (tuple x (* y)) z (pass))")
        #expect(try dump("[*a, b, *c]") == "(list (* a) b (* c))")
        #expect(try dump("{**a, 'k': 1, **b}") == "(dict (_ a) (\"k\" 1) (_ b))")
        #expect(try dump("f(*a, *b, **c, **d)") == "(call f (* a) (* b) (** c) (** d))")
    }

    @Test func selfDocumentingFieldsKeepTheirSourceText() throws {
        #expect(try dump("f'{x=}'") == "(f \"x=\" {x !r})")
        #expect(try dump("f'{x = !s:>5}'") == "(f \"x = \" {x !s :\">5\"})")
        #expect(try dump("f'{x=:.2f}'") == "(f \"x=\" {x :\".2f\"})")
        #expect(try dump("f'{a != b}'") == "(f {(cmp a != b)})")
    }

    @Test func asyncForAndAsyncComprehensionsParse() throws {
        #expect(
            try dump("async def f():\n    async for x in y:\n        break\n    else:\n        pass\n")
                == "(async-def f () ((async-for x y (break) (pass))))")
        #expect(try dump("[x async for x in y]") == "(listcomp x (async-for x y))")
    }

    @Test func matchStatementsParseEveryKindOfPattern() throws {
        let source = """
            match cmd:
                case None | True:
                    pass
                case [1, -2, *rest] if rest:
                    pass
                case {'k': v, **others}:
                    pass
                case Point(0, y=Color.RED) as p:
                    pass
                case (a, b) | [a, b]:
                    pass
                case _:
                    pass

            """
        #expect(
            try dump(source)
                == "(match cmd (case (| (is None) (is True)) (pass)) (case [(== 1) (== (neg 2)) *rest] (if rest) (pass)) "
                + "(case {\"k\": v **others} (pass)) (case (as (cls Point (== 0) y=(== (. Color RED))) p) (pass)) "
                + "(case (| [a b] [a b]) (pass)) (case _ (pass)))")
    }

    @Test func matchAndCaseStayOrdinaryNames() throws {
        #expect(try dump("match = 1\ncase = match") == "(= match 1)\n(= case match)")
    }

    @Test func theCompilerRejectsWhatCPythonRejects() {
        #expect(
            diagnostics("def f():\n    async for x in y: pass\n") == ["t.trace:2:5: 'async for' outside async function"]
        )
        #expect(
            diagnostics("def f():\n    return [x async for x in y]\n") == [
                "t.trace:2:12: asynchronous comprehension outside of an asynchronous function"
            ])
        #expect(
            diagnostics("async def f():\n    yield 1\n    return 2\n") == [
                "t.trace:3:5: 'return' with value in async generator"
            ])
        #expect(diagnostics("*a, *b = c\n") == ["t.trace:1:1: multiple starred expressions in assignment"])
        #expect(diagnostics("*a = c\n") == ["t.trace:1:1: starred assignment target must be in a list or tuple"])
        #expect(diagnostics("x = *a\n") == ["t.trace:1:5: can't use starred expression here"])
        #expect(
            diagnostics("x = [i for i in range(3) if (i := 0)]\n") == [
                "t.trace:1:30: assignment expression cannot rebind comprehension iteration variable 'i'"
            ])
        #expect(
            diagnostics("match x:\n    case P(a=1, a=2): pass\n") == [
                "t.trace:2:19: attribute name repeated in class pattern: a"
            ])
    }

    @Test func asyncDefWithYieldIsAnAsyncGenerator() throws {
        let code = try #require(try firstFunction("async def g():\n    await x\n    yield 1\n"))
        #expect(code.isCoroutine && code.isGenerator)
        #expect(code.ops.contains { if case .asyncGenWrap = $0 { return true } else { return false } })
    }

    @Test func aWalrusInAComprehensionBindsInTheEnclosingFunction() throws {
        let code = try #require(try firstFunction("def f(a):\n    [y for x in a if (y := x)]\n    return y\n"))
        #expect(code.cellNames == ["y"])
    }

    @Test func functionsEvaluateAnnotationsOnlyWithoutTheFutureImport() throws {
        let plain = try #require(try firstFunction("def f(a: int) -> str:\n    x: list = 1\n"))
        #expect(plain.ops.count == 4)  // storeFast x; loadNone; returnValue, and the constant's load
        guard
            case .success(let t) = TraceLoader.load(
                SourceFile(path: "t.trace", text: "def f(a: int) -> str:\n    pass\n"))
        else { return }
        let module = t.compiled.code.ops
        guard
            case .success(let future) = TraceLoader.load(
                SourceFile(
                    path: "t.trace", text: "from __future__ import annotations\ndef f(a: int) -> str:\n    pass\n"))
        else { return }
        // Without the import: two annotations loaded and dropped before makeFunction.
        #expect(module.filter { if case .pop = $0 { return true } else { return false } }.count == 2)
        // With it, only the `__future__` module's import pops (its module, as any `from` import).
        #expect(future.compiled.code.ops.filter { if case .pop = $0 { return true } else { return false } }.count == 1)
    }

    @Test func aClassBodyRecordsItsAnnotationsInItsNamespace() throws {
        let source = "class Point:\n    x: int = 0\n    y: float\n"
        let module = try Parser.parse(SourceFile(path: "t.trace", text: source))
        let compiled = try Compiler.compile(module, file: SourceFile(path: "t.trace", text: source))
        let body = try #require(
            compiled.code.constants.lazy.compactMap { c -> CodeObject? in
                if case .code(let code) = c { return code } else { return nil }
            }.first)
        #expect(body.localNames.contains("__annotations__"))
        // `__annotations__` made first; two annotations stored into it.
        #expect(body.ops.filter { if case .storeSubscript = $0 { return true } else { return false } }.count == 2)
        if case .buildDict(0) = body.ops[0] {} else { Issue.record("the body does not start with an empty dict") }
    }
}
