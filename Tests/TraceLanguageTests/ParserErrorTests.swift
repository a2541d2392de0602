import Testing

@testable import TraceLanguage

@Suite struct ParserErrorTests {
    // MARK: Unsupported constructs

    @Test func starredClassBasesAreNotSupported() {
        #expect(
            parseError("x = 1\nclass A(*bases):\n    pass\n")
                == "2:9: '*' in class bases is not supported in a trace; list the base classes one by one")
    }

    @Test func classKeywordsAreCheckedAsCPythonDoes() {
        #expect(parseError("class A(metaclass=M, metaclass=N): pass\n") == "1:22: keyword argument repeated: metaclass")
        #expect(parseError("class A(x=1, B): pass\n") == "1:14: positional argument follows keyword argument")
    }

    @Test func delTakesOnlyTargets() {
        #expect(parseError("del x\n") == "no error")
        #expect(parseError("del f()\n") == "1:5: cannot delete function call")
        #expect(parseError("del (a, 1)\n") == "1:9: cannot delete literal")
        #expect(parseError("del *a\n") == "1:5: cannot delete starred")
    }

    @Test func matchStatementsFollowCPythonsRules() {
        #expect(parseError("match command:\n    case 1:\n        pass\n") == "no error")
        #expect(parseError("match (x, y):\n    case _: pass\n") == "no error")
        #expect(
            parseError("match x:\n    case y:\n        pass\n    case 1:\n        pass\n")
                == "2:10: name capture 'y' makes remaining patterns unreachable")
        #expect(
            parseError("match x:\n    case _:\n        pass\n    case 1:\n        pass\n")
                == "2:10: wildcard makes remaining patterns unreachable")
        #expect(
            parseError("match x:\n    case [a, a]:\n        pass\n")
                == "2:14: multiple assignments to name 'a' in pattern")
        #expect(
            parseError("match x:\n    case [a] | [b]:\n        pass\n")
                == "2:17: alternative patterns bind different names")
        #expect(
            parseError("match x:\n    case P(x=1, 2):\n        pass\n")
                == "2:17: positional patterns follow keyword patterns")
        #expect(
            parseError("match x:\n    case f'{a}':\n        pass\n")
                == "2:10: patterns may only match literals and attribute lookups")
    }

    @Test func asyncForParses() {
        #expect(parseError("async def f():\n    async for x in y:\n        pass\n") == "no error")
        #expect(parseError("[x async for x in y]\n") == "no error")
    }

    @Test func aDecoratorMustPrecedeADefinition() {
        #expect(parseError("@cache\ndef f(): pass\n") == "no error")
        #expect(parseError("@a.b(1)\n@c\nasync def f(): pass\n") == "no error")
        #expect(parseError("@cache\nx = 1\n") == "2:1: invalid syntax")
    }

    @Test func theWalrusOperatorBindsOnlyNames() {
        #expect(parseError("if (n := len(a)) > 10:\n    pass\n") == "no error")
        #expect(parseError("x = (a.b := 1)\n") == "1:6: cannot use assignment expressions with attribute")
        #expect(parseError("x = (a[0] := 1)\n") == "1:6: cannot use assignment expressions with subscript")
        #expect(parseError("x := 1\n") == "1:3: invalid syntax")
    }

    @Test func starredTargetsAndDisplaysParse() {
        #expect(parseError("*a, b = c\n") == "no error")
        #expect(parseError("x = [*a]\n") == "no error")
        #expect(parseError("for *a, b in c: pass\n") == "no error")
        #expect(parseError("d = {**a}\n") == "no error")
        #expect(parseError("d = {**a for a in b}\n") == "1:6: dict unpacking cannot be used in dict comprehension")
    }

    @Test func everyOperatorParses() {
        #expect(parseError("x = a << b >> 2 & ~c | d ^ e @ f\n") == "no error")
        for op in ["<<=", ">>=", "&=", "|=", "^=", "@="] { #expect(parseError("x \(op) 1\n") == "no error") }
        #expect(parseError("x = a <<\n") == "1:9: invalid syntax")
        #expect(parseError("x = ~\n") == "1:6: invalid syntax")
    }

    @Test func ellipsisAndComplexLiteralsAreNotSupported() {
        #expect(parseError("x = ...\n") == "no error")
        #expect(
            parseError("x = 1.5j\n")
                == "1:5: complex literals ('1.5j') are not supported in a trace; vloop has no complex numbers: keep the real and imaginary parts as two floats"
        )
    }

    @Test func bareAnnotationsParse() {
        #expect(parseError("x: int\n") == "no error")
        #expect(parseError("a, b: int\n") == "1:1: only single target (not tuple) can be annotated")
    }

    @Test func relativeImportsParseAndStarImportsAreNotSupported() {
        #expect(parseError("from . import x\nfrom ..a.b import c\nfrom ...d import (e, f)\n") == "no error")
        #expect(parseError("from . import\n").hasPrefix("1:14: "))
        #expect(
            parseError("from asyncio import *\n").hasPrefix("1:21: 'from asyncio import *' is not supported in a trace")
        )
    }

    // MARK: Syntax errors

    @Test func aMissingColonIsReportedWhereItWasExpected() {
        #expect(parseError("if x\n    pass\n") == "1:5: expected ':'")
        #expect(parseError("while x > 1 pass\n") == "1:13: expected ':'")
        #expect(parseError("def f()\n    pass\n") == "1:8: expected ':'")
    }

    @Test func aSingleEqualsInAConditionSuggestsDoubleEquals() {
        #expect(parseError("if x = 1:\n    pass\n") == "1:6: invalid syntax. Maybe you meant '==' instead of '='?")
    }

    @Test func genericErrorsAreInvalidSyntaxAtTheOffendingToken() {
        #expect(parseError("x = 1 +\n") == "1:8: invalid syntax")
        #expect(parseError("x = = 1\n") == "1:5: invalid syntax")
        #expect(parseError("x = 1 y = 2\n") == "1:7: invalid syntax")
    }

    @Test func adjacentExpressionsInBracketsSuggestAComma() {
        #expect(parseError("print(a b)\n") == "1:7: invalid syntax. Perhaps you forgot a comma?")
    }

    @Test func breakAndContinueMustBeInALoop() {
        #expect(parseError("break\n") == "1:1: 'break' outside loop")
        #expect(parseError("continue\n") == "1:1: 'continue' not properly in loop")
        #expect(parseError("for x in y:\n    def f():\n        break\n") == "3:9: 'break' outside loop")
        #expect(parseError("while x:\n    pass\nelse:\n    break\n") == "4:5: 'break' outside loop")
    }

    @Test func invalidAssignmentTargetsAreNamedLikePython() {
        #expect(
            parseError("f() = 1\n") == "1:1: cannot assign to function call here. Maybe you meant '==' instead of '='?")
        #expect(parseError("a, 1 = x\n") == "1:4: cannot assign to literal here. Maybe you meant '==' instead of '='?")
        #expect(parseError("True = 1\n") == "1:1: cannot assign to True")
        #expect(parseError("[f()] = 1\n") == "1:2: cannot assign to function call")
        #expect(parseError("for f() in x: pass\n") == "1:5: cannot assign to function call")
        #expect(parseError("with a as f(): pass\n") == "1:11: cannot assign to function call")
        #expect(parseError("f() += 1\n") == "1:1: 'function call' is an illegal expression for augmented assignment")
        #expect(parseError("a, b += 1\n") == "1:1: 'tuple' is an illegal expression for augmented assignment")
        #expect(parseError("(a, b): int = 1\n") == "1:1: only single target (not tuple) can be annotated")
    }

    @Test func callArgumentsFollowPythonsOrderingRules() {
        #expect(parseError("f(a=1, b)\n") == "1:8: positional argument follows keyword argument")
        #expect(parseError("f(**k, b)\n") == "1:8: positional argument follows keyword argument unpacking")
        #expect(parseError("f(**k, *a)\n") == "1:9: iterable argument unpacking follows keyword argument unpacking")
        #expect(parseError("f(a for a in b, c)\n") == "1:3: Generator expression must be parenthesized")
        #expect(parseError("f(a.b=1)\n") == "1:3: expression cannot contain assignment, perhaps you meant \"==\"?")
        #expect(parseError("f(a=1, a=2)\n") == "1:8: keyword argument repeated: a")
    }

    @Test func parameterListsFollowPythonsRules() {
        #expect(parseError("def f(a=1, b): pass\n") == "1:12: non-default argument follows default argument")
        #expect(parseError("def f(*): pass\n") == "1:7: named arguments must follow bare *")
        #expect(parseError("def f(**k, a): pass\n") == "1:12: arguments cannot follow var-keyword argument")
        #expect(parseError("def f(a, a): pass\n") == "1:10: duplicate argument 'a' in function definition")
        #expect(
            parseError("def f(a, /): pass\n")
                == "1:10: positional-only parameters ('/') are not supported in a trace; remove the '/': the parameters before it become ordinary ones"
        )
    }

    @Test func tryStatementsNeedHandlersInOrder() {
        #expect(parseError("try:\n    pass\nx = 1\n") == "3:1: expected 'except' or 'finally' block")
        #expect(
            parseError("try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n")
                == "3:1: default 'except:' must be last")
        #expect(
            parseError("try:\n    pass\nexcept A, B:\n    pass\n")
                == "3:8: multiple exception types must be parenthesized")
        #expect(
            parseError("try:\n    pass\nexcept A:\n    pass\nexcept* B:\n    pass\n")
                == "5:1: cannot have both 'except' and 'except*' on the same 'try'")
    }

    @Test func conditionalExpressionsNeedElse() {
        #expect(parseError("x = 1 if 2\n") == "1:5: expected 'else' after 'if' expression")
    }

    @Test func importListsNeedParenthesesForATrailingComma() {
        #expect(parseError("from m import a,\n") == "1:17: trailing comma not allowed without surrounding parentheses")
    }

    // MARK: Indentation

    @Test func aBlockMustBeIndented() {
        #expect(
            parseError("x = 1\n\nif x:\npass\n") == "4:1: expected an indented block after 'if' statement on line 3")
        #expect(
            parseError("def f():\nreturn\n") == "2:1: expected an indented block after function definition on line 1")
        #expect(parseError("for x in y:\n") == "1:12: expected an indented block after 'for' statement on line 1")
    }

    @Test func anUnexpectedIndentIsReported() {
        #expect(parseError("x = 1\n    y = 2\n") == "2:5: unexpected indent")
        #expect(parseError("  x = 1\n") == "1:3: unexpected indent")
    }

    @Test func aDedentMustMatchAnOuterLevel() {
        #expect(parseError("if True:\n    x\n  y\n") == "3:3: unindent does not match any outer indentation level")
    }

    @Test func tabsAndSpacesMustAgreeUnderBothTabSizes() {
        #expect(parseError("if True:\n\tx\n        y\n") == "3:9: inconsistent use of tabs and spaces in indentation")
        #expect(parseError("if True:\n        x\n\ty\n") == "3:2: inconsistent use of tabs and spaces in indentation")
    }

    // MARK: Lexical errors

    @Test func unterminatedStringsAreReportedAtTheOpeningQuote() {
        #expect(parseError("x = 'abc\ny = 1\n") == "1:5: unterminated string literal (detected at line 1)")
        #expect(
            parseError("x = 1\ny = \"\"\"abc\n\nz\n")
                == "2:5: unterminated triple-quoted string literal (detected at line 4)")
    }

    @Test func aLexicalErrorLaterInTheFileIsReportedAfterAGenericSyntaxError() {
        #expect(
            parseError("x = = 1\ny = 'abc\n")
                == "1:5: invalid syntax\n2:5: unterminated string literal (detected at line 2)")
    }

    @Test func aLexicalErrorBeatsTheGenericErrorItCauses() {
        // The bracket left open makes line 2 part of line 1's call.
        #expect(parseError("x = f(1,\ny = 2\nz = 3\n") == "1:6: '(' was never closed")
    }

    @Test func aSpecificSyntaxErrorComesBeforeALaterLexicalError() {
        #expect(
            parseError("class A(*bases): pass\ny = 'abc\n")
                == "1:9: '*' in class bases is not supported in a trace; list the base classes one by one"
                + "\n2:5: unterminated string literal (detected at line 2)")
    }

    @Test func bracketsMustMatch() {
        #expect(parseError("x = (1,\n") == "1:5: '(' was never closed")
        #expect(parseError("print(1,\nx = 2\n") == "1:6: '(' was never closed")
        #expect(parseError("x = ]\n") == "1:5: unmatched ']'")
        #expect(parseError("x = (]\n") == "1:6: closing parenthesis ']' does not match opening parenthesis '('")
        #expect(
            parseError("x = (\n]\n") == "2:1: closing parenthesis ']' does not match opening parenthesis '(' on line 1")
    }

    @Test func invalidCharactersAreNamedWithTheirCodePoint() {
        #expect(parseError("x = $\n") == "1:5: invalid character '$' (U+0024)")
        #expect(parseError("x = a ? b\n") == "1:7: invalid character '?' (U+003F)")
        #expect(parseError("x = `a`\n") == "1:5: invalid character '`' (U+0060)")
        #expect(parseError("x = \u{0}\n") == "1:5: invalid character '\\u{0}' (U+0000)")
        #expect(parseError("x = 1 \u{A0}\n") == "1:7: invalid character '\\u{A0}' (U+00A0)")
        #expect(parseError("x = 5€\n") == "1:6: invalid character '€' (U+20AC)")
    }

    @Test func numbersOutsideInt64AreRejected() {
        #expect(
            parseError("x = 9223372036854775808\n") == "1:5: integer literal is too large (vloop's ints are 64-bit)")
        #expect(
            parseError("x = 0x1_0000_0000_0000_0000\n") == "1:5: integer literal is too large (vloop's ints are 64-bit)"
        )
    }

    @Test func malformedNumbersAreRejected() {
        #expect(
            parseError("x = 0123\n")
                == "1:5: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
        )
        #expect(parseError("x = 1_\n") == "1:5: invalid decimal literal")
        #expect(parseError("x = 1__0\n") == "1:5: invalid decimal literal")
        #expect(parseError("x = 1abc\n") == "1:5: invalid decimal literal")
        #expect(parseError("x = 1e\n") == "1:5: invalid decimal literal")
        #expect(parseError("x = 0x\n") == "1:7: invalid hexadecimal literal")
        #expect(parseError("x = 0o8\n") == "1:7: invalid digit '8' in octal literal")
        #expect(parseError("x = 0b12\n") == "1:8: invalid digit '2' in binary literal")
    }

    @Test func bytesMustBeAsciiAndMustNotMixWithStrings() {
        #expect(parseError("x = b'é'\n") == "1:5: bytes can only contain ASCII literal characters")
        #expect(parseError("x = 'a' b'b'\n") == "1:9: cannot mix bytes and nonbytes literals")
    }

    @Test func badEscapesAreReportedAtTheBackslash() {
        #expect(parseError("x = 'ab\\x4'\n").hasPrefix("1:8: invalid escape '\\x'"))
        #expect(parseError("x = '\\N{DASH}'\n").hasPrefix("1:6: named Unicode escapes"))
    }

    @Test func aLineContinuationMustEndTheLine() {
        #expect(parseError("x = \\ y\n") == "1:5: unexpected character after line continuation character")
    }

    @Test func fStringErrorsPointInsideTheString() {
        #expect(
            parseError("x = f'{x!z}'\n") == "1:10: f-string: invalid conversion character: expected 's', 'r', or 'a'")
        #expect(parseError("x = f'{}'\n") == "1:8: f-string: empty expression not allowed")
        #expect(parseError("x = f'{x'\n") == "1:7: f-string: expecting '}'")
        #expect(parseError("x = f'}'\n") == "1:7: f-string: single '}' is not allowed")
        #expect(parseError("x = f'abc {a +}'\n") == "1:15: f-string: invalid syntax")
        #expect(parseError("x = f'''\n  {a << b}'''\n") == "no error")
        #expect(parseError("x = f'{a:{b:{c}}}'\n") == "1:13: f-string: expressions nested too deeply")
        #expect(parseError("x = f'{x=}'\n") == "no error")
    }

    // MARK: Nesting limits

    @Test func expressionsNestAtMostAHundredLevels() {
        let ok = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        #expect(parseError("x = \(ok)\n") == "no error")
        let deep = String(repeating: "(", count: 101) + "1" + String(repeating: ")", count: 101)
        #expect(parseError("x = \(deep)\n") == "1:105: too deeply nested (more than 100 levels)")
    }

    @Test func blocksNestAtMostAHundredLevels() {
        func nestedIfs(_ n: Int) -> String {
            (0..<n).map { String(repeating: " ", count: $0) + "if x:\n" }.joined()
                + String(repeating: " ", count: n) + "pass\n"
        }
        #expect(parseError(nestedIfs(100)) == "no error")
        #expect(parseError(nestedIfs(101)) == "102:102: too deeply nested (more than 100 levels)")
    }

    @Test func tenThousandNestedParenthesesAreAnErrorNotACrash() {
        let source = "x = " + String(repeating: "(", count: 10_000)
        #expect(parseError(source) == "1:105: too deeply nested (more than 100 levels)\n1:10004: '(' was never closed")
        #expect(
            parseError("x = " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))
                == "1:105: too deeply nested (more than 100 levels)")
    }

    /// Long chains within the nesting bound parse (NestingLimitTests has the
    /// bound itself; CPython 3.11 gives up on 5,000-term chains as well, with
    /// "maximum recursion depth exceeded during compilation").
    @Test func longChainsWithinTheNestingBoundAreFine() {
        let n = Parser.maxDepth - 1
        #expect(parseError("x = " + String(repeating: "-", count: n) + "1\n") == "no error")
        #expect(parseError("x = " + String(repeating: "not ", count: n) + "1\n") == "no error")
        #expect(parseError("x = 2" + String(repeating: " ** 2", count: n) + "\n") == "no error")
        #expect(parseError("x = " + String(repeating: "a if b else ", count: n) + "c\n") == "no error")
        #expect(parseError("if a: pass\n" + String(repeating: "elif b: pass\n", count: n)) == "no error")
        #expect(parseError("x = 1" + String(repeating: " + 1", count: n) + "\n") == "no error")
    }

    @Test func aHundredThousandDigitIntegerIsTooLarge() {
        #expect(
            parseError("x = " + String(repeating: "9", count: 100_000) + "\n")
                == "1:5: integer literal is too large (vloop's ints are 64-bit)")
    }
}
