import Testing

@testable import TraceLanguage

/// The parser reports every syntax error of a file: after an error it resumes
/// at the next statement of the same block, and what the broken statement
/// spans (its indented block, its `else` clauses) yields no error of its own.
@Suite("Parser recovery")
struct ParserRecoveryTests {
    @Test("a missing colon skips the header's block; the next function's error is reported too")
    func missingColons() {
        let source = """
            def f(x)
                return x
            def g():
                while True
                    pass
                return 1
            y = = 2

            """
        #expect(parseError(source) == "1:9: expected ':'\n4:15: expected ':'\n7:5: invalid syntax")
    }

    @Test("an `if` whose header is broken takes its `elif` and `else` with it")
    func brokenIfTakesItsClauses() {
        let source = """
            if x
                a = 1
            elif y:
                a = 2
            else:
                a = 3
            b = = 1

            """
        #expect(parseError(source) == "1:5: expected ':'\n7:5: invalid syntax")
    }

    @Test("a broken `else` clause of a `try` is one error")
    func brokenClause() {
        let source = """
            try:
                pass
            except ValueError
                pass
            finally:
                pass
            z = 1

            """
        #expect(parseError(source) == "3:18: expected ':'")
    }

    @Test("an unexpected indent skips the indented lines, and parsing goes on after them")
    func unexpectedIndent() {
        let source = """
            def f():
                x = 1
                  y = 2
                  z = = 3
                return x
            w = = 4

            """
        #expect(parseError(source) == "3:7: unexpected indent\n6:5: invalid syntax")
    }

    @Test("an error inside a block resumes in that block: later statements of the function are parsed")
    func errorInsideABlock() {
        let source = """
            async def main():
                x = (1 +)
                for i in range(3):
                    y = i +
                class K(*bases):
                    pass
                return y

            """
        #expect(
            parseError(source)
                == "2:13: invalid syntax\n4:16: invalid syntax\n5:13: '*' in class bases is not supported "
                + "in a trace; list the base classes one by one")
    }

    @Test("a broken `case` pattern is one error, not one per following case")
    func brokenCase() {
        let source = """
            match x:
                case 1 +:
                    pass
                case 2:
                    pass
            y = = 1

            """
        #expect(parseError(source).split(separator: "\n").count == 2)
        #expect(parseError(source).hasSuffix("\n6:5: invalid syntax"))
    }

    @Test("the statements without errors are kept; a block whose statements all fail holds `pass`")
    func partialModule() {
        let (module, diagnostics) = Parser.parseRecovering(
            SourceFile(path: "t.trace", text: "def f():\n    x = = 1\ny = 2\n"))
        #expect(diagnostics.count == 1)
        #expect(module.body.count == 2)
        guard case .functionDef(let def) = module.body[0].kind else {
            Issue.record("expected a function")
            return
        }
        guard case .pass = def.body.first?.kind else {
            Issue.record("expected pass in the emptied body")
            return
        }
    }

    @Test("a file with many errors shows fifty, then counts the rest")
    func manyErrorsAreCapped() {
        let source = (1...60).map { "x\($0) = = \($0)\n" }.joined()
        let file = SourceFile(path: "t.trace", text: source)
        let (_, diagnostics) = Parser.parseRecovering(file)
        #expect(diagnostics.count == 60)
        let shown = InvalidSource(file: file, diagnostics: diagnostics).shown
        #expect(shown.count == 50)
        #expect(shown.last?.rendered.hasSuffix("\nt.trace: 10 more errors not shown") == true)
    }

    @Test("the compiler's errors are reported with the parser's, in the order of the file")
    func compilerAndParserErrorsTogether() {
        let source = """
            def f():
                await g()
            x = = 1
            def h():
                yield from k()
            async def m():
                yield from k()

            """
        switch TraceLoader.load(SourceFile(path: "t.trace", text: source)) {
        case .success:
            Issue.record("loaded")
        case .failure(.unreadable(let why)):
            Issue.record("\(why)")
        case .failure(.invalid(let errors)):
            #expect(
                errors.diagnostics.map(\.description) == [
                    "t.trace:2:5: 'await' outside async function", "t.trace:3:5: invalid syntax",
                    "t.trace:7:5: 'yield from' inside async function",
                ])
        }
    }

    @Test("a bracket never closed ends at the next line that starts a statement; later errors are reported")
    func bracketNeverClosed() {
        let source = """
            async def main():
                results = await gather(
                    fetch("a"),
                return results

            def g(a, /):
                return a

            """
        #expect(
            parseError(source)
                == "2:27: '(' was never closed\n6:10: positional-only parameters ('/') are not supported in a trace; "
                + "remove the '/': the parameters before it become ordinary ones")
    }

    @Test("a line less indented than its statement, at an enclosing block's indentation, ends a bracket left open")
    func bracketEndsAtADedent() {
        let source = """
            def f():
                x = [1, 2,
                y = 3
            z = = 4

            """
        #expect(parseError(source) == "2:9: '[' was never closed\n4:5: invalid syntax")
    }

    @Test("a continuation line indented less than its statement is still a continuation")
    func lessIndentedContinuation() {
        #expect(parseError("def f():\n    x = [1,\n  2]\n    return x\n") == "no error")
        let source = "def f():\n    x = [1,\n  2]\n    return x ~ 1\ny = (\n"
        #expect(parseError(source) == "4:14: invalid syntax\n5:5: '(' was never closed")
    }

    @Test("a bracket left open before a later error of the tokenizer is reported, then that error")
    func bracketOpenBeforeALexicalError() {
        let source = "def f():\n    x = g(1,\n    return x\ny = 2j\n"
        #expect(
            parseError(source)
                == "2:10: '(' was never closed\n4:5: complex literals ('2j') are not supported in a trace; "
                + "vloop has no complex numbers: keep the real and imaginary parts as two floats")
    }
}
