import Foundation
import RunModel
import RunStore
import Testing

@testable import Reports

extension Sample {
    /// Run 17 of an exploration of `fetch.trace`: Task-3's timer fired late
    /// (so `b` finished after `a`), a job outside any task took longer, and
    /// one perturbation names a task that has no lane yet and text that tries to inject markup.
    static var explored: StoredRun {
        var r = fetch(label: "pr-7", id: 21, slowB: true, wall: 0.002)
        r.runIndex = 17
        r.explored = ExploredRun(
            strategy: "pct", flags: "--seed 0 --strategy portfolio --depth 3 --jitter 0.5 --timer-lateness 0.5 --run 17"
        )
        r.perturbations = [
            StoredPerturbation(
                kind: "lateness", draw: "12:15#0", t: 0, task: "Task-3", coroutine: "fetch", position: "line 12",
                amount: 1.5, nominal: 0,
                description: "Task-3 `fetch('b')`: its asyncio.sleep(1.0) at line 12 fired 1.5 s late"),
            StoredPerturbation(
                kind: "duration", draw: "20:9#0", t: 0.2500004, task: nil, coroutine: nil, position: "line 20",
                amount: 1.0, nominal: 0.8, description: "job fetch('<a>', 1) took 1.0 s instead of 0.8 (line 20)"),
            StoredPerturbation(
                kind: "order", draw: "0:0#3", t: 1.5, task: "<i>watcher</i>", coroutine: "watch",
                position: "line 31", description: "the completions due at t=1.5 came in another order"),
        ]
        return r
    }
}

@Suite("Reports of an explored run")
struct ExploredRunReportTests {
    let run = Sample.explored

    @Test("show as text lists the perturbations after the run's summary, with the replay command")
    func text() throws {
        let out = RunTextReport().render(run, suite: Sample.suite("pr-7", id: 2))
        try expectGolden(out, "show-explored.txt")
        let summaryEnd = try #require(out.range(of: "\nPerturbations\n"))
        let properties = try #require(out.range(of: "\nProperties\n"))
        #expect(summaryEnd.lowerBound < properties.lowerBound)
        #expect(
            out.contains(
                "  replay     vloop run --seed 0 --strategy portfolio --depth 3 --jitter 0.5 --timer-lateness 0.5 --run 17 fixtures/demo/fetch.trace\n"
            ))
        // Times to the microsecond, in a column as wide as the widest.
        #expect(out.contains("\n  t     task            what\n"))
        #expect(out.contains("\n  0.25  —               job fetch('<a>', 1) took 1.0 s instead of 0.8 (line 20)\n"))
    }

    @Test("show as JSON holds the strategy, the replay command and every field of each perturbation")
    func json() throws {
        let out = RunJSONReport().render(run, suite: Sample.suite("pr-7", id: 2))
        try expectGolden(out, "show-explored.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let perturbations = try #require(object["perturbations"] as? [[String: Any]])
        #expect(perturbations.count == 3)
        #expect(perturbations[0]["task"] as? String == "Task-3" && perturbations[0]["amount"] as? Double == 1.5)
        #expect(perturbations[1]["nominal"] as? Double == 0.8 && perturbations[1]["task"] == nil)
        #expect((object["explored"] as? [String: Any])?["strategy"] as? String == "pct")
        #expect((object["replayCommand"] as? String)?.hasSuffix("--run 17 fixtures/demo/fetch.trace") == true)
        #expect((object["suiteRun"] as? [String: Any])?["label"] as? String == "pr-7")
    }

    @Test("the timeline puts each perturbation on the lane of the task that caused it, at its time")
    func timeline() throws {
        let t = Timeline(run)
        let byLane = Dictionary(uniqueKeysWithValues: t.lanes.map { ($0.name, $0.perturbations) })
        #expect(
            byLane["Task-3"] == [
                Timeline.Perturbed(t: 0, index: 0, kind: "lateness", text: run.perturbations[0].description)
            ])
        #expect(byLane["MainThread"]?.map(\.index) == [1])
        #expect(byLane["<i>watcher</i>"]?.map(\.t) == [1.5])
        #expect(t.lanes.first { $0.name == "<i>watcher</i>" }?.kind == .thread)
        #expect(byLane["Task-2"] == [])
        #expect(t.hasPerturbations)
        #expect(!Timeline(Sample.candidate.runs[0]).hasPerturbations)
    }

    @Test("the HTML page marks each perturbation on its lane, with its description as title, and explains the marker")
    func html() throws {
        let page = RunHTMLReport().render(run, suite: Sample.suite("pr-7", id: 2))
        try expectGolden(page, "show-explored.html")
        let markers = page.components(separatedBy: "<path class=\"perturbation\"").dropFirst()
        #expect(markers.count == 3)
        #expect(markers.allSatisfy { $0.contains("fill=\"\(Palette.perturbation)\"") })
        #expect(
            page.contains(
                "<title>perturbation 1 (lateness) at 0.0 s: Task-3 `fetch(&#39;b&#39;)`: its asyncio.sleep(1.0) at line 12 fired 1.5 s late</title>"
            ))
        #expect(page.contains("</i>perturbation</span>"))
        #expect(!page.contains("<i>watcher"))
        #expect(page.contains("<h2>Perturbations</h2>"))
        // The same page of a run that was not explored has neither markers nor their legend entry.
        let plain = RunHTMLReport().render(Sample.candidate.runs[0], suite: nil)
        #expect(!plain.contains("class=\"perturbation\"") && !plain.contains("</i>perturbation</span>"))
    }

    @Test("the comparison report marks the perturbations of a side whose latest run was explored")
    func comparison() throws {
        var candidate = Sample.candidate
        candidate.runs.append(run)
        let page = HTMLReport().render(Comparison.make(baseline: Sample.baseline, candidate: candidate))
        #expect(page.components(separatedBy: "<path class=\"perturbation\"").count - 1 == 3)
        #expect(page.contains("</i>perturbation</span>"))
        #expect(!HTMLReport().render(Sample.comparison).contains("</i>perturbation</span>"))
    }

    @Test("the Perfetto export adds each perturbation as an instant event on its task's track")
    func chromeTrace() throws {
        let out = ChromeTrace().render(run, suite: nil)
        try expectGolden(out, "show-explored.trace.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let events = try #require(object["traceEvents"] as? [[String: Any]])
        let tracks = Dictionary(
            uniqueKeysWithValues: events.filter { $0["name"] as? String == "thread_name" && $0["pid"] as? Int == 1 }
                .map { (($0["args"] as! [String: Any])["name"] as! String, $0["tid"] as! Int) })
        let marks = events.filter { $0["cat"] as? String == "perturbation" }
        #expect(marks.count == 3)
        #expect(marks.allSatisfy { $0["ph"] as? String == "i" })
        #expect(
            marks.map { $0["tid"] as? Int } == [
                tracks["Task-3 fetch('b', 2.5)"], tracks["MainThread"], tracks["<i>watcher</i>"],
            ])
        #expect(marks.map { $0["ts"] as? Double } == [0, 250_000.4, 1_500_000])
        #expect((marks[1]["args"] as? [String: Any])?["nominal"] as? Double == 0.8)
    }
}
