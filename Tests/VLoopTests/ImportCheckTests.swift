import Testing
import TraceLanguage

@testable import VLoop
@testable import VirtualLoop

/// `vloop check` reports each import of a module that is neither vloop's nor
/// the user's, unless a `try` with `except` clauses guards it.
@Suite("Import check")
struct ImportCheckTests {
    func check(_ source: String) -> [String] {
        switch TraceLoader.load(SourceFile(path: "t.trace", text: source), builtinModules: World.builtinModuleNames) {
        case .success(let trace):
            return ImportCheck.unavailableImports(of: trace)?.diagnostics.map(\.description) ?? []
        case .failure(let failure):
            return ["failed to load: \(failure)"]
        }
    }

    @Test("an unknown module is an error at its name, listing the modules vloop provides")
    func unknownModule() {
        let errors = check("import asyncio\n\nasync def main():\n    import numpy as np\n")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("t.trace:4:12: no module named 'numpy'") == true)
        for name in World.builtinModules.keys where name != "vloop" && !name.hasPrefix("_") {
            #expect(errors.first?.contains(name) == true)
        }
    }

    @Test("vloop's modules, `from M import name` of them, and guarded imports are fine")
    func availableOrGuarded() {
        #expect(check("import asyncio\nfrom concurrent.futures import Future\nimport typing\n") == [])
        #expect(check("try:\n    import uvloop\nexcept ImportError:\n    uvloop = None\n") == [])
        #expect(check("from os import path\n").count == 1)
        #expect(check("import asyncio.nothing_here\n").count == 1)
    }
}
