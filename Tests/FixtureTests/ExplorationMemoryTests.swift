import Foundation
import Properties
import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VirtualLoop

/// Weak references to the objects of one run: nil once the run's report is gone and its objects freed.
private final class RunObjects: @unchecked Sendable {
    private let lock = NSLock()
    private var refs: [(run: Int, what: String, ref: WeakObject)] = []

    func add(run: Int, _ what: String, _ o: AnyObject) {
        lock.lock()
        defer { lock.unlock() }
        refs.append((run, what, WeakObject(o)))
    }

    /// What is still alive, as `run 3: world`.
    var alive: [String] {
        lock.lock()
        defer { lock.unlock() }
        return refs.filter { $0.ref.object != nil }.map { "run \($0.run): \($0.what)" }
    }

    /// What is still alive once the runs' last releases are done: a run's
    /// leftovers are released on the thread it ran on after its caller has
    /// resumed (`TraceRunner.onLargeStack`), so on a busy machine they may go
    /// a little after the report does. Waits up to `seconds` for that.
    func aliveAfterReleases(seconds: Double = 30) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        var left = alive
        while !left.isEmpty && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
            left = alive
        }
        return left
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return refs.count
    }

    /// Remembers the world, the interpreter, and every object of the trace's `kept` dict, of `report`.
    func watch(run: Int, _ report: RunReport) {
        add(run: run, "world", report.world)
        add(run: run, "interpreter", report.interpreter)
        let globals = report.interpreter.globals
        for name in ["kept", "Node", "Child", "main", "blocking"] {
            guard let i = globals.names.firstIndex(of: name), case .obj(let o) = globals.values[i] else {
                Issue.record("run \(run): no global \(name)")
                continue
            }
            add(run: run, "global \(name)", o)
        }
        guard let i = globals.names.firstIndex(of: "kept"), let kept = globals.values[i].object as? PyDict else {
            return
        }
        for (key, value) in zip(kept.table.keys, kept.table.values) {
            guard case .str(let name)? = key, case .obj(let o) = value else { continue }
            add(run: run, "kept['\(name)'] (\(o.typeName))", o)
        }
    }
}

private final class WeakObject {
    weak var object: AnyObject?
    init(_ o: AnyObject) { object = o }
}

@Suite("Exploration memory")
struct ExplorationMemoryTests {
    static let trace = "fixtures/leaks/leak_world.trace"

    @Test("every explored run's world, interpreter and objects (cycles included) are freed once its result is recorded")
    func exploredRunsAreFreed() throws {
        let trace = try load(Self.trace)
        var nominal: RunReport? = TraceRunner.run(trace.compiled)
        #expect(PropertyChecker.check(nominal!).passed)
        let objects = RunObjects()
        let runs = 24
        let outcome = Explorer.explore(
            trace.compiled, limits: RunLimits(), settings: ExploreSettings(runs: runs, seed: 5),
            nominal: nominal!, jobs: 2, failFast: false,
            onRun: { i, report, _, _ in objects.watch(run: i, report) })
        #expect(outcome.runsDone == runs)
        #expect(outcome.failingRuns.isEmpty)
        // 5 globals, world and interpreter, and the 13 objects of `kept`, per explored run.
        #expect(objects.count == (runs - 1) * 20)
        let left = objects.aliveAfterReleases()
        #expect(left.isEmpty, "still alive after the exploration: \(left)")

        // The check itself: a report that is still held keeps its run's objects, and they go with it.
        let held = RunObjects()
        held.watch(run: 0, nominal!)
        #expect(held.alive.count == 20)
        nominal = nil
        let heldLeft = held.aliveAfterReleases()
        #expect(heldLeft.isEmpty, "still alive after the nominal report went: \(heldLeft)")
    }

    @Test("a run that ends in a deadlock, with tasks suspended in cycles of futures and callbacks, is freed too")
    func deadlockedRunIsFreed() throws {
        let text = """
            import asyncio

            class Box:
                pass

            async def waiter(fut, box):
                box.me = box
                box.task = asyncio.current_task()
                await fut

            async def main():
                loop = asyncio.get_running_loop()
                fut = loop.create_future()
                box = Box()
                t = asyncio.create_task(waiter(fut, box))
                fut.add_done_callback(lambda f: t)
                await t

            asyncio.run(main())
            """
        let file = SourceFile(path: "deadlock.trace", text: text)
        let compiled = try Compiler.compile(try Parser.parse(file), file: file)
        let objects = RunObjects()
        for run in 0..<3 {
            let report = TraceRunner.run(compiled)
            #expect(report.status == .deadlock)
            objects.add(run: run, "world", report.world)
            objects.add(run: run, "interpreter", report.interpreter)
            for t in report.world.asyncio.allTasks { objects.add(run: run, "task \(t.name)", t) }
        }
        #expect(objects.count == 3 * 4)
        let left = objects.aliveAfterReleases()
        #expect(left.isEmpty, "still alive: \(left)")
    }
}
