import Testing

@testable import TraceLanguage

/// Loads `source` as a trace; the messages of its errors (none when it loads).
private func errors(_ source: String) -> [String] {
    switch TraceLoader.load(SourceFile(path: "deep.trace", text: source)) {
    case .success: return []
    case .failure(.invalid(let invalid)): return invalid.diagnostics.map(\.message)
    case .failure(.unreadable(let why)): return [why]
    }
}

private let tooDeep = "too deeply nested (more than \(Parser.maxDepth) levels)"

/// Each kind of chain, `n` operators long, as one statement.
private let chains: [(String, (Int) -> String)] = [
    ("+", { "x = 1" + String(repeating: "+1", count: $0) }),
    ("*", { "x = 1" + String(repeating: "*1", count: $0) }),
    ("|", { "x = 1" + String(repeating: "|1", count: $0) }),
    ("<<", { "x = 1" + String(repeating: "<<1", count: $0) }),
    ("**", { "x = 1" + String(repeating: "**1", count: $0) }),
    ("and", { "x = 1" + String(repeating: " and 1", count: $0) }),
    ("or", { "x = 1" + String(repeating: " or 1", count: $0) }),
    ("not", { "x = " + String(repeating: "not ", count: $0) + "1" }),
    ("-", { "x = " + String(repeating: "-", count: $0) + "1" }),
    ("~", { "x = " + String(repeating: "~", count: $0) + "1" }),
    ("[0]", { "x = y" + String(repeating: "[0]", count: $0) }),
    (".a", { "x = y" + String(repeating: ".a", count: $0) }),
    ("()", { "x = y" + String(repeating: "()", count: $0) }),
    ("if else", { "x = " + String(repeating: "1 if y else ", count: $0) + "0" }),
]

@Suite struct NestingLimitTests {
    @Test("a chain of 100,000 operators of any kind is one 'too deeply nested' error, in the parser")
    func hugeChainsAreRejected() {
        for (name, make) in chains {
            let source = make(100_000) + "\n"
            #expect(errors(source) == [tooDeep], "\(name)")
        }
    }

    @Test("the tallest chain allowed compiles, and one level more does not")
    func theBoundIsExact() {
        // A chain of n binary operators, or n prefixes, is a tree n + 1 levels tall.
        for (name, make) in chains {
            #expect(errors(make(Parser.maxDepth - 1) + "\n") == [], "\(name)")
            #expect(errors(make(Parser.maxDepth) + "\n") == [tooDeep], "\(name)")
        }
    }

    @Test("heights add up across parentheses: two chains each within the bound are rejected together")
    func heightsAddAcrossBrackets() {
        let half = Parser.maxDepth / 2 + 10
        let inner = "(" + "1" + String(repeating: "+1", count: half) + ")"
        #expect(errors("x = " + inner + String(repeating: "*1", count: half) + "\n") == [tooDeep])
    }

    @Test("an elif chain is statement nesting: 999 elifs load, 1,000 do not, and 100,000 stop early")
    func elifChains() {
        func chain(_ n: Int) -> String {
            "x = 1\nif x == 0:\n    pass\n" + (0..<n).map { "elif x == \($0):\n    pass\n" }.joined()
        }
        #expect(errors(chain(Parser.maxDepth - 1)) == [])
        #expect(errors(chain(Parser.maxDepth)) == [tooDeep])
        #expect(errors(chain(100_000)) == [tooDeep])
    }

    @Test("the tallest tree allowed, an expression at the deepest statement, compiles")
    func tallestTreeCompiles() {
        let elifs = (0..<(Parser.maxDepth - 1)).map { "elif x == \($0):\n    pass\n" }.joined()
        let expression = "y = x" + String(repeating: "+x", count: Parser.maxDepth - 1)
        let source = "x = 1\nif x == 0:\n    pass\n" + elifs + "else:\n    " + expression + "\n"
        #expect(errors(source) == [])
    }

    @Test("a module with a 100,000-term expression is reported as the module's error")
    func deepModuleIsRejected() {
        let text = "x = 1" + String(repeating: "+1", count: 100_000) + "\n"
        let result = TraceLoader.compile(
            SourceFile(path: "deep.py", text: text), target: .module(name: "deep", isPackage: false))
        #expect(result.compiled == nil)
        #expect(result.diagnostics.map(\.message) == [tooDeep])
    }
}
