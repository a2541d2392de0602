import Testing
import VLoop

/// Replays `body` (after `import asyncio`) and returns what it printed.
private func output(_ body: String) throws -> [String] {
    let trace = try Trace(source: "import asyncio\n" + body, name: "guard.trace")
    return trace.replay().output
}

/// Native recursion (comparing, repr, str, hashing nested containers)
/// raises CPython's RecursionError, and counts with Python's frames toward
/// the one recursion limit, as `Py_EnterRecursiveCall` does.
@Suite struct RecursionGuardTests {
    @Test("comparing self-containing lists, dicts and deques raises RecursionError in comparison")
    func selfContainingContainers() throws {
        let out = try output(
            """
            import collections
            def check(name, make):
                a = make()
                b = make()
                try:
                    print(name, a == b)
                except RecursionError as e:
                    print(name, e)
            def lst():
                x = []
                x.append(x)
                return x
            def dct():
                x = {}
                x['k'] = x
                return x
            def dq():
                x = collections.deque()
                x.append(x)
                return x
            check('list', lst)
            check('dict', dct)
            check('deque', dq)
            a = lst()
            try:
                sorted([a, lst()])
            except RecursionError as e:
                print('sorted', e)
            """)
        #expect(
            out == [
                "list maximum recursion depth exceeded in comparison",
                "dict maximum recursion depth exceeded in comparison",
                "deque maximum recursion depth exceeded in comparison",
                "sorted maximum recursion depth exceeded in comparison",
            ])
    }

    @Test("repr, str and f-strings of a list nested 100,000 deep raise RecursionError, not a quadratic string")
    func deepRepr() throws {
        let out = try output(
            """
            x = []
            for i in range(100000):
                x = [x]
            for name, f in [('repr', repr), ('str', str), ('fstring', lambda v: f'{v}'), ('print', print)]:
                try:
                    f(x)
                except RecursionError as e:
                    print(name, e)
            """)
        #expect(
            out
                == ["repr", "str", "fstring", "print"].map {
                    "\($0) maximum recursion depth exceeded while getting the repr of an object"
                })
    }

    @Test("native and Python recursion share one limit: a comparison 50 deep fails only near the limit")
    func sharedDepth() throws {
        let out = try output(
            """
            def nest(n):
                x = [0]
                for i in range(n):
                    x = [x]
                return x
            a = nest(50)
            b = nest(50)
            def at(depth):
                if depth == 0:
                    return a == b
                return at(depth - 1)
            print(at(10))
            try:
                print(at(960))
            except RecursionError as e:
                print(e)
            """)
        #expect(out == ["True", "maximum recursion depth exceeded in comparison"])
    }

    @Test("a tuple nested 99,000 deep hashes; one nested 199,000 deep raises RecursionError")
    func deepHash() throws {
        let out = try output(
            """
            t = ()
            for i in range(99000):
                t = (t,)
            print({t: 1}[t])
            for i in range(100000):
                t = (t,)
            try:
                hash(t)
            except RecursionError as e:
                print(e)
            """)
        #expect(out == ["1", "maximum recursion depth exceeded while hashing an object"])
    }

    @Test("a million-deep nested list, linked instances and chained closures are freed at the end of a run")
    func deepStructuresAreFreed() throws {
        let out = try output(
            """
            x = []
            for i in range(1000000):
                x = [x]
            class Node:
                def __init__(self, nxt):
                    self.next = nxt
            n = None
            for i in range(300000):
                n = Node(n)
            def wrap(g):
                return lambda: g
            f = None
            for i in range(300000):
                f = wrap(f)
            x = n = f = None
            print('freed')
            """)
        #expect(out == ["freed"])
    }
}
