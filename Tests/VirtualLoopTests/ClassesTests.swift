import Foundation
import PyRuntime
import RunModel
import Testing
import TraceLanguage

@testable import VirtualLoop

/// Runs `source` as a module on a bare interpreter (no loop) and returns the
/// interpreter and a reader of its globals' reprs.
private func run(_ source: String) throws -> (Interpreter, (String) throws -> String) {
    let file = SourceFile(path: "t.trace", text: source)
    let compiled = try Compiler.compile(try Parser.parse(file), file: file)
    let vm = Interpreter()
    vm.globals = Globals(names: compiled.globalNames)
    _ = try vm.runModuleCode(compiled.code)
    let read: (String) throws -> String = { name in
        let i = try #require(compiled.globalNames.firstIndex(of: name))
        return try vm.repr(vm.globals.values[i])
    }
    return (vm, read)
}

/// The `Type: message` of the exception running `source` raises.
private func failure(_ source: String) throws -> String {
    do {
        _ = try run(source)
        return "no exception"
    } catch let r as PyRaise {
        return r.exception.summary(Interpreter())
    }
}

/// What the recursion test's thread hands back.
private final class OutcomeBox: @unchecked Sendable {
    var result: Result<(String, Int), any Error>?
}

@Suite struct ClassesTests {
    @Test func theMROOfADiamondIsC3() throws {
        let (_, value) = try run(
            """
            class A: pass
            class B(A): pass
            class C(A): pass
            class D(B, C): pass
            names = [c.__name__ for c in D.__mro__]
            """)
        #expect(try value("names") == "['D', 'B', 'C', 'A', 'object']")
    }

    @Test func anInconsistentMROIsCPythonsTypeError() throws {
        #expect(
            try failure("class A: pass\nclass B(A): pass\nclass C(A, B): pass\n")
                == "TypeError: Cannot create a consistent method resolution\norder (MRO) for bases A, B")
    }

    @Test func zeroArgumentSuperFollowsTheInstancesMRO() throws {
        let (_, value) = try run(
            """
            class A:
                def who(self): return ['A']
            class B(A):
                def who(self): return ['B'] + super().who()
            class C(A):
                def who(self): return ['C'] + super().who()
            class D(B, C):
                def who(self): return ['D'] + super().who()
            chain = D().who()
            """)
        #expect(try value("chain") == "['D', 'B', 'C', 'A']")
    }

    @Test func changingABaseAfterALookupIsSeenBySubclasses() throws {
        let (_, value) = try run(
            """
            class Base:
                def f(self): return 1
            class Sub(Base): pass
            s = Sub()
            before = s.f()
            Base.f = lambda self: 2
            after = s.f()
            """)
        #expect(try value("before") == "1")
        #expect(try value("after") == "2")
    }

    @Test func anInstanceAttributeHidesAMethodAtACallSite() throws {
        let (_, value) = try run(
            """
            class K:
                def m(self): return 'method'
            k = K()
            results = []
            for i in range(2):
                results.append(k.m())
                k.m = lambda: 'attribute'
            """)
        #expect(try value("results") == "['method', 'attribute']")
    }

    @Test func aMethodAddedLaterDoesNotHideAnEarlierInstanceAttribute() throws {
        let (_, value) = try run(
            """
            class K:
                def other(self): return 'other'
            k = K()
            k.m = lambda: 'attribute'
            K.m = lambda self: 'method'
            fresh = K()
            results = []
            for i in range(3):
                results.append((k.m(), fresh.m(), k.other()))
            """)
        #expect(
            try value("results")
                == "[('attribute', 'method', 'other'), ('attribute', 'method', 'other'), ('attribute', 'method', 'other')]"
        )
    }

    @Test func eqWithoutHashMakesInstancesUnhashable() throws {
        #expect(
            try failure("class E:\n    def __eq__(self, o): return True\n{E()}\n")
                == "TypeError: unhashable type: 'E'")
    }

    @Test func dictKeysOfAClassWithHashCompareWithItsEq() throws {
        let (_, value) = try run(
            """
            class P:
                def __init__(self, x): self.x = x
                def __eq__(self, o): return self.x == o.x
                def __hash__(self): return hash(self.x)
            d = {P(1): 'one'}
            found = d[P(1)]
            size = len({P(2), P(2), P(3)})
            """)
        #expect(try value("found") == "'one'")
        #expect(try value("size") == "2")
    }

    @Test func decoratorsApplyBottomUpAfterEvaluatingTopDown() throws {
        let (_, value) = try run(
            """
            log = []
            def tag(name):
                log.append('eval ' + name)
                def wrap(f):
                    log.append('apply ' + name)
                    return f
                return wrap
            @tag('outer')
            @tag('inner')
            def f(): pass
            """)
        #expect(try value("log") == "['eval outer', 'eval inner', 'apply inner', 'apply outer']")
    }

    @Test func runawayRecursionIsARecursionErrorAndTheDepthUnwinds() throws {
        // On a thread with the stack a trace's run gets (TraceRun), as traces always run.
        let source = """
            class R:
                def __repr__(self): return repr(self)
            try:
                repr(R())
                outcome = 'no error'
            except RecursionError:
                outcome = 'RecursionError'
            """
        let box = OutcomeBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = Result {
                let (vm, value) = try run(source)
                return (try value("outcome"), vm.callDepth)
            }
            done.signal()
        }
        thread.stackSize = 1 << 29
        thread.start()
        done.wait()
        let (outcome, depth) = try #require(box.result).get()
        #expect(outcome == "'RecursionError'")
        #expect(depth == 0)
    }

    @Test func propertiesHaveSettersAndDeleters() throws {
        let (_, value) = try run(
            """
            class T:
                def __init__(self): self._v = 1
                @property
                def v(self): return self._v
                @v.setter
                def v(self, x): self._v = x * 10
                @v.deleter
                def v(self): self._v = None
            t = T()
            t.v = 2
            set_value = t.v
            delattr(t, 'v')
            deleted = t.v
            """)
        #expect(try value("set_value") == "20")
        #expect(try value("deleted") == "None")
    }

    @Test func exceptionClassesKeepArgsAndAttributes() throws {
        let (_, value) = try run(
            """
            class AppError(Exception):
                def __init__(self, msg, code):
                    super().__init__(msg)
                    self.code = code
            e = AppError('bad', 7)
            seen = (repr(e), str(e), e.args, e.code, isinstance(e, Exception))
            """)
        #expect(try value("seen") == "(\"AppError('bad')\", 'bad', ('bad',), 7, True)")
    }
}
