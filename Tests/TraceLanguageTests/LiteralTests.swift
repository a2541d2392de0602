import Testing

@testable import TraceLanguage

@Suite struct LiteralTests {
    @Test func integersTakeEveryBaseAndUnderscores() throws {
        #expect(try dumpExpr("[0, 00, 42, 1_000, 0x_FF, 0o17, 0b1010, 0XaB]") == "(list 0 0 42 1000 255 15 10 171)")
    }

    @Test func theLargestInt64IsAValidLiteral() throws {
        #expect(try dumpExpr("9223372036854775807") == "9223372036854775807")
        #expect(try dumpExpr("-9223372036854775807") == "(neg 9223372036854775807)")
    }

    @Test func floatsTakeEveryForm() throws {
        #expect(
            try dumpExpr("[1.5, 1., .5, 1e9, 1_000.5, 1e-3, 1.e5, 2E+2, 0e0]")
                == "(list 1.5 1.0 0.5 1000000000.0 1000.5 0.001 100000.0 200.0 0.0)")
    }

    @Test func aNumberMayBeFollowedDirectlyByAKeyword() throws {
        #expect(try dumpExpr("1if x else 2") == "(ifexp x 1 2)")
    }

    @Test func stringsTakeEveryQuoteStyle() throws {
        #expect(try dumpExpr("['a', \"b\", '''c\nd''', \"\"\"e\"f\"\"\"]") == "(list \"a\" \"b\" \"c\\nd\" \"e\\\"f\")")
    }

    @Test func stringEscapesFollowPython() throws {
        #expect(
            try dumpExpr(#"'\n\t\r\\\'\"\0\x41\101\u00e9\U0001F600\a\b\f\v'"#)
                == String(reflecting: "\n\t\r\\'\"\0AAé😀\u{7}\u{8}\u{C}\u{B}"))
    }

    @Test func unknownEscapesKeepTheirBackslash() throws {
        #expect(try dumpExpr(#"'\q\d'"#) == String(reflecting: #"\q\d"#))
    }

    @Test func backslashNewlineInsideAStringIsDropped() throws {
        #expect(try dumpExpr("'ab\\\ncd'") == "\"abcd\"")
    }

    @Test func rawStringsKeepBackslashes() throws {
        #expect(try dumpExpr(#"r'\n\'' + R"\d""#) == "(+ \"\\\\n\\\\\\'\" \"\\\\d\")")
    }

    @Test func uPrefixIsAPlainString() throws {
        #expect(try dumpExpr("u'x' U'y'") == "\"xy\"")
    }

    @Test func bytesLiteralsDecodeEscapesByByte() throws {
        #expect(
            try dumpExpr(#"b'a\x00\xff\777\u12' B"z" rb'\n'"#)
                == "(bytes 97 0 255 255 92 117 49 50 122 92 110)")
    }

    @Test func adjacentStringsConcatenate() throws {
        #expect(try dumpExpr("('a'\n 'b' \"c\")") == "\"abc\"")
    }

    @Test func fStringsSplitIntoLiteralsAndFields() throws {
        #expect(try dumpExpr("f'a{x}b{y!r}c{{}}'") == "(f \"a\" {x} \"b\" {y !r} \"c{}\")")
    }

    @Test func fStringFieldsTakeConversionsAndSpecs() throws {
        #expect(
            try dumpExpr("f'{x:.3f}{n:>10}{s!s:^5}{a!a}'")
                == "(f {x :\".3f\"} {n :\">10\"} {s !s :\"^5\"} {a !a})")
    }

    @Test func fStringSpecsMayHoldNestedFields() throws {
        #expect(try dumpExpr("f'{x:{width}.{prec}f}'") == "(f {x :{width} \".\" {prec} \"f\"})")
    }

    @Test func fStringFieldsHoldFullExpressions() throws {
        #expect(
            try dumpExpr("f\"{d['k'] + f(a, b=1)}{a if b else c}{x!=y}{[i for i in r]}\"")
                == "(f {(+ (sub d \"k\") (call f a (b= 1)))} {(ifexp b a c)} {(cmp x != y)} {(listcomp i (for i r))})")
    }

    @Test func fStringsConcatenateWithPlainStrings() throws {
        #expect(try dumpExpr("'a' f'{x}' 'b' f'c'") == "(f \"a\" {x} \"bc\")")
    }

    @Test func fStringLiteralPartsDecodeEscapesUnlessRaw() throws {
        #expect(try dumpExpr(#"f'\t{x}\n' rf'\t{x}'"#) == #"(f "\t" {x} "\n\\t" {x})"#)
    }

    @Test func fStringFieldExpressionsCarryTheirSourceLocation() throws {
        let m = try Parser.parse(SourceFile(path: "t", text: "x = f'''ab\n  {  y}'''\n"))
        guard case .assign(_, let value) = m.body[0].kind, case .fstring(let parts) = value.kind,
            case .field(let e, _, _) = parts[1]
        else {
            Issue.record("unexpected tree")
            return
        }
        #expect(e.loc == SourceLocation(line: 2, column: 6))
    }

    @Test func unicodeIdentifiersAreNames() throws {
        #expect(try dumpExpr("café + 名前") == "(+ café 名前)")
    }
}
