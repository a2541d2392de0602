import Testing

@testable import TraceLanguage

@Suite struct StatementParserTests {
    @Test func anEmptyFileIsAnEmptyModule() throws {
        #expect(try Parser.parse(SourceFile(path: "t", text: "")).body.isEmpty)
        #expect(try Parser.parse(SourceFile(path: "t", text: "# only a comment\n\n   # another\n")).body.isEmpty)
    }

    @Test func theLastLineNeedsNoNewline() throws {
        #expect(try dump("x = 1") == "(= x 1)")
        #expect(try dump("if x:\n    pass") == "(if x (pass))")
    }

    @Test func crlfLineEndingsAreNewlines() throws {
        #expect(try dump("if x:\r\n    y = 1\r\nz = 2\r\n") == "(if x ((= y 1)))\n(= z 2)")
    }

    @Test func assignmentsChainAndUnpackTuplesAndLists() throws {
        #expect(try dump("a = b = 1") == "(= a b 1)")
        #expect(try dump("a, b = 1, 2") == "(= (tuple a b) (tuple 1 2))")
        #expect(try dump("(a, b) = [c, d] = x") == "(= (tuple a b) (list c d) x)")
        #expect(try dump("x[i] = o.attr = y") == "(= (sub x i) (. o attr) y)")
        #expect(try dump("a, (b, c) = x") == "(= (tuple a (tuple b c)) x)")
    }

    @Test func augmentedAssignmentsTakeEverySupportedOperator() throws {
        #expect(
            try dump("a += 1\nb -= 1\nc *= 1\nd /= 1\ne //= 1\nf %= 1\ng **= 1\nx.y += 1\nz[0] += 1")
                == "(+= a 1)\n(-= b 1)\n(*= c 1)\n(/= d 1)\n(//= e 1)\n(%= f 1)\n(**= g 1)\n(+= (. x y) 1)\n(+= (sub z 0) 1)"
        )
    }

    @Test func annotatedAssignmentsKeepTheirAnnotation() throws {
        #expect(try dump("x: int = 5") == "(: x int 5)")
        #expect(try dump("self.x: list[int] = []") == "(:complex (. self x) (sub list int) (list))")
        #expect(try dump("x: int") == "(: x int _)")
        #expect(try dump("(x): int") == "(:complex x int _)")
    }

    @Test func ifElifElseNestsElifInOrElse() throws {
        #expect(
            try dump("if a:\n    x\nelif b:\n    y\nelif c:\n    z\nelse:\n    w\n")
                == "(if a (x) ((if b (y) ((if c (z) (w))))))")
    }

    @Test func whileAndForTakeElseClauses() throws {
        #expect(try dump("while x:\n    break\nelse:\n    pass\n") == "(while x (break) (pass))")
        #expect(
            try dump("for a, b in pairs:\n    continue\nelse:\n    pass\n")
                == "(for (tuple a b) pairs (continue) (pass))")
        #expect(try dump("for x in 1, 2:\n    pass\n") == "(for x (tuple 1 2) (pass))")
    }

    @Test func compoundBodiesMayFollowTheColonOnTheSameLine() throws {
        #expect(try dump("if x: a = 1; b = 2\nelse: pass\n") == "(if x ((= a 1) (= b 2)) (pass))")
    }

    @Test func simpleStatementsJoinWithSemicolons() throws {
        #expect(try dump("a = 1; b = 2;\n") == "(= a 1)\n(= b 2)")
    }

    @Test func returnTakesNothingAValueOrAnImplicitTuple() throws {
        #expect(
            try dump("def f():\n    return\n    return 1\n    return a, b\n")
                == "(def f () ((return) (return 1) (return (tuple a b))))")
    }

    @Test func raiseTakesNothingAnExceptionAndACause() throws {
        #expect(
            try dump("raise\nraise ValueError('x')\nraise A from e\n")
                == "(raise _ _)\n(raise (call ValueError \"x\") _)\n(raise A e)")
    }

    @Test func tryTakesHandlersElseAndFinally() throws {
        let source = """
            try:
                a
            except ValueError:
                b
            except (KeyError, IndexError) as e:
                c
            except:
                d
            else:
                f
            finally:
                g
            """
        #expect(
            try dump(source)
                == "(try (a) [(except ValueError _ (b)) (except (tuple KeyError IndexError) e (c)) (except _ _ (d))] (f) (g))"
        )
        #expect(try dump("try:\n    a\nfinally:\n    b\n") == "(try (a) [] () (b))")
    }

    @Test func exceptStarMarksItsHandlers() throws {
        #expect(
            try dump("try:\n    a\nexcept* ValueError as eg:\n    b\n")
                == "(try (a) [(except* ValueError eg (b))] () ())")
    }

    @Test func assertTakesAnOptionalMessage() throws {
        #expect(
            try dump("assert x\nassert x > 0, 'positive'\n")
                == "(assert x _)\n(assert (cmp x > 0) \"positive\")")
    }

    @Test func withTakesSeveralItemsAndTargets() throws {
        #expect(try dump("with a as b, c:\n    pass\n") == "(with [(a b) (c _)] (pass))")
        #expect(try dump("async with lock:\n    pass\n") == "(async-with [(lock _)] (pass))")
        #expect(try dump("with (a as b, c as d):\n    pass\n") == "(with [(a b) (c d)] (pass))")
        #expect(try dump("with (a, b) as (c, d):\n    pass\n") == "(with [((tuple a b) (tuple c d))] (pass))")
        #expect(try dump("with (yield x):\n    pass\n") == "(with [((yield x) _)] (pass))")
    }

    @Test func functionDefinitionsTakeEveryParameterFormAndDropAnnotations() throws {
        #expect(
            try dump("def f(a, b: int = 1, *args: int, c, d=2, **kw: str) -> None:\n    pass\n")
                == "(def f (a b=1 *args c d=2 **kw) (pass))")
        #expect(try dump("async def g(*, k):\n    await k\n") == "(async-def g (* k) ((await k)))")
    }

    @Test func functionsNestAtAnyLevel() throws {
        #expect(
            try dump("if x:\n    def f():\n        async def g(): return 1\n        return g\n")
                == "(if x ((def f () ((async-def g () ((return 1))) (return g)))))")
    }

    @Test func globalAndNonlocalListNames() throws {
        #expect(try dump("global a, b\nnonlocal c\n") == "(global a b)\n(nonlocal c)")
    }

    @Test func importsTakeDottedNamesAndAliases() throws {
        #expect(
            try dump("import asyncio, concurrent.futures as cf\n")
                == "(import asyncio (concurrent.futures as cf))")
        #expect(
            try dump("from a.b import x, y as z\nfrom M import (p,\n    q,)\n")
                == "(from a.b x (y as z))\n(from M p q)")
    }

    @Test func yieldFormsAreStatementsAndRightHandSides() throws {
        #expect(
            try dump("def g():\n    yield\n    yield 1, 2\n    x = yield\n    y = yield from h()\n    z += yield a\n")
                == "(def g () ((yield) (yield (tuple 1 2)) (= x (yield)) (= y (yield-from (call h))) (+= z (yield a))))"
        )
    }

    @Test func matchIsANameUnlessItStartsAMatchStatement() throws {
        #expect(
            try dump("match = re(x)\nmatch(y)\nmatch.group(1)\n")
                == "(= match (call re x))\n(call match y)\n(call (. match group) 1)")
    }

    @Test func returnYieldAndAwaitOutsideFunctionsAreLeftToTheCompiler() throws {
        #expect(try dump("return 1\nawait x\nyield\n") == "(return 1)\n(await x)\n(yield)")
    }

    @Test func tabsIndentLikeEightSpacesWhenUsedConsistently() throws {
        #expect(try dump("if x:\n\tif y:\n\t\tpass\n\tz\n") == "(if x ((if y (pass)) z))")
    }

    @Test func commentsAndBlankLinesDoNotAffectIndentation() throws {
        #expect(try dump("if x:\n\n# c\n        # d\n    a\n\n    b  # e\nc\n") == "(if x (a b))\nc")
    }
}
