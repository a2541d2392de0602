import Foundation
import Properties
import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VLoop
import VirtualLoop

/// The repository's root: the folder holding Package.swift above this file.
let repositoryRoot: URL = {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir
}()

/// The traces of a fixture suite, as paths relative to the repository root:
/// its `*.trace` files and Python test files (`test_*.py`, `*_test.py`); the
/// other `.py` files and the packages beside them are modules they import.
func fixtures(_ suite: String) -> [String] {
    let dir = repositoryRoot.appendingPathComponent("fixtures/\(suite)")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { SuiteRunner.isTraceInFolder(dir.appendingPathComponent($0).path) }.sorted().map {
        "fixtures/\(suite)/\($0)"
    }
}

let passingFixtures = fixtures("seed") + fixtures("conformance") + fixtures("programs")

/// `NAME.expected-traceback.txt` beside a fixture: the traceback, through the
/// trace's own files, of the exception that ended its run under CPython
/// (written by scripts/regen-golden; absent when the run ends otherwise).
func tracebackGoldenURL(_ relative: String) -> URL {
    repositoryRoot.appendingPathComponent((relative as NSString).deletingPathExtension + ".expected-traceback.txt")
}

/// The passing fixtures whose golden log ends with status `exception`.
let fixturesEndingWithException = passingFixtures.filter { path in
    ((try? golden(path)) ?? "").contains(#""kind":"run_end","status":"exception""#)
}

/// Loads a fixture as `vloop run` does from the repository's root (the paths
/// its modules report are relative to the root, as in the golden logs).
func load(_ relative: String) throws -> LoadedTrace {
    let url = repositoryRoot.appendingPathComponent(relative)
    let text = try String(contentsOf: url, encoding: .utf8)
    let folder = (relative as NSString).deletingLastPathComponent
    switch TraceLoader.load(
        SourceFile(path: relative, text: text), modulePaths: [folder], builtinModules: World.builtinModuleNames)
    {
    case .success(let t): return t
    case .failure(.invalid(let errors)):
        let rendered = errors.rendered
        Issue.record("\(relative) does not compile:\n\(rendered)")
        throw CancellationError()
    case .failure(.unreadable(let why)):
        Issue.record("\(why)")
        throw CancellationError()
    }
}

func golden(_ relative: String) throws -> String {
    let url = repositoryRoot.appendingPathComponent(
        (relative as NSString).deletingPathExtension + ".expected.jsonl")
    return try String(contentsOf: url, encoding: .utf8)
}

@Suite("Fixtures")
struct FixtureTests {
    @Test("the suites hold traces", arguments: ["seed", "conformance", "programs"])
    func suitesAreNotEmpty(_ suite: String) {
        #expect(!fixtures(suite).isEmpty)
    }

    @Test("vloop's event log equals the golden log", arguments: passingFixtures)
    func eventLogMatchesGolden(_ path: String) throws {
        let trace = try load(path)
        let report = TraceRunner.run(trace.compiled, modules: trace.modules)
        let ours = report.events.map { $0.jsonLine + "\n" }.joined()
        let expected = try golden(path)
        if ours != expected {
            let a = ours.split(separator: "\n"), b = expected.split(separator: "\n")
            let i = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
            Issue.record(
                """
                \(path): first difference at event \(i + 1)
                  vloop:   \(i < a.count ? String(a[i]) : "(end)")
                  golden:  \(i < b.count ? String(b[i]) : "(end)")
                """)
        }
    }

    @Test("every property of a fixture holds", arguments: passingFixtures)
    func propertiesHold(_ path: String) throws {
        let trace = try load(path)
        let report = TraceRunner.run(trace.compiled, modules: trace.modules)
        let verdict = PropertyChecker.check(report)
        #expect(
            verdict.passed,
            "\(path): \((verdict.results.filter { !$0.passed }.map(\.message) + verdict.problems).joined(separator: "; "))"
        )
    }

    @Test("the traceback of a run that ends with an exception is CPython's", arguments: fixturesEndingWithException)
    func tracebackMatchesGolden(_ path: String) throws {
        let trace = try load(path)
        let report = TraceRunner.run(trace.compiled, modules: trace.modules)
        let ours = (report.traceback(files: trace.sourceFiles) ?? "(no traceback)") + "\n"
        let expected = try String(contentsOf: tracebackGoldenURL(path), encoding: .utf8)
        #expect(ours == expected, "\(path): vloop's traceback differs from CPython's")
    }

    @Test("a replay is identical every time", arguments: passingFixtures.prefix(8))
    func replayIsDeterministic(_ path: String) throws {
        let trace = try load(path)
        let a = TraceRunner.run(trace.compiled).events
        let b = TraceRunner.run(trace.compiled).events
        #expect(a == b)
    }
}

/// Where python3 is CPython 3.11.7, each golden log is regenerated with the
/// reference and must not have changed. The reference runs as `vloop verify`
/// runs it (`-I`, in its sandbox: VerifySandbox), so that this also proves
/// that verify's sandbox lets every passing fixture run as it did.
@Suite("CPython reference")
struct ReferenceTests {
    static let python = ProcessInfo.processInfo.environment["VLOOP_PYTHON"] ?? "python3"

    static let referenceAvailable: Bool = {
        guard let r = run(python, ["-c", "import sys; print(sys.version.split()[0])"]) else { return false }
        return r.status == 0 && r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3.11.7"
    }()

    static func run(_ program: String, _ args: [String]) -> ProcessOutput? {
        runProcess(URL(fileURLWithPath: "/usr/bin/env"), [program] + args)
    }

    @Test(
        "the golden log is what CPython's asyncio produces", .enabled(if: referenceAvailable),
        arguments: passingFixtures)
    func goldenMatchesCPython(_ path: String) throws {
        let arguments = ["-I", "reference/vloop_reference.py"] + VerifySandbox().referenceArguments + [path]
        guard let r = Self.run(Self.python, arguments) else {
            Issue.record("could not run the reference")
            return
        }
        #expect(r.status == 0)
        #expect(
            r.stdout == (try golden(path)), "\(path): the golden log differs from CPython's; run scripts/regen-golden")
    }

    // Outside the sandbox, which lets the reference write no file.
    @Test(
        "the golden traceback is what CPython's traceback shows, through the trace's own files",
        .enabled(if: referenceAvailable), arguments: fixturesEndingWithException)
    func tracebackGoldenMatchesCPython(_ path: String) throws {
        let traceback = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vloop-traceback-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: traceback) }
        guard
            let r = Self.run(Self.python, ["-I", "reference/vloop_reference.py", "--traceback", traceback.path, path])
        else {
            Issue.record("could not run the reference")
            return
        }
        #expect(r.status == 0)
        let cpython = (try? String(contentsOf: traceback, encoding: .utf8)) ?? ""
        let kept = (try? String(contentsOf: tracebackGoldenURL(path), encoding: .utf8)) ?? ""
        #expect(cpython == kept, "\(path): the golden traceback differs from CPython's; run scripts/regen-golden")
    }
}

/// `fixtures/invalid/NAME.trace` files whose first line is `# runtime-error`
/// load, and fail when they run (a missing module, an import cycle, a
/// `MemoryError`, a limit): `NAME.expected.txt` is what the run ended with,
/// the traceback `vloop run` shows through the modules' own files and lines
/// for an exception, or the status and its value for any other end (a limit,
/// a deadlock). (`VLOOP_UPDATE_FIXTURES=1` rewrites them.)
@Suite("Invalid input found at run time")
struct RuntimeErrorFixtureTests {
    static let names: [String] = {
        let dir = repositoryRoot.appendingPathComponent("fixtures/invalid")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { name in
            name.hasSuffix(".trace")
                && (try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8))?.hasPrefix(
                    "# runtime-error") == true
        }.sorted()
    }()

    @Test func thereAreRuntimeErrorFixtures() { #expect(Self.names.count >= 2) }

    // One at a time: the memory budget reads the process's memory, so a
    // fixture that fills its budget on purpose (size_str_append_loop) would
    // end another that runs beside it with 'max-memory' (size_copy_loop,
    // which must end with 'max-instructions', did so in CI).
    @Test(.serialized, arguments: names)
    func theTracebackNamesEachFile(_ name: String) throws {
        let trace = try load("fixtures/invalid/\(name)")
        let report = TraceRunner.run(trace.compiled, modules: trace.modules)
        #expect(report.status != .ok, "a runtime-error fixture must not end well")
        let ending =
            report.status == .exception
            ? report.traceback(files: trace.sourceFiles) ?? "(no traceback)"
            : "the run ended with status '\(report.status)' (\(report.value))"
        let rendered = ending + "\n"
        let expectedURL = repositoryRoot.appendingPathComponent(
            "fixtures/invalid/" + (name as NSString).deletingPathExtension + ".expected.txt")
        if ProcessInfo.processInfo.environment["VLOOP_UPDATE_FIXTURES"] == "1" {
            try Data(rendered.utf8).write(to: expectedURL)
        }
        #expect(rendered == (try String(contentsOf: expectedURL, encoding: .utf8)))
    }
}

@Suite("Deadlock reports")
struct DeadlockReportTests {
    @Test("a task stuck in a lock, queue or task group is reported with the asyncio call it waits in")
    func namesThePreludeCall() throws {
        let source = """
            import asyncio
            async def main():
                lock = asyncio.Lock()
                q = asyncio.Queue()
                await lock.acquire()
                async def again():
                    async with lock:
                        pass
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(again(), name='again')
                    tg.create_task(q.get(), name='get')
            asyncio.run(main())
            """
        guard case .success(let trace) = TraceLoader.load(SourceFile(path: "t.trace", text: source)) else {
            Issue.record("does not compile")
            return
        }
        let report = TraceRunner.run(trace.compiled)
        #expect(report.status == .deadlock)
        #expect(
            report.pendingTasks.map { "\($0.name): \($0.awaiting)" } == [
                "Task-1: a future that nothing resolves in TaskGroup.__aexit__()",
                "again: a future that nothing resolves in Lock.acquire()",
                "get: a future that nothing resolves in Queue.get()",
            ])
    }
}

@Suite("Recorder")
struct RecorderTests {
    func run(_ source: String) throws -> RunReport {
        guard case .success(let trace) = TraceLoader.load(SourceFile(path: "t.trace", text: source)) else {
            Issue.record("does not compile")
            throw CancellationError()
        }
        return TraceRunner.run(trace.compiled)
    }

    @Test("each job is recorded with its pool, worker, and when it was queued, started and finished")
    func jobs() throws {
        let report = try run(
            """
            import asyncio
            import time
            import concurrent.futures
            def blocks(n):
                time.sleep(0.1)
                if n == 3:
                    raise ValueError(n)
                return n * n
            async def main():
                loop = asyncio.get_running_loop()
                ex = concurrent.futures.ThreadPoolExecutor(max_workers=2)
                fs = [loop.run_in_executor(ex, blocks, i) for i in range(4)]
                await asyncio.wait(fs)
            asyncio.run(main())
            """)
        #expect(report.status == .ok)
        let rows = report.jobs.map {
            "\($0.executor) \($0.job) \($0.worker ?? "-") \($0.queued) \($0.started ?? -1) \($0.finished ?? -1) \($0.succeeded ?? true)"
        }
        #expect(
            rows == [
                "ThreadPoolExecutor-0 blocks(0) ThreadPoolExecutor-0_0 0.0 0.0 0.1 true",
                "ThreadPoolExecutor-0 blocks(1) ThreadPoolExecutor-0_1 0.0 0.0 0.1 true",
                "ThreadPoolExecutor-0 blocks(2) ThreadPoolExecutor-0_0 0.0 0.1 0.2 true",
                "ThreadPoolExecutor-0 blocks(3) ThreadPoolExecutor-0_1 0.0 0.1 0.2 false",
            ])
    }

    @Test("each connection is recorded with its connect, the bytes sent and delivered, and the closes")
    func connections() throws {
        let report = try run(
            """
            import asyncio
            sim.peer('a.com', 80, connect=0.25, dns=0.5, replies=[[(0.5, 10), (0.75, b'xy')]], close=1.0)
            async def main():
                r, w = await asyncio.open_connection('a.com', 80)
                w.write(b'hello')
                print(len(await r.read()))
                w.close()
                await w.wait_closed()
                try:
                    await asyncio.open_connection('a.com', 81)
                except ConnectionRefusedError:
                    pass
            asyncio.run(main())
            """)
        #expect(report.status == .ok)
        #expect(
            report.connections == [
                ConnectionRecord(
                    host: "a.com", address: "198.51.100.1", port: 80, opened: 0.5, connected: 0.75,
                    refused: nil, sent: [.init(t: 0.75, bytes: 5)],
                    delivered: [.init(t: 1.25, bytes: 10), .init(t: 1.5, bytes: 2)],
                    peerClosed: 2.5, closed: 2.5),
                // Refused (nobody at port 81), then closed by asyncio's _connect_sock.
                ConnectionRecord(
                    host: "198.51.100.1", address: "198.51.100.1", port: 81, opened: 3.0, connected: nil,
                    refused: 3.0, closed: 3.0),
            ])
    }
}
