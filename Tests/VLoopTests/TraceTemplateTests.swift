import Testing
import VLoop

@Suite struct TraceTemplateTests {
    let template = TraceTemplate(
        name: "template.trace",
        """
        import asyncio
        async def main():
            await asyncio.sleep(${latency})
            print(${label}, ${latency}, ${tags}, ${retry}, ${limit})
        asyncio.run(main())
        """)

    @Test("values become the Python literals with the same value, and the filled trace replays")
    func fillsAndReplays() throws {
        let values: [String: any PythonLiteral] = [
            "latency": 0.061, "label": "it's", "tags": ["a", "b"], "retry": true, "limit": Int?.none,
        ]
        let source = try template.fill(values)
        #expect(source.contains("await asyncio.sleep(0.061)"))
        #expect(source.contains(#"print("it's", 0.061, ['a', 'b'], True, None)"#))
        let run = try template.trace(values).replay()
        #expect(run.status == .ok)
        #expect(run.output == ["it's 0.061 ['a', 'b'] True None"])
        #expect(run.elapsed == 0.061)
    }

    @Test("the placeholders, in order of first use")
    func placeholders() {
        #expect(template.placeholders == ["latency", "label", "tags", "retry", "limit"])
    }

    @Test("floats are written as Python writes them, infinities and NaN included")
    func floats() {
        #expect(1e-7.pythonLiteral == "1e-07")
        #expect(0.1.pythonLiteral == "0.1")
        #expect(2.0.pythonLiteral == "2.0")
        #expect(Double.infinity.pythonLiteral == "float('inf')")
        #expect((-Double.infinity).pythonLiteral == "-float('inf')")
        #expect(Double.nan.pythonLiteral == "float('nan')")
        #expect([1, 2].pythonLiteral == "[1, 2]")
    }

    @Test("a placeholder without a value is an error at its line and column")
    func missingValue() {
        #expect {
            _ = try template.fill(["latency": 0.1, "label": "x", "tags": [String](), "retry": false])
        } throws: { error in
            guard let e = error as? TraceError, let d = e.diagnostics.first else { return false }
            return d.line == 4 && d.column == 52
                && d.message
                    == "no value for the placeholder ${limit}; the values are 'label', 'latency', 'retry', 'tags'"
                && e.path == "template.trace"
        }
    }

    @Test("a value that fills no placeholder is an error naming it")
    func unusedValue() {
        let t = TraceTemplate(name: "t.trace", "print(${a})\n")
        #expect {
            _ = try t.fill(["a": 1, "b": 2])
        } throws: { error in
            (error as? TraceError)?.diagnostics.first?.message
                == "the value 'b' fills no placeholder; the placeholders are 'a'"
        }
    }

    @Test("'${' that opens no placeholder is an error at its place", arguments: ["x = '${'\n", "x = ${1a}\n", "${}"])
    func badPlaceholder(source: String) {
        #expect {
            _ = try TraceTemplate(name: "t.trace", source).fill([:])
        } throws: { error in
            guard let d = (error as? TraceError)?.diagnostics.first else { return false }
            return d.message == "'${' opens no placeholder: write ${NAME}, NAME an identifier"
                && d.line == 1
                && d.column == source.distance(from: source.startIndex, to: source.firstRange(of: "${")!.lowerBound) + 1
        }
    }

    @Test("a filled source that is not a valid trace is that trace's error")
    func invalidFill() {
        #expect {
            _ = try TraceTemplate(name: "t.trace", "x = (${v}\n").trace(["v": 1])
        } throws: { error in
            (error as? TraceError)?.diagnostics.first.map { ($0.path, $0.line) } ?? ("", 0) == ("t.trace", 1)
        }
        #expect(throws: Never.self) { _ = try TraceTemplate(name: "t.trace", "x = (${v})\n").trace(["v": 1]) }
    }
}
