import Testing

@testable import TraceLanguage

/// What the compiler rejects, with the position it names.
@Suite("Compiler diagnostics")
struct CompilerTests {
    func diagnostics(_ source: String) -> [String] {
        let file = SourceFile(path: "t.trace", text: source)
        switch TraceLoader.load(file) {
        case .success: return []
        case .failure(.invalid(let errors)): return errors.diagnostics.map(\.description)
        case .failure(.unreadable(let why)): return [why]
        }
    }

    @Test("any module may be imported: a missing one is a ModuleNotFoundError when the import runs")
    func unknownModuleCompiles() {
        #expect(diagnostics("import os\n") == [])
    }

    @Test("the imports are recorded as absolute names, with the possible submodules of a from-import")
    func importsAreRecorded() throws {
        let file = SourceFile(path: "t.trace", text: "import a.b\nfrom c import d, e\n")
        guard case .success(let t) = TraceLoader.load(file) else {
            Issue.record("does not compile")
            return
        }
        #expect(t.compiled.imports == ["a.b", "c", "c.d", "c.e"])
    }

    @Test("relative imports resolve against the module's package, as CPython's __package__")
    func relativeImports() throws {
        let mod = CompilationTarget.module(name: "pkg.sub.mod", isPackage: false)
        #expect(try mod.resolve(".").get() == "pkg.sub")
        #expect(try mod.resolve("..x").get() == "pkg.x")
        #expect(throws: ImportFailure.self) { try mod.resolve("...x").get() }
        let package = CompilationTarget.module(name: "pkg", isPackage: true)
        #expect(try package.resolve(".helper").get() == "pkg.helper")
        #expect(
            CompilationTarget.trace.resolve(".x")
                == .failure(ImportFailure(message: "attempted relative import with no known parent package")))
        #expect(
            package.resolve("..x")
                == .failure(ImportFailure(message: "attempted relative import beyond top-level package")))
    }

    @Test("expect.* in a module is an error that names the module")
    func expectInModule() throws {
        let file = SourceFile(path: "m.py", text: "expect.order('a')\n")
        #expect(throws: DiagnosticList.self) {
            try Compiler.compile(
                try Parser.parse(file), file: file, target: .module(name: "m", isPackage: false))
        }
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
        let ds = diagnostics("def f():\n    expect.never('x')\nawait g()\n")
        #expect(ds.count == 2 && ds[0].hasPrefix("t.trace:2:5") && ds[1].hasPrefix("t.trace:3:1"))
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
