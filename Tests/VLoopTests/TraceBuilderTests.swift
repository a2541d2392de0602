import Foundation
import Testing
import VLoop

/// The builder of the documentation's example: a peer, a pool of three, a
/// task that talks to the peer and one that runs a job and awaits the first.
func exampleBuilder() -> TraceBuilder {
    var b = TraceBuilder()
    b.peer("api.test", 80, connect: 0.05, replies: [.after(0.1, bytes: 16)])
    let pool = b.threadPool(workers: 3)
    let fetch = b.task("fetch") { t in
        t.print("fetch start")
        t.connect("api.test", 80)
        t.write(8)
        t.read(16)
        t.sleep(0.2)
        t.print("fetch end")
    }
    b.task("work") { t in
        t.runInExecutor(pool, seconds: 0.3, label: "job")
        t.awaitTask(fetch)
        t.print("work done")
    }
    b.expectOrder("fetch start", "fetch end", "work done")
    return b
}

@Suite struct TraceBuilderTests {
    @Test("the builder writes the example's trace source exactly")
    func exampleSource() {
        let golden = """
            import asyncio
            import concurrent.futures
            import time

            sim.peer('api.test', 80, connect=0.05, replies=[(0.1, 16)])

            pool_0 = concurrent.futures.ThreadPoolExecutor(max_workers=3)
            tasks = {}


            def job(label, seconds):
                time.sleep(seconds)
                return label


            async def fetch():
                print('fetch start')
                reader, writer = await asyncio.open_connection('api.test', 80)
                writer.write(b'\\x00' * 8)
                await reader.readexactly(16)
                await asyncio.sleep(0.2)
                print('fetch end')


            async def work():
                await asyncio.get_running_loop().run_in_executor(pool_0, job, 'job', 0.3)
                await tasks['fetch']
                print('work done')


            async def main():
                tasks['fetch'] = asyncio.create_task(fetch(), name='fetch')
                tasks['work'] = asyncio.create_task(work(), name='work')
                await asyncio.gather(tasks['fetch'], tasks['work'])


            asyncio.run(main())

            expect.order('fetch start', 'fetch end', 'work done')

            """
        #expect(exampleBuilder().source == golden)
    }

    @Test("a built trace replays with its tasks' output, contexts and elapsed time")
    func replaysOutputAndElapsed() throws {
        var b = TraceBuilder()
        let slow = b.task("slow") { t in
            t.print("slow start")
            t.sleep(2.5)
            t.print("slow end")
        }
        b.task("fast") { t in
            t.sleep(1.0)
            t.print("fast end")
            t.awaitTask(slow)
            t.print("fast saw slow")
        }
        b.expectOutput(["slow start", "fast end", "slow end", "fast saw slow"])
        b.expectElapsed(2.5)
        let run = try b.build(name: "two-tasks.trace").replay()
        #expect(run.status == .ok)
        #expect(run.output == ["slow start", "fast end", "slow end", "fast saw slow"])
        #expect(run.elapsed == 2.5)
        let prints = run.events.filter { $0.kind == .print }
        #expect(prints.map(\.time) == [0.0, 1.0, 2.5, 2.5])
        #expect(prints.map(\.context) == ["slow", "fast", "slow", "fast"])
        #expect(run.properties.count == 2 && run.passed)
    }

    @Test("a peer's reply and an executor's job take their simulated time")
    func peerAndJobTakeTheirTime() throws {
        var b = TraceBuilder()
        b.peer("db.test", 5432, connect: 0.25, replies: [.after(0.5, bytes: 4), .after(1.0, text: "ok\r\n")])
        let pool = b.threadPool(workers: 1, prefix: "blocking")
        b.task("client") { t in
            t.connect("db.test", 5432)
            t.write(3)
            t.read(4)
            t.print("first reply")
            t.write(text: "again")
            t.read(4)
            t.print("second reply")
            t.close()
        }
        b.task("worker") { t in
            t.runInExecutor(pool, seconds: 2.0, label: "crunch")
            t.print("job done")
            t.runInExecutor(.default, seconds: 0.5)
            t.print("default job done")
        }
        b.expectAt("first reply", 0.75)
        b.expectAt("second reply", 1.75)
        b.expectAt("job done", 2.0)
        b.expectElapsed(2.5)
        let run = try b.build().replay()
        #expect(run.status == .ok)
        let at = Dictionary(uniqueKeysWithValues: run.events.filter { $0.kind == .print }.map { ($0.text!, $0.time) })
        #expect(at["first reply"] == 0.75)
        #expect(at["second reply"] == 1.75)
        #expect(at["job done"] == 2.0)
        #expect(at["default job done"] == 2.5)
        #expect(run.elapsed == 2.5)
        #expect(run.jobs.count >= 2)
        #expect(run.passed, "\(run.failedProperties)")
    }

    @Test("a print text with quotes, a backslash and a newline round-trips into the run's output")
    func escapingRoundTrips() throws {
        let tricky = "it's \"quoted\" \\ back\\slash\nand a new line\t'''"
        var b = TraceBuilder()
        b.task("say \"it\"") { t in t.print(tricky) }
        b.expectOutput([tricky])
        let trace = try b.build()
        #expect(trace.source.contains("async def task_0():"))
        let run = trace.replay()
        #expect(run.output == [tricky])
        #expect(run.events.first { $0.kind == .print }?.context == "say \"it\"")
        #expect(run.passed)
    }

    @Test("durations are written as Python floats")
    func durationsAsPythonFloats() {
        var b = TraceBuilder()
        b.task("t") { t in
            t.sleep(1)
            t.sleep(0.1 + 0.2)
            t.sleep(1e-5)
            t.sleep(9.5e15)
        }
        let source = b.source
        #expect(source.contains("await asyncio.sleep(1.0)\n"))
        #expect(source.contains("await asyncio.sleep(0.30000000000000004)\n"))
        #expect(source.contains("await asyncio.sleep(1e-05)\n"))
        #expect(source.contains("await asyncio.sleep(9500000000000000.0)\n"))
    }

    @Test("building fails for a task awaiting an undeclared task, or two tasks of one name")
    func buildErrors() {
        var b = TraceBuilder()
        b.task("a") { t in t.awaitTask(TraceBuilder.TaskRef("missing")) }
        #expect(throws: TraceBuilder.BuildError.unknownTask("missing", awaitedBy: "a")) { try b.build() }
        var twice = TraceBuilder()
        twice.task("a") { t in t.sleep(1) }
        twice.task("a") { t in t.sleep(2) }
        #expect(throws: TraceBuilder.BuildError.duplicateTask("a")) { try twice.build() }
    }

    @Test("the documentation's example replays as its comment says")
    func documentedExample() throws {
        var b = exampleBuilder()
        b.expectAt("work done", 0.35, tolerance: 1e-9)
        let run = try b.build(name: "built").replay()
        #expect(run.output == ["fetch start", "fetch end", "work done"])
        #expect(run.elapsed == 0.05 + 0.1 + 0.2)
        #expect(run.elapsed == 0.35000000000000003)
        #expect(run.passed, "\(run.failedProperties)")
    }
}
