import Foundation
import GRDB
import Testing

/// `vloop run` recording runs, and the commands that read them back:
/// `runs`, `show`, `report`, `merge`, as a user runs them.
@Suite("Run database commands")
struct StoreCommandTests {
    /// A folder with its own database, and traces written into it.
    final class Workspace {
        let dir: URL
        var db: String { dir.appendingPathComponent("runs.sqlite").path }

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-store-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: dir) }

        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

        /// `demo.trace`: three fetches; `slowB` makes `b` take 2.5 s instead of 1, which
        /// breaks its order property and makes the event logs diverge.
        @discardableResult
        func writeDemo(slowB: Bool) throws -> String {
            let p = path("demo.trace")
            try """
            import asyncio

            async def fetch(name, seconds):
                print(name, 'started')
                await asyncio.sleep(seconds)
                print('<script>alert("' + name + '")</script>')
                await asyncio.sleep(seconds / 2)
                print(name, 'finished')
                return name

            async def main():
                results = await asyncio.gather(fetch('a', 2), fetch('b', \(slowB ? "2.5" : "1")), fetch('c', 0.5))
                print(results)

            asyncio.run(main())

            expect.order('a started', 'b started', 'b finished', 'a finished')
            """.write(toFile: p, atomically: true, encoding: .utf8)
            return p
        }

        func vloop(_ args: String...) throws -> ProcessOutput {
            try vloopArgs(args)
        }

        func vloopArgs(_ args: [String], db: String? = nil) throws -> ProcessOutput {
            let binary = try #require(CommandLineTests.binary, "build the vloop executable first (swift build)")
            return try #require(runProcess(binary, args, environment: ["VLOOP_DB": db ?? self.db]))
        }

        func bytes(_ p: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: p)) }
    }

    @Test("run records every run under the commit label; runs lists them newest first; show prints one")
    func runRunsShow() throws {
        let w = try Workspace()
        let r = try w.vloop("run", "fixtures/seed")
        #expect(r.status == 0)
        #expect(r.stderr.contains("recorded 4 runs (1–4) in \(w.db)"))
        let runs = try w.vloop("runs")
        #expect(runs.status == 0)
        let lines = runs.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(
            lines[1].hasPrefix(" 4  ") && lines[1].contains("fixtures/seed/run-create-task-results.trace")
                && lines[1].contains("PASS"))
        let show = try w.vloop("show", "1")
        #expect(show.status == 0)
        #expect(show.stdout.hasPrefix("run 1  fixtures/seed/ensure-future-done-callback.trace  PASS"))
        #expect(show.stdout.contains("Task-1 test()  0.0      0.0         2.0       2      result"))
        #expect(show.stdout.contains(#"{"t":2.0,"kind":"run_end","status":"ok","value":"None"}"#))
        let labels = try w.vloop("runs", "--labels")
        #expect(labels.stdout.split(separator: "\n").count == 2)
    }

    @Test("--label names the runs, --no-store records nothing, --junit writes one test case per trace")
    func labelNoStoreJUnit() throws {
        let w = try Workspace()
        #expect(try w.vloop("run", "--label", "main", "fixtures/seed").status == 0)
        #expect(try w.vloop("run", "--no-store", "--label", "other", "fixtures/seed").status == 0)
        let labels = try w.vloop("runs", "--labels", "--json")
        let doc = try JSONSerialization.jsonObject(with: Data(labels.stdout.utf8)) as? [[String: Any]]
        #expect(doc?.map { $0["label"] as? String } == ["main"])
        let junit = w.path("out/results.xml")
        #expect(try w.vloop("run", "--no-store", "--repeat", "2", "--junit", junit, "fixtures/seed").status == 0)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains(#"<testsuites name="vloop" tests="4" failures="0" errors="0""#))
        #expect(xml.contains(#"name="fixtures/seed/gather-two-coroutines.trace""#))
    }

    @Test("report compares the two latest labels; --fail-on-regression exits 1 on a regression")
    func report() throws {
        let w = try Workspace()
        let trace = try w.writeDemo(slowB: false)
        #expect(try w.vloop("run", "--label", "base", "--repeat", "3", trace).status == 0)
        try w.writeDemo(slowB: true)
        #expect(try w.vloop("run", "--label", "cand", "--repeat", "3", trace).status == 1)
        let text = try w.vloop("report")
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("vloop report: base (baseline) → cand (candidate)"))
        #expect(text.stdout.contains("expect.order (line 17): held on the baseline, breaks on the candidate"))
        #expect(text.stdout.contains("first divergence at event 7 (t=1.0)"))
        #expect(text.stdout.contains("virtual duration 3.0 s → 3.75 s (+25.0%)"))
        let failing = try w.vloop("report", "--fail-on-regression")
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("regressions (--fail-on-regression)"))
        // The same label on both sides: nothing regressed.
        let same = try w.vloop("report", "--baseline", "cand", "--candidate", "cand", "--fail-on-regression")
        #expect(same.status == 0)
        #expect(same.stdout.contains("0 regressions, 0 improvements"))
        // Run ids on both sides, as JSON.
        let json = try w.vloop("report", "--baseline", "1", "--candidate", "4", "--format", "json")
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((doc?["baseline"] as? [String: Any])?["name"] as? String == "run 1")
        #expect((doc?["regressions"] as? [Any])?.isEmpty == false)
        let md = try w.vloop("report", "--format", "markdown")
        #expect(md.stdout.hasPrefix("## vloop: cand against base"))
    }

    @Test("report --format html and show --format html write self-contained pages")
    func htmlFiles() throws {
        let w = try Workspace()
        let trace = try w.writeDemo(slowB: false)
        _ = try w.vloop("run", "--label", "base", trace)
        try w.writeDemo(slowB: true)
        _ = try w.vloop("run", "--label", "cand", trace)
        let out = w.path("reports") + "/"
        let r = try w.vloop("report", "--format", "html", "--out", out)
        #expect(r.status == 0)
        let page = try String(contentsOfFile: w.path("reports/report-base-vs-cand.html"), encoding: .utf8)
        #expect(page.contains("<svg") && page.contains("first divergence"))
        #expect(!page.lowercased().contains("<script"))
        // Self-contained: nothing is loaded from anywhere (the SVG namespace is a name, not a fetch).
        for loader in ["src=", "<link", "url(", "@import", "<iframe", "<object"] {
            #expect(!page.contains(loader), "\(loader)")
        }
        let s = try w.vloop("show", "2", "--format", "html", "--out", out)
        #expect(s.status == 0)
        let run = try String(contentsOfFile: w.path("reports/run-2.html"), encoding: .utf8)
        #expect(run.contains("&lt;script&gt;alert(&quot;b&quot;)&lt;/script&gt;"))
        #expect(!run.lowercased().contains("<script"))
    }

    @Test("show --format chrome-trace writes the Trace Event Format, one track per task")
    func chromeTrace() throws {
        let w = try Workspace()
        _ = try w.vloop("run", "fixtures/seed/gather-two-coroutines.trace")
        let r = try w.vloop("show", "1", "--format", "chrome-trace", "--out", "-")
        #expect(r.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let events = try #require(doc["traceEvents"] as? [[String: Any]])
        let names = events.filter { $0["name"] as? String == "thread_name" }.compactMap {
            ($0["args"] as? [String: Any])?["name"] as? String
        }
        // Each track and slice is named by the task and the call that made its coroutine.
        #expect(names == ["Task-1 test()", "Task-2 test2()"])
        let slices = events.filter { $0["ph"] as? String == "X" && $0["cat"] as? String == "task" }
        #expect(slices.count == 2)
        #expect(slices.first { $0["name"] as? String == "Task-1 test()" }?["dur"] as? Double == 2_000_000)
        #expect(slices.first { $0["name"] as? String == "Task-2 test2()" }?["dur"] as? Double == 0)
        #expect(slices.allSatisfy { ($0["args"] as? [String: Any])?["coroutine"] is String })
        let prints = events.filter { $0["name"] as? String == "print" }
        #expect(prints.map { ($0["args"] as? [String: Any])?["text"] as? String } == ["1", "2", "3"])
    }

    @Test("--shard splits the traces without overlap, and merge joins the shards' databases")
    func shardsAndMerge() throws {
        let w = try Workspace()
        let one = w.path("1.sqlite"), two = w.path("2.sqlite"), all = w.path("all.sqlite")
        let r1 = try w.vloopArgs(["run", "--label", "c", "--shard", "1/2", "fixtures/seed"], db: one)
        let r2 = try w.vloopArgs(["run", "--label", "c", "--shard", "2/2", "fixtures/seed"], db: two)
        #expect(r1.stdout.hasSuffix("2 passed, 0 failed\n") && r2.stdout.hasSuffix("2 passed, 0 failed\n"))
        #expect(r1.stdout.contains("ensure-future-done-callback") && r2.stdout.contains("gather-two-coroutines"))
        // Each shard's file alone holds its runs (the write-ahead log is checkpointed on close).
        #expect(
            !FileManager.default.fileExists(atPath: one + "-wal")
                && !FileManager.default.fileExists(atPath: two + "-wal"))
        let m = try w.vloopArgs(["merge", one, two], db: all)
        #expect(m.status == 0)
        #expect(m.stdout.contains("\(all): 4 runs added"))
        let again = try w.vloopArgs(["merge", one], db: all)
        #expect(again.stdout.contains("already there"))
        let runs = try w.vloopArgs(["runs", "--label", "c", "--json"], db: all)
        let doc = try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [[String: Any]]
        #expect(Set(doc?.compactMap { $0["tracePath"] as? String } ?? []).count == 4)
        #expect(try w.vloopArgs(["run", "--shard", "3/2", "fixtures/seed"], db: all).status == 2)
    }
    // Several writers at once: StoreFaultCommandTests.concurrentWriters.
}

@Suite("Run database commands: bad input")
struct StoreCommandBadInputTests {
    typealias Workspace = StoreCommandTests.Workspace

    @Test("an unknown run id or label exits 2 with a clear message")
    func unknown() throws {
        let w = try Workspace()
        _ = try w.vloop("run", "--label", "main", "fixtures/seed/gather-two-coroutines.trace")
        let show = try w.vloop("show", "42")
        #expect(show.status == 2)
        #expect(show.stderr.contains("no run 42 in \(w.db)"))
        let report = try w.vloop("report", "--baseline", "nope", "--candidate", "main")
        #expect(report.status == 2)
        #expect(report.stderr.contains("no label or run id 'nope'") && report.stderr.contains("recent labels: main"))
        #expect(try w.vloop("show", "abc").status == 2)
        let one = try w.vloop("report")
        #expect(one.status == 2 && one.stderr.contains("only one label (main)"))
        #expect(try w.vloop("report", "--threshold", "lots").status == 2)
    }

    @Test("reading a database that does not exist exits 2 and creates nothing")
    func missing() throws {
        let w = try Workspace()
        let r = try w.vloop("runs")
        #expect(r.status == 2)
        #expect(r.stderr.contains("no runs recorded yet"))
        #expect(!FileManager.default.fileExists(atPath: w.db))
    }

    @Test("a file that is not vloop's exits 2 and is left as it was")
    func notVloops() throws {
        let w = try Workspace()
        try "name,price\nbolt,3\n".write(toFile: w.db, atomically: true, encoding: .utf8)
        let before = try w.bytes(w.db)
        for args in [["run", "fixtures/seed"], ["runs"], ["report"], ["merge", w.db]] {
            let r = try w.vloopArgs(args, db: w.db)
            #expect(r.status == 2, "\(args)")
            #expect(
                r.stderr.contains("is not a SQLite database") || r.stderr.contains("into itself"),
                "\(args): \(r.stderr)")
        }
        #expect(try w.bytes(w.db) == before)
    }

    @Test("a database of a newer vloop exits 2 and is left as it was")
    func newer() throws {
        let w = try Workspace()
        _ = try w.vloop("run", "fixtures/seed/gather-two-coroutines.trace")
        let q = try DatabaseQueue(path: w.db)
        try q.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v3-from-a-newer-vloop')") }
        try q.close()
        let before = try w.bytes(w.db)
        let r = try w.vloop("run", "fixtures/seed/gather-two-coroutines.trace")
        #expect(r.status == 2)
        #expect(r.stderr.contains("written by a newer vloop"))
        #expect(try w.bytes(w.db) == before)
    }

    @Test("a read-only location exits 2")
    func readOnly() throws {
        let w = try Workspace()
        let r = try w.vloopArgs(["run", "fixtures/seed/gather-two-coroutines.trace"], db: "/proc/vloop/runs.sqlite")
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot create"))
        #expect(r.stderr.contains("--no-store"))
    }
}
