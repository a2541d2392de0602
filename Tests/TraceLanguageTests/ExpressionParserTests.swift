import Testing

@testable import TraceLanguage

@Suite struct ExpressionParserTests {
    @Test func multiplicationBindsTighterThanAddition() throws {
        #expect(try dumpExpr("1 + 2 * 3 - 4") == "(- (+ 1 (* 2 3)) 4)")
    }

    @Test func allMultiplicativeOperatorsAreLeftAssociative() throws {
        #expect(try dumpExpr("a * b / c // d % e") == "(% (// (/ (* a b) c) d) e)")
    }

    @Test func powerIsRightAssociative() throws {
        #expect(try dumpExpr("2 ** 3 ** 2") == "(** 2 (** 3 2))")
    }

    @Test func unaryMinusBindsLooserThanPower() throws {
        #expect(try dumpExpr("-2 ** 2") == "(neg (** 2 2))")
    }

    @Test func powerTakesAUnaryRightOperand() throws {
        #expect(try dumpExpr("2 ** -1") == "(** 2 (neg 1))")
        #expect(try dumpExpr("2 ** -3 ** 4") == "(** 2 (neg (** 3 4)))")
    }

    @Test func unaryOperatorsStack() throws {
        #expect(try dumpExpr("- + -x") == "(neg (pos (neg x)))")
    }

    @Test func notBindsLooserThanComparisonAndTighterThanAnd() throws {
        #expect(try dumpExpr("not a == b and c") == "(and (not (cmp a == b)) c)")
    }

    @Test func andBindsTighterThanOr() throws {
        #expect(try dumpExpr("a or b and c or d") == "(or (or a (and b c)) d)")
    }

    @Test func comparisonsChain() throws {
        #expect(try dumpExpr("a < b <= c != d") == "(cmp a < b <= c != d)")
    }

    @Test func membershipAndIdentityOperatorsHaveTwoWordForms() throws {
        #expect(try dumpExpr("a in b not in c is d is not e") == "(cmp a in b not in c is d is not e)")
    }

    @Test func conditionalExpressionsNestToTheRight() throws {
        #expect(try dumpExpr("a if b else c if d else e") == "(ifexp b a (ifexp d c e))")
    }

    @Test func conditionalBindsLooserThanOr() throws {
        #expect(try dumpExpr("a or b if c or d else e") == "(ifexp (or c d) (or a b) e)")
    }

    @Test func lambdaBodyIsAConditional() throws {
        #expect(try dumpExpr("lambda: a if b else c") == "(lambda () (ifexp b a c))")
    }

    @Test func lambdaTakesEveryParameterForm() throws {
        #expect(
            try dumpExpr("lambda a, b=1, *args, c, d=2, **kw: a")
                == "(lambda (a b=1 *args c d=2 **kw) a)")
        #expect(try dumpExpr("lambda *, k: k") == "(lambda (* k) k)")
    }

    @Test func awaitBindsTighterThanPowerAndLooserThanCalls() throws {
        #expect(try dumpExpr("await f(x) ** 2") == "(** (await (call f x)) 2)")
        #expect(try dumpExpr("-await x.y") == "(neg (await (. x y)))")
    }

    @Test func primariesChainAttributesCallsAndSubscripts() throws {
        #expect(try dumpExpr("a.b(c)[d].e") == "(. (sub (call (. a b) c) d) e)")
    }

    @Test func subscriptsTakeSlicesAndTuples() throws {
        #expect(try dumpExpr("a[1:2]") == "(sub a (slice 1 2 _))")
        #expect(try dumpExpr("a[::2]") == "(sub a (slice _ _ 2))")
        #expect(try dumpExpr("a[:]") == "(sub a (slice _ _ _))")
        #expect(try dumpExpr("a[x:]") == "(sub a (slice x _ _))")
        #expect(try dumpExpr("d[1, 2]") == "(sub d (tuple 1 2))")
        #expect(try dumpExpr("d[1:2, 3]") == "(sub d (tuple (slice 1 2 _) 3))")
    }

    @Test func callsTakeEveryArgumentForm() throws {
        #expect(try dumpExpr("f(a, b=1, *c, **d,)") == "(call f a (b= 1) (* c) (** d))")
        #expect(try dumpExpr("f()") == "(call f)")
    }

    @Test func aGeneratorCanBeTheSoleArgumentOfACall() throws {
        #expect(try dumpExpr("sum(x for x in y)") == "(call sum (genexp x (for x y)))")
    }

    @Test func tuplesNeedACommaNotParentheses() throws {
        #expect(try dumpExpr("()") == "(tuple)")
        #expect(try dumpExpr("(a,)") == "(tuple a)")
        #expect(try dumpExpr("(a, b)") == "(tuple a b)")
        #expect(try dumpExpr("(a)") == "a")
        #expect(try dumpExpr("a, b") == "(tuple a b)")
        #expect(try dumpExpr("a,") == "(tuple a)")
    }

    @Test func displaysBuildListsSetsAndDicts() throws {
        #expect(try dumpExpr("[]") == "(list)")
        #expect(try dumpExpr("[1, 2,]") == "(list 1 2)")
        #expect(try dumpExpr("{}") == "(dict)")
        #expect(try dumpExpr("{1: 'a', b: c}") == "(dict (1 \"a\") (b c))")
        #expect(try dumpExpr("{1, 2}") == "(set 1 2)")
    }

    @Test func comprehensionsTakeSeveralForAndIfClauses() throws {
        #expect(
            try dumpExpr("[x * y for x in a if x for y in b if y if x < y]")
                == "(listcomp (* x y) (for x a (if x)) (for y b (if y) (if (cmp x < y))))")
        #expect(
            try dumpExpr("{k: v for k, v in d.items()}")
                == "(dictcomp k v (for (tuple k v) (call (. d items))))")
        #expect(try dumpExpr("{x for x in s}") == "(setcomp x (for x s))")
        #expect(try dumpExpr("(x for (a, b) in c)") == "(genexp x (for (tuple a b) c))")
    }

    @Test func yieldFormsParseInParentheses() throws {
        #expect(try dumpExpr("(yield)") == "(yield)")
        #expect(try dumpExpr("(yield x)") == "(yield x)")
        #expect(try dumpExpr("(yield from g())") == "(yield-from (call g))")
    }

    @Test func constantsAndNamesAreAtoms() throws {
        #expect(try dumpExpr("None, True, False, match, type, _") == "(tuple None True False match type _)")
    }

    @Test func nodesCarryTheLocationOfTheirFirstToken() throws {
        let m = try Parser.parse(SourceFile(path: "t", text: "x = 1\n  \nif y:\n    await  f(a) + b\n"))
        guard case .if(_, let body, _) = m.body[1].kind, case .expr(let e) = body[0].kind else {
            Issue.record("unexpected tree")
            return
        }
        #expect(m.body[1].loc == SourceLocation(line: 3, column: 1))
        #expect(e.loc == SourceLocation(line: 4, column: 5))
        guard case .binary(_, let left, let right) = e.kind, case .await(let call) = left.kind else {
            Issue.record("unexpected expression")
            return
        }
        #expect(call.loc == SourceLocation(line: 4, column: 12))
        #expect(right.loc == SourceLocation(line: 4, column: 19))
    }

    @Test func expressionsContinueInsideBracketsAcrossLines() throws {
        #expect(try dump("x = (1 +\n   2)\ny = [\n  3,\n]\n") == "(= x (+ 1 2))\n(= y (list 3))")
    }

    @Test func backslashJoinsLines() throws {
        #expect(try dump("x = 1 + \\\n    2\n") == "(= x (+ 1 2))")
    }
}
