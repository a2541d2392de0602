import Testing

@testable import TraceLanguage

/// What the compiler rejects, with the position it names.
@Suite("Compiler diagnostics")
struct CompilerTests {
    func diagnostics(_ source: String) -> [String] {
        let file = SourceFile(path: "t.trace", text: source)
        switch TraceLoader.load(file) {
        case .success: return []
        case .failure(.invalid(_, let ds)): return ds.map(\.description)
        case .failure(.unreadable(let why)): return [why]
        }
    }

    @Test("a module outside the allowed list is rejected at its import")
    func unknownModule() {
        #expect(
            diagnostics("import os\n") == [
                "t.trace:1:8: module 'os' is not available in a trace (a trace may import asyncio, concurrent.futures, functools, logging, random, sys and time)"
            ])
    }

    @Test("await outside an async function is an error")
    func awaitOutsideAsync() {
        #expect(diagnostics("def f():\n    await g()\n") == ["t.trace:2:5: 'await' outside async function"])
        #expect(diagnostics("await g()\n") == ["t.trace:1:1: 'await' outside function"])
    }

    @Test("return at module level is an error")
    func returnOutsideFunction() {
        #expect(diagnostics("return 1\n") == ["t.trace:1:1: 'return' outside function"])
    }

    @Test("nonlocal needs a binding in an enclosing function")
    func nonlocalWithoutBinding() {
        #expect(
            diagnostics("def f():\n    nonlocal x\n    x = 1\n") == ["t.trace:2:5: no binding for nonlocal 'x' found"])
    }

    @Test("expect must be a top-level statement")
    func expectInsideFunction() {
        let ds = diagnostics("def f():\n    expect.never('x')\n")
        #expect(ds.count == 1 && ds[0].hasPrefix("t.trace:2:5: expect.* must be a statement at the top level"))
    }

    @Test("every error of a trace is reported, in source order")
    func severalErrors() {
        #expect(diagnostics("import os\nimport json\n").count == 2)
    }

    @Test("closures capture enclosing locals as cells")
    func closuresResolveCells() throws {
        let file = SourceFile(
            path: "t.trace", text: "def outer():\n    x = 1\n    def inner():\n        return x\n    return inner\n")
        guard case .success(let t) = TraceLoader.load(file) else {
            Issue.record("did not compile")
            return
        }
        let outer = t.compiled.code.constants.compactMap { c -> CodeObject? in
            if case .code(let code) = c { return code }
            return nil
        }.first!
        #expect(outer.cellNames == ["x"])
        let inner = outer.constants.compactMap { c -> CodeObject? in
            if case .code(let code) = c { return code }
            return nil
        }.first!
        #expect(inner.freeNames == ["x"])
    }
}
