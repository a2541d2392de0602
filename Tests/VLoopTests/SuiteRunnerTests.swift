import Foundation
import Properties
import RunModel
import RunStore
import Testing
import VLoop

/// The repository's root (where Package.swift is), for the fixtures.
let repositoryRoot: URL = {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir
}()

func fixturePath(_ relative: String) -> String {
    repositoryRoot.appendingPathComponent(relative).path
}

/// The traces of a fixture suite, sorted, as absolute paths.
func fixtures(_ suite: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: fixturePath("fixtures/\(suite)"))) ?? []
    return names.filter { $0.hasSuffix(".trace") }.sorted().map { fixturePath("fixtures/\(suite)/\($0)") }
}

/// The traces of fixtures/explore whose `.expected.txt` plants a failure (`fails:` and `shrunk:`).
let plantedFailures: [String] = fixtures("explore").filter { expectation($0)["fails"] != nil }

/// A trace's `NAME.expected.txt`, as its `key: value` lines.
func expectation(_ trace: String) -> [String: String] {
    let text =
        (try? String(
            contentsOfFile: trace.replacingOccurrences(of: ".trace", with: ".expected.txt"),
            encoding: .utf8)) ?? ""
    var fields: [String: String] = [:]
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        fields[parts[0]] = parts.count > 1 ? parts[1] : ""
    }
    return fields
}

/// A folder of its own, removed when the test is done.
final class TemporaryFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-suite-\(UUID().uuidString)")

    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// What the progress closure received, collected across threads.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [SuiteProgress] = []

    func add(_ p: SuiteProgress) {
        lock.lock()
        items.append(p)
        lock.unlock()
    }

    var all: [SuiteProgress] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

@Suite("Suite runner")
struct SuiteRunnerTests {
    func unstored(_ paths: [String]) -> SuiteOptions {
        var options = SuiteOptions(paths: paths)
        options.storage.noStore = true
        return options
    }

    @Test("running fixtures/seed in-process passes every one of its traces")
    func seedPasses() throws {
        let result = try SuiteRunner(unstored([fixturePath("fixtures/seed")])).run()
        let expected = fixtures("seed")
        #expect(!expected.isEmpty)
        #expect(result.traces.map(\.path) == expected)
        #expect(result.passed == expected.count)
        #expect(result.failed == 0)
        #expect(result.allPassed)
        #expect(result.closingLine == "\(expected.count) passed, 0 failed")
        #expect(result.recorded == nil)
        for t in result.traces {
            #expect(t.status == .ok, "\(t.path)")
            #expect(t.errors.isEmpty && t.problems.isEmpty)
            #expect(t.properties.allSatisfy { $0.passed })
            #expect(t.virtualDuration == 2.0)
            #expect(t.lines.first?.text.hasPrefix("PASS  \(t.path)  ok, 2.0 s virtual, \(t.steps) steps, ") == true)
        }
    }

    @Test("progress reports each trace as it finishes, in the order of the result, with the lines vloop run prints")
    func progressInOrder() throws {
        let collected = Collected()
        let result = try SuiteRunner(unstored([fixturePath("fixtures/seed")])).run { collected.add($0) }
        var finished: [String] = []
        var started: [String]?
        for p in collected.all {
            switch p {
            case .started(let traces): started = traces
            case .traceFinished(let t): finished.append(t.path)
            default: break
            }
        }
        #expect(started == result.traces.map(\.path))
        #expect(finished == result.traces.map(\.path))
    }

    @Test(
        "a planted failure in fixtures/explore is reported with its failing run, shrunk perturbations and replay command",
        arguments: plantedFailures)
    func plantedFailure(_ path: String) throws {
        let expected = expectation(path)
        var options = unstored([path])
        options.exploration.failFast = true
        let result = try SuiteRunner(options).run()
        #expect(result.failed == 1)
        let trace = try #require(result.traces.first)
        #expect(!trace.passed)
        #expect(trace.status == .ok, "the nominal run ends ok; the exploration fails")
        #expect(trace.lastRunPassed)
        let exploration = try #require(trace.exploration)
        let failure = try #require(exploration.failure, "no run of \(exploration.runsExplored) failed")
        #expect(failure.run > 0)
        #expect(exploration.failingRuns == [failure.run])
        #expect(failure.broke.hasPrefix(expected["fails"] ?? "?"), "\(failure.broke)")
        let words = expected["shrunk"] ?? "?"
        #expect(failure.shrunk.contains { $0.contains(words) }, "shrunk to \(failure.shrunk)")
        #expect(!failure.shrunk.isEmpty && failure.shrunk.count <= failure.perturbations.count)
        #expect(failure.replayCommand == "vloop run \(exploration.settings.flags) --run \(failure.run) \(path)")
        let text = trace.lines.map(\.text)
        #expect(text.contains("      replay: \(failure.replayCommand)"))
        #expect(text.contains { $0.hasPrefix("      shrunk to \(failure.shrunk.count) of its") })
    }

    @Test("replaying the failing run alone reproduces it, with the perturbations it drew in words")
    func replayedRun() throws {
        let path = fixturePath("fixtures/explore/max-three-concurrent-leaks.trace")
        var options = unstored([path])
        options.exploration.replayRun = 1
        let trace = try #require(try SuiteRunner(options).run().traces.first)
        #expect(!trace.passed)
        let replayed = try #require(trace.replayedRun)
        #expect(replayed.run == 1)
        #expect(replayed.perturbations.contains { $0.hasPrefix("Task-1 main(): job work(") })
        #expect(trace.properties.contains { !$0.passed && $0.name == "expect.concurrency" })
    }

    @Test("a missing path is a typed error, not an exit")
    func missingPath() throws {
        let missing = fixturePath("fixtures/no-such-suite")
        #expect(throws: SuiteError.noSuchPath(missing)) {
            try SuiteRunner(unstored([fixturePath("fixtures/seed"), missing])).run()
        }
        #expect(SuiteError.noSuchPath(missing).description == "no such file or directory: \(missing)")
    }

    @Test("an invalid trace fails with its errors at file:line:column, reported as soon as it is read")
    func invalidTrace() throws {
        let path = fixturePath("fixtures/invalid/class-star-bases.trace")
        let collected = Collected()
        let result = try SuiteRunner(unstored([path])).run { collected.add($0) }
        let trace = try #require(result.traces.first)
        #expect(trace.status == .invalid && !trace.passed)
        let error = try #require(trace.errors.first)
        #expect(error.path == path && error.line == 4 && error.column == 14)
        #expect(
            error.description
                == "\(path):4:14: '*' in class bases is not supported in a trace; list the base classes one by one")
        #expect(trace.lines.map(\.text) == ["FAIL  \(path)  (1 error)"])
        #expect(
            collected.all.contains {
                if case .traceErrors(let p, let errors) = $0 { return p == path && errors == trace.errors }
                return false
            })
    }

    @Test("options out of range are a typed error before anything runs")
    func invalidOptions() throws {
        var options = unstored([fixturePath("fixtures/seed")])
        options.repetitions = 0
        #expect(throws: SuiteError.invalidOptions("repetitions must be at least 1")) { try SuiteRunner(options).run() }
        #expect(SuiteOptions.Shard("3/2") == nil)
        #expect(SuiteOptions.Shard("2/4")?.select(["a", "b", "c", "d", "e", "f"]) == ["b", "f"])
    }

    @Test("noStore writes no database")
    func noStoreWritesNothing() throws {
        let folder = try TemporaryFolder()
        var options = SuiteOptions(paths: [fixturePath("fixtures/seed")])
        options.storage = SuiteOptions.Storage(databasePath: folder.path("runs.sqlite"), noStore: true)
        let result = try SuiteRunner(options).run()
        #expect(result.allPassed)
        #expect(result.recorded == nil)
        #expect(result.traces.allSatisfy { $0.runIDs.isEmpty })
        #expect(!FileManager.default.fileExists(atPath: folder.path("runs.sqlite")))
    }

    @Test("a temporary database gets every run, under the label, with the ids the result gives")
    func storesRuns() throws {
        let folder = try TemporaryFolder()
        let db = folder.path("runs.sqlite")
        var options = SuiteOptions(paths: [fixturePath("fixtures/seed")], repetitions: 2)
        options.storage = SuiteOptions.Storage(
            databasePath: db, label: "suite-test", arguments: ["run", "fixtures/seed"])
        let result = try SuiteRunner(options).run()
        let recorded = try #require(result.recorded)
        #expect(recorded.label == "suite-test" && recorded.databasePath == db)
        #expect(recorded.runIDs.count == 2 * fixtures("seed").count)
        #expect(result.traces.flatMap(\.runIDs) == recorded.runIDs)

        let store = try RunStore.open(path: db, mode: .existing)
        defer { try? store.close() }
        let set = try store.runSet("suite-test")
        #expect(set.suiteRuns.count == 1)
        #expect(set.suiteRuns.first?.arguments == ["run", "fixtures/seed"])
        #expect(set.suiteRuns.first?.finishedAt != nil)
        #expect(set.runs.compactMap(\.id) == recorded.runIDs)
        #expect(set.runs.map(\.tracePath) == fixtures("seed").flatMap { [$0, $0] })
        #expect(set.runs.allSatisfy { $0.passed && $0.status == "ok" && !$0.events.isEmpty })
    }

    @Test("a JUnit file gets one test case per trace")
    func junit() throws {
        let folder = try TemporaryFolder()
        var options = unstored([fixturePath("fixtures/seed")])
        options.repetitions = 2
        options.junitPath = folder.path("out/junit.xml")
        _ = try SuiteRunner(options).run()
        let xml = try String(contentsOfFile: folder.path("out/junit.xml"), encoding: .utf8)
        #expect(xml.contains(#"tests="4" failures="0""#))
    }
}
