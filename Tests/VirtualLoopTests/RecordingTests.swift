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
