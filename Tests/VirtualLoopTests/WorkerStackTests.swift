import Foundation
import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VirtualLoop

/// The native stack a simulated worker reserves (`SimThreads.workerStackSize`)
/// against what a job really needs: a job may recurse to the interpreter's
/// limit (`Interpreter.maxCallDepth` Python frames) before its
/// `RecursionError`, through plain calls, methods, generators or builtins
/// that call back into Python, and must not overflow its stack doing so.
@Suite("Worker stacks")
struct WorkerStackTests {
    /// Recursions to the limit, each caught at the top: the shapes whose
    /// Python frames cost the most native stack.
    static let recursions: [(String, String)] = [
        ("a function", "def f(n):\n    return f(n + 1)\n"),
        ("a method", "class C:\n    def m(self, n):\n        return self.m(n + 1)\n\ndef f(n):\n    return C().m(n)\n"),
        ("a generator", "def g(n):\n    yield from g(n + 1)\n\ndef f(n):\n    return list(g(n))\n"),
        ("a builtin calling back", "def f(n):\n    return sorted([1, 2], key=lambda x: f(n + 1))\n"),
        (
            "a dunder",
            "class R:\n    def __repr__(self):\n        return repr(R())\n\ndef f(n):\n    return repr(R())\n"
        ),
        ("a closure", "def f(n):\n    def inner():\n        return f(n + 1)\n    return inner()\n"),
    ]

    static func trace(_ recursion: String, inJob: Bool) -> String {
        let body =
            recursion + "\ndef job():\n    try:\n        f(0)\n    except RecursionError:\n        return 'caught'\n"
        if !inJob { return body + "\nprint(job())\n" }
        return body + """

            import asyncio
            from concurrent.futures import ThreadPoolExecutor


            async def main():
                loop = asyncio.get_running_loop()
                with ThreadPoolExecutor(max_workers=2) as pool:
                    print(await loop.run_in_executor(pool, job), await asyncio.to_thread(job))


            asyncio.run(main())

            """
    }

    static func compile(_ text: String) throws -> CompiledModule {
        try #require(try? TraceLoader.load(SourceFile(path: "stack.trace", text: text)).get()).compiled
    }

    @Test(
        "a job recursing to the limit in a worker ends with RecursionError, not a stack overflow", arguments: recursions
    )
    func jobRecursesToTheLimit(_ recursion: (String, String)) throws {
        let report = TraceRunner.run(try Self.compile(Self.trace(recursion.1, inJob: true)))
        #expect(report.status == .ok, "\(recursion.0): \(report.value)")
        #expect(report.events.filter { $0.kind == .print }.map { $0.text ?? "" } == ["caught caught"], "\(recursion.0)")
    }

    /// The deepest the stack of the calling thread has been below `top` (an
    /// address near the start of its stack), in bytes: the untouched pages
    /// at the far end of a fresh thread's stack still read as zeros. Reads
    /// from `top - span` upward: `span` must stay inside the stack.
    static func stackHighWater(below top: UnsafeRawPointer, span: Int) -> Int {
        let words = (top - span).assumingMemoryBound(to: UInt.self)
        var i = 0
        while i < span / MemoryLayout<UInt>.size && words[i] == 0 { i += 1 }
        return span - i * MemoryLayout<UInt>.size
    }

    /// The stack a run to the recursion limit takes, for each shape, in
    /// bytes, measured on a thread with far more than the workers have.
    static func measure(_ recursion: String) throws -> Int {
        let compiled = try compile(trace(recursion, inJob: false))
        let box = Box()
        let size = 16 * SimThreads.workerStackSize
        let thread = try NativeThread.start(stackSize: size) {
            var marker = 0
            withUnsafeMutablePointer(to: &marker) { top in
                let report = TraceRunner.runHere(compiled, limits: RunLimits(), seed: 0, perturbation: nil)
                box.printed = report.events.filter { $0.kind == .print }.map { $0.text ?? "" }
                // The thread's own descriptor and TLS sit above its stack, within its first MiB.
                box.used = stackHighWater(below: UnsafeRawPointer(top), span: size - (1 << 20))
            }
        }
        thread.join()
        #expect(box.printed == ["caught"])
        return box.used
    }

    private final class Box: @unchecked Sendable {
        var used = 0
        var printed: [String] = []
    }

    @Test("the workers' stack is at least 1.5 times what a recursion to the limit takes")
    func stackHasMargin() throws {
        var most = 0
        var lines: [String] = []
        for (name, text) in Self.recursions {
            let used = try Self.measure(text)
            lines.append("\(name): \(used / 1024) KiB")
            most = max(most, used)
        }
        print("stack at the recursion limit (\(Interpreter.maxCallDepth) frames): " + lines.joined(separator: ", "))
        #expect(most * 3 / 2 <= SimThreads.workerStackSize, "\(lines)")
    }
}
