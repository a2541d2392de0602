import Testing

@testable import TraceLanguage

@Suite struct DiagnosticTests {
    @Test func aDiagnosticDescribesItselfOnOneLine() {
        let d = Diagnostic(path: "a.trace", loc: SourceLocation(line: 3, column: 7), message: "invalid syntax")
        #expect(d.description == "a.trace:3:7: invalid syntax")
    }

    @Test func aRenderedDiagnosticShowsTheLineAndACaret() {
        let file = SourceFile(path: "a.trace", text: "x = 1\ny = (\n")
        let d = Diagnostic(path: "a.trace", loc: SourceLocation(line: 2, column: 5), message: "'(' was never closed")
        #expect(d.rendered(in: file) == "a.trace:2:5: error: '(' was never closed\ny = (\n    ^")
    }

    @Test func tabsRenderAsSpacesSoTheCaretLinesUp() {
        let file = SourceFile(path: "a.trace", text: "if x:\n\t\ty $\n")
        let d = Diagnostic(path: "a.trace", loc: SourceLocation(line: 2, column: 5), message: "m")
        #expect(d.rendered(in: file) == "a.trace:2:5: error: m\n  y $\n    ^")
    }

    @Test func lineTextSplitsOnEveryKindOfLineEnding() {
        let file = SourceFile(path: "p", text: "a\r\nb\rc\nd")
        #expect(file.lineText(1) == "a")
        #expect(file.lineText(2) == "b")
        #expect(file.lineText(3) == "c")
        #expect(file.lineText(4) == "d")
        #expect(file.lineText(5) == "")
        #expect(file.lineText(0) == "")
        #expect(SourceFile(path: "p", text: "a\n").lineText(2) == "")
    }

    @Test func parseErrorsNameTheFilePath() {
        do {
            _ = try Parser.parse(SourceFile(path: "traces/x.trace", text: "x = = 1\n"))
            Issue.record("expected an error")
        } catch let d as Diagnostic {
            #expect(d.description == "traces/x.trace:1:5: invalid syntax")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
