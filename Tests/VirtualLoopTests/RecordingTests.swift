import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VirtualLoop

/// The recorder's lifecycle of tasks and jobs, kept beside the event log.
@Suite("Recording")
struct RecordingTests {
    func run(_ text: String) throws -> RunReport {
        let file = SourceFile(path: "t.trace", text: text)
        let compiled = try #require(try? TraceLoader.load(file).get()).compiled
        return TraceRunner.run(compiled)
    }

    @Test("each task's creation, first step, completion and state are recorded in creation order")
    func taskLifecycle() throws {
        let report = try run(
            """
            import asyncio

            async def worker(d):
                await asyncio.sleep(d)
                await asyncio.sleep(d)
                return d

            async def main():
                t = asyncio.create_task(worker(1))
                await asyncio.sleep(0.5)
                u = asyncio.create_task(worker(2))
                await asyncio.sleep(0)
                u.cancel()
                await t

            asyncio.run(main())
            """)
        let byName = Dictionary(uniqueKeysWithValues: report.tasks.map { ($0.name, $0) })
        #expect(report.tasks.map(\.name).prefix(3) == ["Task-1", "Task-2", "Task-3"])
        let t = try #require(byName["Task-2"])
        #expect(t.created == 0 && t.firstStep == 0 && t.done == 2.0 && t.state == "result")
        #expect(t.stepTimes == [0, 1, 2] && t.steps == 3)
        let u = try #require(byName["Task-3"])
        #expect(u.created == 0.5 && u.firstStep == 0.5 && u.done == 0.5 && u.state == "cancelled")
        #expect(byName["Task-1"]?.done == 2.0)
    }

    @Test("each task records the call that made its coroutine, with only plain values, and how it raised")
    func taskCalls() throws {
        let report = try run(
            """
            import asyncio

            class Conn:
                def __repr__(self):
                    print('repr ran')
                    return 'Conn()'

                async def send(self, data, *, retries=2):
                    await asyncio.sleep(0)
                    raise KeyError('lost')

            async def fetch(key, delay, *rest, flag=None, **extra):
                key = 'rebound'
                await asyncio.sleep(delay)
                return key

            async def main():
                def inner():
                    async def nested(x):
                        return x
                    return nested
                a = asyncio.create_task(fetch('b', 0.15, 1, True, None, flag=2.5, mode='x' * 50))
                b = asyncio.create_task(Conn().send(Conn()), name='sender')
                c = asyncio.create_task(inner()(3))
                d = asyncio.ensure_future(asyncio.sleep(0))
                await a
                await c
                await d
                try:
                    await b
                except KeyError:
                    pass

            asyncio.run(main())
            """)
        let byName = Dictionary(uniqueKeysWithValues: report.tasks.map { ($0.name, $0) })
        #expect(byName["Task-1"]?.coroutine == "main()")
        let long = "'" + String(repeating: "x", count: 40) + "…'"
        #expect(byName["Task-2"]?.coroutine == "fetch('b', 0.15, 1, True, None, flag=2.5, mode=\(long))")
        // `self` is left out; another object is its type's name, and no __repr__ ran.
        #expect(byName["sender"]?.coroutine == "Conn.send(<Conn>, retries=2)")
        #expect(byName["sender"]?.label == "sender Conn.send(<Conn>, retries=2)")
        #expect(!report.events.contains { $0.text == "repr ran" })
        #expect(byName["sender"]?.exception == "KeyError: 'lost'")
        #expect(byName["Task-4"]?.coroutine == "nested(3)")
        #expect(byName["Task-2"]?.exception == nil)
        // Not a coroutine made by a Python function: no call.
        #expect(byName["Task-5"]?.coroutine == nil)
    }

    @Test("a task still waiting when the run deadlocks is recorded as pending, with no done time")
    func pendingTask() throws {
        let report = try run(
            """
            import asyncio

            async def main():
                await asyncio.get_running_loop().create_future()

            asyncio.run(main())
            expect.status('deadlock')
            """)
        #expect(report.status == .deadlock)
        let main = try #require(report.tasks.first)
        #expect(main.state == "pending" && main.done == nil && main.firstStep == 0)
    }
}
