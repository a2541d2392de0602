import Foundation
import Testing

/// `vloop record` on real programs (fixtures/record/): each runs under
/// CPython with real time, threads and sockets, and the trace written must
/// replay with the recorded order, each event within the tolerance the
/// trace's header states. The servers are local (fixtures/record/serve.py
/// on 127.0.0.1) and stopped at the end of each test; the programs take
/// well under a second each.
@Suite("vloop record", .enabled(if: ReferenceTests.referenceAvailable, "needs CPython 3.11.7 as python3"))
struct RecordTests {
    /// A scratch folder for one test's traces and recordings.
    let scratch: URL = FileManager.default.temporaryDirectory
        .appendingPathComponent("vloop-record-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    func vloop(_ args: [String]) throws -> ProcessOutput {
        let binary = try #require(CommandLineTests.binary, "build the vloop executable first (swift build)")
        return try #require(runProcess(binary, args), "could not start \(binary.path)")
    }

    /// `vloop record` of fixtures/record/PROGRAM into the scratch folder.
    func record(_ program: String, _ args: [String] = [], flags: [String] = []) throws -> Recorded {
        let stem = (program as NSString).deletingPathExtension
        let trace = scratch.appendingPathComponent("\(stem).trace").path
        let json = scratch.appendingPathComponent("\(stem).json").path
        let r = try vloop(
            ["record", "--out", trace, "--recording", json] + flags + [
                "--", ReferenceTests.python, "fixtures/record/\(program)",
            ]
                + args)
        return Recorded(output: r, trace: trace, json: json)
    }

    struct Recorded {
        var output: ProcessOutput
        var trace: String
        var json: String
        var text: String { (try? String(contentsOfFile: trace, encoding: .utf8)) ?? "" }
    }

    /// The recorded events (print, log, task_done) and the tolerance the header states.
    func recording(_ r: Recorded) throws -> (events: [[String: Any]], tolerance: Double) {
        let data = try Data(contentsOf: URL(fileURLWithPath: r.json))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try #require(object["events"] as? [[String: Any]])
        let tolerance = try #require(object["tolerance"] as? Double)
        return (events.sorted { ($0["t"] as! Double) < ($1["t"] as! Double) }, tolerance)
    }

    /// Replays the trace with `vloop run --events` and checks, event by
    /// event, that the replay has the recorded events and that each one's
    /// virtual time is within the stated tolerance of its recorded time.
    /// Returns how many events were compared.
    @discardableResult
    func replayMatches(_ r: Recorded, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let run = try vloop(["run", "--no-store", "--events", "--path", "fixtures/record", r.trace])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)", sourceLocation: sourceLocation)
        let replayed = run.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let (recorded, tolerance) = try recording(r)
        func key(_ e: [String: Any]) -> String {
            "\(e["kind"] ?? "") \(e["ctx"] ?? "") \(e["text"] ?? e["state"] ?? "")"
        }
        let observable: ([String: Any]) -> Bool = { ["print", "log", "task_done"].contains($0["kind"] as? String) }
        let ours = replayed.filter(observable)
        let theirs = recorded.filter(observable)
        #expect(ours.map(key).sorted() == theirs.map(key).sorted(), sourceLocation: sourceLocation)
        // The n-th occurrence of each event in one log against the n-th in the other.
        var seen: [String: Int] = [:]
        var times: [String: [Double]] = [:]
        for e in ours { times[key(e), default: []].append(e["t"] as! Double) }
        for e in theirs {
            let k = key(e)
            let n = seen[k, default: 0]
            seen[k] = n + 1
            guard let replayedTimes = times[k], n < replayedTimes.count else { continue }
            let recordedTime = e["t"] as! Double
            #expect(
                abs(replayedTimes[n] - recordedTime) <= tolerance,
                "\(k): recorded at \(recordedTime), replayed at \(replayedTimes[n]), tolerance \(tolerance)",
                sourceLocation: sourceLocation)
        }
        return theirs.count
    }

    @Test("a program with real threads and time.sleep replays in the recorded order, within the tolerance")
    func threads() throws {
        let r = try record("jobs.py")
        #expect(r.output.status == 0, "\(r.output.stderr)")
        #expect(r.output.stderr.contains("PASS, the recorded order holds (16 events)"))
        #expect(r.text.contains("# Recorded by vloop record from `python3 jobs.py`"))
        #expect(r.text.contains("with CPython 3.11.7"))
        #expect(r.text.contains("import jobs\n"))
        #expect(r.text.contains("from jobs import asyncio, main\nasyncio.run(main())\n"))
        // The body of blocking_fetch runs in vloop: no stand-in.
        #expect(!r.text.contains("_Recorded"))
        // A worker thread's print races with the loop's: said in a comment, and not pinned.
        #expect(r.text.contains("# Not pinned, a race: print 'a started' (Task-2), print 'a fetching' (asyncio_0)"))
        #expect(r.text.contains("expect.order(\n    'a started',"))
        #expect(r.text.contains("    'tick 2',\n"))
        #expect(r.text.contains("expect.all_done()"))
        #expect(try replayMatches(r) == 16)
        // The raw recording: each job with its worker, times, time slept and value.
        let raw = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: r.json))) as? [String: Any])
        let jobs = try #require(raw["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["function"] as? String } == ["blocking_fetch", "blocking_fetch"])
        #expect(jobs.map { $0["returned"] as? String } == ["'A'", "'B'"])
        #expect(jobs.map { $0["slept"] as? Double } == [0.2, 0.1])
        #expect(jobs.allSatisfy { ($0["worker"] as? String)?.hasPrefix("asyncio_") == true })
    }

    @Test("a client of a real HTTP server: each connection becomes a sim.peer with its recorded timings and bytes")
    func httpClient() throws {
        let server = try Server()
        defer { server.stop() }
        let r = try record("http_client.py", [String(server.port)])
        #expect(r.output.status == 0, "\(r.output.stderr)")
        #expect(r.output.stderr.contains("PASS, the recorded order holds"))
        let peers = r.text.split(separator: "\n").filter { $0.hasPrefix("sim.peer('127.0.0.1', \(server.port)") }
        #expect(peers.count == 4)
        // In the order the connections were made: slow, fast, middle, then last; the
        // server's delays (150, 20, 80, 40 ms) are the replies' delays.
        for (peer, (body, ms)) in zip(peers, [("slow", 150), ("fast", 20), ("middle", 80), ("last", 40)]) {
            // The headers and the body, in one chunk or two (as the socket delivered them).
            #expect(peer.contains("[[(") && peer.contains("b'HTTP/1.0 200 OK\\r\\n"), "\(peer)")
            #expect(peer.contains("\(body)')]]"), "\(peer)")
            let delay = try #require(Double(peer.split(separator: "[[(")[1].split(separator: ",")[0]))
            #expect(delay >= Double(ms) / 1000 && delay < Double(ms) / 1000 + 0.2, "\(peer)")
            #expect(peer.contains("close="))
        }
        #expect(r.text.contains("'/wait/20/fast HTTP/1.0 200 OK fast',\n    '/wait/80/middle HTTP/1.0 200 OK middle',"))
        #expect(try replayMatches(r) == 12)
    }

    @Test(
        "blocking HTTP calls on a thread pool become stand-ins taking the recorded time and returning the recorded value"
    )
    func blockingPool() throws {
        let server = try Server()
        defer { server.stop() }
        let r = try record("blocking_pool.py", [String(server.port)])
        #expect(r.output.status == 0, "\(r.output.stderr)")
        #expect(r.output.stderr.contains("PASS, the recorded order holds"))
        #expect(r.text.contains("# get: 3 calls; it used"))
        #expect(r.text.contains("blocking_pool.get = _recorded_get"))
        // Each call: its arguments, the recorded seconds (at least the server's delay), no
        // prints, the value it returned, no exception.
        for (name, ms) in [("one", 120), ("two", 30), ("three", 60)] {
            let prefix = "    ((('/wait/\(ms)/\(name)',), {}), "
            let line = try #require(r.text.split(separator: "\n").first { $0.hasPrefix(prefix) })
            let seconds = try #require(Double(line.dropFirst(prefix.count).prefix { $0 != "," }))
            #expect(seconds >= Double(ms) / 1000 && seconds < Double(ms) / 1000 + 0.2, "\(line)")
            #expect(line.hasSuffix(", [], '\(name)', None),"), "\(line)")
        }
        // crunch only computes: vloop runs it.
        #expect(!r.text.contains("_recorded_crunch"))
        // vloop runs crunch in no virtual time, as soon as a worker is free: after two and three,
        // as the real run did (the pool has two workers, and one is the slowest).
        #expect(
            r.text.contains(
                "expect.output([\n    'got two',\n    'got three',\n    'got 332833500',\n    'got one',\n])"))
        try replayMatches(r)
    }

    @Test("--model writes one straight-line coroutine per task, for a program vloop cannot run")
    func model() throws {
        let plain = try record("cli_tool.py")
        #expect(plain.output.status == 2)
        #expect(plain.output.stderr.contains("no module named 'argparse'"))
        #expect(plain.output.stderr.contains("record again with --model"))

        let r = try record("cli_tool.py", ["--count", "2"], flags: ["--model"])
        #expect(r.output.status == 0, "\(r.output.stderr)")
        #expect(r.output.stderr.contains("PASS, the recorded order holds"))
        #expect(r.text.contains("async def main_1():"))
        #expect(r.text.contains("    tasks['Task-2'] = asyncio.ensure_future(worker_2())\n"))
        #expect(r.text.contains("    await asyncio.gather(tasks['Task-2'], tasks['Task-3'])\n"))
        #expect(r.text.contains("async def worker_2():  # Task-2: worker"))
        #expect(r.text.contains("    await asyncio.sleep(0.06)\n    print('w0 done')\n    return 'w0'\n"))
        #expect(r.text.contains("asyncio.run(main_1())"))
        #expect(!r.text.contains("import cli_tool"))
        try replayMatches(r)

        // What the recorder does not know (an asyncio.Event) is a comment and a warning; the
        // model waits as long as the task waited.
        let event = try record("waits_for_event.py", flags: ["--model"])
        #expect(event.output.status == 0, "\(event.output.stderr)")
        #expect(event.output.stderr.contains("vloop record: warning: model: Task-2 awaited <Future pending"))
        #expect(event.text.contains("    await asyncio.sleep(0.02"))
        #expect(event.text.contains("# Task-2 awaited <Future pending"))
        #expect(event.text.contains("which the recorder does not know: the model waits as long as it did"))
        try replayMatches(event)
    }

    @Test("--model replays the jobs and connections of the recording")
    func modelOfClient() throws {
        let server = try Server()
        defer { server.stop() }
        let r = try record("http_client.py", [String(server.port)], flags: ["--model"])
        #expect(r.output.status == 0, "\(r.output.stderr)")
        #expect(r.text.contains("= await asyncio.open_connection('127.0.0.1', \(server.port))"))
        #expect(r.text.contains(".write(b'GET /wait/20/fast HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n')"))
        #expect(r.text.contains("await reader_0.read()"))
        try replayMatches(r)
    }

    @Test("a program that fails leaves a partial trace, marked so, and exit 2")
    func failing() throws {
        let r = try record("fails.py")
        #expect(r.output.status == 2)
        #expect(
            r.output.stderr.contains("the program raised ValueError: the backend said no at fixtures/record/fails.py:8")
        )
        #expect(r.output.stderr.contains("wrote a PARTIAL trace"))
        #expect(r.text.contains("# PARTIAL: the program raised ValueError"))
        #expect(r.text.contains("expect.raises('ValueError')"))
    }

    @Test("a program that exits early with a non-zero status leaves a partial trace, and exit 2")
    func exitsEarly() throws {
        let r = try record("exits_early.py")
        #expect(r.output.status == 2)
        #expect(r.output.stderr.contains("the program exited with status 3; wrote a PARTIAL trace"))
        #expect(r.text.contains("# PARTIAL: the program exited with status 3"))
        #expect(r.text.contains("expect.output([\n    'working',\n])"))
    }

    @Test("a program that replaces asyncio's event loop is refused: exit 2, and what was seen marked partial")
    func foreignLoop() throws {
        let folder = scratch.appendingPathComponent("foreign")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A stand-in for the real uvloop, which is not installed here: its name is what counts.
        try "def install():\n    pass\n".write(
            to: folder.appendingPathComponent("uvloop.py"), atomically: true, encoding: .utf8)
        let program = folder.appendingPathComponent("app.py").path
        try "import asyncio\nimport uvloop\n\nasync def main():\n    print('hi')\n\nasyncio.run(main())\n".write(
            toFile: program, atomically: true, encoding: .utf8)
        let r = try vloop(["record", "--", ReferenceTests.python, program])
        #expect(r.status == 2)
        #expect(r.stderr.contains("the program imports uvloop, which replaces asyncio's event loop"))
        let trace = try String(
            contentsOfFile: folder.appendingPathComponent("app.recorded.trace").path, encoding: .utf8)
        #expect(trace.contains("# PARTIAL: the program imports uvloop"))
    }

    @Test("--timeout stops a program that never ends: a partial trace of what it did, and exit 2")
    func timeout() throws {
        let start = Date()
        let r = try record("forever.py", flags: ["--timeout", "1"])
        #expect(Date().timeIntervalSince(start) < 8)
        #expect(r.output.status == 2)
        #expect(r.output.stderr.contains("still running after --timeout 1 s"))
        #expect(r.text.contains("# PARTIAL: the program was still running after --timeout 1 s"))
        #expect(r.text.contains("expect.output([\n    'waiting',\n    'still waiting',\n])"))
    }

    @Test("what is not a Python program is refused with exit 2 and nothing written")
    func badInput() throws {
        let notPython = try vloop(["record", "--", "sh", "fixtures/record/jobs.py"])
        #expect(notPython.status == 2)
        #expect(notPython.stderr.contains("sh is not Python"))

        let bad = scratch.appendingPathComponent("bad.py").path
        try "async def main(:\n    pass\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try vloop(["record", "--", ReferenceTests.python, bad])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(bad):1:16: \(bad) is not a Python program (invalid syntax)"))
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("bad.recorded.trace").path))

        let none = try vloop(["record"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("record needs a program after --"))
    }
}

/// fixtures/record/serve.py: a local HTTP server on a free port, stopped by closing its stdin.
final class Server {
    let process = Process()
    let input = Pipe()
    let port: Int

    init() throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ReferenceTests.python, "fixtures/record/serve.py"]
        process.currentDirectoryURL = repositoryRoot
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        port = try #require(Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
