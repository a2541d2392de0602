import Foundation
import RunModel
import RunStore
import Testing

@testable import Reports

/// Compares `text` with the golden file `Golden/NAME`; with VLOOP_UPDATE_REPORTS=1
/// in the environment, rewrites the file instead (then review the diff and commit it).
func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    if ProcessInfo.processInfo.environment["VLOOP_UPDATE_REPORTS"] == "1" {
        try text.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let golden = try? String(contentsOf: url, encoding: .utf8)
    #expect(
        golden != nil, "no golden file \(name): run the tests once with VLOOP_UPDATE_REPORTS=1",
        sourceLocation: sourceLocation)
    guard let golden else { return }
    if text != golden {
        let a = text.split(separator: "\n", omittingEmptySubsequences: false)
        let b = golden.split(separator: "\n", omittingEmptySubsequences: false)
        let i = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        Issue.record(
            """
            \(name) differs from its golden file at line \(i + 1) (VLOOP_UPDATE_REPORTS=1 rewrites it):
              got:    \(i < a.count ? String(a[i]) : "(end)")
              golden: \(i < b.count ? String(b[i]) : "(end)")
            """, sourceLocation: sourceLocation)
    }
}

@Suite("Report renderers against golden files")
struct RendererGoldenTests {
    let comparison = Sample.comparison

    @Test("text") func text() throws { try expectGolden(TextReport().render(comparison), "report.txt") }
    @Test("markdown") func markdown() throws { try expectGolden(MarkdownReport().render(comparison), "report.md") }
    @Test("html") func html() throws { try expectGolden(HTMLReport().render(comparison), "report.html") }
    @Test("json") func json() throws { try expectGolden(JSONReport().render(comparison), "report.json") }
    @Test("junit of a comparison") func junitComparison() throws {
        try expectGolden(JUnitReport().render(comparison), "report.junit.xml")
    }
    @Test("junit of a run") func junitRuns() throws {
        try expectGolden(
            JUnitReport().render(runs: Sample.candidate.runs, suiteName: "vloop run fixtures/", timestamp: Sample.date),
            "run.junit.xml")
    }
    @Test("show as text") func showText() throws {
        try expectGolden(
            RunTextReport().render(Sample.candidate.runs[0], suite: Sample.suite("pr-7", id: 2)), "show.txt")
    }
    @Test("show as html") func showHTML() throws {
        try expectGolden(
            RunHTMLReport().render(Sample.candidate.runs[0], suite: Sample.suite("pr-7", id: 2)), "show.html")
    }
    @Test("show as chrome-trace") func chromeTrace() throws {
        try expectGolden(ChromeTrace().render(Sample.candidate.runs[0], suite: nil), "show.trace.json")
    }
}

@Suite("Comparison")
struct ComparisonTests {
    @Test("a trace that passed and now fails, and the property that broke, are regressions")
    func brokenTraceAndProperty() {
        let c = Sample.comparison
        let kinds = c.regressions.filter { $0.trace == "fixtures/demo/fetch.trace" }.map(\.kind)
        #expect(kinds.contains(.traceFailed))
        #expect(kinds.contains(.propertyBroke))
        let t = c.traces.first { $0.path == "fixtures/demo/fetch.trace" }
        #expect(t?.outcome == .broke)
        #expect(t?.properties.first { $0.name == "expect.order" }?.changed == true)
        #expect(t?.properties.first { $0.name == "expect.elapsed" }?.changed == false)
    }

    @Test("the first divergence is the first differing event, with the equal ones before it")
    func divergence() throws {
        let d = try #require(Sample.comparison.traces.first { $0.path == "fixtures/demo/fetch.trace" }?.divergence)
        #expect(d.index == 3)
        #expect(d.context.count == 3)
        #expect(d.baselineEvent?.text == "b finished" && d.candidateEvent?.text == "a finished")
        #expect(Comparison.firstDivergence(Sample.baseline.runs[0].events, Sample.baseline.runs[1].events) == nil)
        let short = Array(Sample.baseline.runs[0].events.dropLast())
        #expect(Comparison.firstDivergence(short, Sample.baseline.runs[0].events)?.baselineEvent == nil)
    }

    @Test("a virtual duration or completion time is a regression only past the threshold")
    func threshold() {
        #expect(Comparison.timeChange(2.0, 2.2, threshold: 0.10).regression == false)  // exactly 10%
        #expect(Comparison.timeChange(2.0, 2.21, threshold: 0.10).regression == true)
        #expect(Comparison.timeChange(2.0, 2.21, threshold: 0.20).regression == false)
        #expect(Comparison.timeChange(0.1 + 0.2, 0.3, threshold: 0).regression == false)  // float noise
        #expect(Comparison.timeChange(0, 0.5, threshold: 0.10).regression == true)
        #expect(Comparison.timeChange(2.5, 2.0, threshold: 0.10).improvement == true)
        let c = Sample.comparison
        let tasks = c.regressions.filter { $0.kind == .taskCompletion }
        #expect(tasks.map(\.subject) == ["Task-1", "Task-3 fetch('b', 2.5)"])
        #expect(c.regressions.contains { $0.kind == .virtualDuration && $0.detail.contains("2.0 s → 2.5 s (+25.0%)") })
    }

    @Test("wall time is never judged on one pair of samples")
    func wallSinglePair() {
        let w = Comparison.compareWallTimes([0.001], [0.010])
        #expect(w.verdict == .tooFewSamples)
        #expect(Comparison.compareWallTimes([0.001, 0.001], [0.01, 0.01]).verdict == .tooFewSamples)
    }

    @Test("wall time is slower only past both 5% and three median absolute deviations")
    func wallRule() {
        // +50%, tight samples: slower.
        #expect(Comparison.compareWallTimes([1.0, 1.01, 0.99], [1.5, 1.51, 1.49]).verdict == .slower)
        // +4%: under 5%, whatever the noise.
        #expect(Comparison.compareWallTimes([1.0, 1.0, 1.0], [1.04, 1.04, 1.04]).verdict == .unchanged)
        // +20% but the samples scatter by 0.1 (3 MAD = 0.3): noise.
        #expect(Comparison.compareWallTimes([1.0, 0.9, 1.1], [1.2, 1.1, 1.3]).verdict == .unchanged)
        // The larger MAD counts: a steady baseline does not hide a noisy candidate.
        #expect(Comparison.compareWallTimes([1.0, 1.0, 1.0], [1.2, 0.9, 1.5]).verdict == .unchanged)
        #expect(Comparison.compareWallTimes([1.5, 1.51, 1.49], [1.0, 1.01, 0.99]).verdict == .faster)
        #expect(medianAbsoluteDeviation([1, 2, 3, 4, 100]) == 1)
    }

    @Test("a wall-time regression is reported from the samples of each side")
    func wallRegressionInSample() {
        let c = Sample.comparison
        let steady = c.traces.first { $0.path == "fixtures/demo/steady.trace" }
        #expect(steady?.wallTime?.verdict == .slower)
        #expect(steady?.outcome == .stillPassing)
        #expect(c.regressions.contains { $0.kind == .wallTime && $0.trace == "fixtures/demo/steady.trace" })
        #expect(c.traces.first { $0.path == "fixtures/demo/fetch.trace" }?.wallTime?.verdict == .unchanged)
    }

    @Test("a property moved to another line is the same property")
    func propertyMoved() {
        var base = Sample.baseline, cand = Sample.baseline
        for i in cand.runs.indices {
            cand.runs[i].properties = cand.runs[i].properties.map { p in
                var q = p
                q.line += 3
                return q
            }
        }
        base.selector = .label("a")
        cand.selector = .label("b")
        let c = Comparison.make(baseline: base, candidate: cand)
        #expect(c.regressions.isEmpty && c.improvements.isEmpty)
        #expect(c.traces.allSatisfy { $0.properties.allSatisfy { !$0.changed } })
    }

    @Test("the same runs on both sides change nothing")
    func identical() {
        let c = Comparison.make(baseline: Sample.baseline, candidate: Sample.baseline)
        #expect(c.regressions.isEmpty && c.improvements.isEmpty)
        #expect(c.traces.allSatisfy { !$0.changed })
    }

    @Test("latency distributions hold each task's completion times across runs")
    func latencies() throws {
        let t = try #require(Sample.comparison.traces.first { $0.path == "fixtures/demo/fetch.trace" })
        let b = try #require(t.latencies.first { $0.task == "Task-3 fetch('b', 2.5)" })
        #expect(b.baseline == [1, 1, 1] && b.candidate == [2.5, 2.5, 2.5])
        #expect(t.latencies.first { $0.task == "<b>sneaky</b>" } == nil)  // never finished
    }
}

@Suite("Escaping")
struct EscapingTests {
    @Test("text from traces cannot inject markup into the HTML pages")
    func html() {
        for page in [
            HTMLReport().render(Sample.comparison),
            RunHTMLReport().render(Sample.candidate.runs[0], suite: nil),
        ] {
            #expect(!page.lowercased().contains("<script"))
            #expect(!page.contains("<b>sneaky"))
            #expect(page.contains("&lt;script&gt;alert(&#39;b&#39;)&lt;/script&gt;"))
            #expect(page.contains("&lt;b&gt;sneaky&lt;/b&gt;"))
        }
    }

    @Test("text from traces cannot inject markup, links or table cells into Markdown")
    func markdown() {
        let page = MarkdownReport().render(Sample.comparison)
        // Inside fenced code blocks text is shown as it is; outside them nothing may open a tag.
        let outsideFences = page.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 0 }.map(
            \.element)
        #expect(page.contains("```diff"))
        #expect(!outsideFences.joined().lowercased().contains("<script"))
        #expect(md("a | b <i>*x*</i> [l](u)") == "a \\| b &lt;i&gt;\\*x\\*&lt;/i&gt; \\[l\\](u)")
    }

    @Test("JUnit XML escapes and drops characters XML cannot hold")
    func junit() {
        var run = Sample.candidate.runs[0]
        run.events.insert(TraceEvent(t: 0, ctx: "Task-1", kind: .print, text: "bell \u{07} & <x>"), at: 0)
        let xml = JUnitReport().render(runs: [run], suiteName: "s", timestamp: Sample.date)
        #expect(xml.contains("bell \u{FFFD} &amp; &lt;x&gt;"))
        #expect(!xml.contains("\u{07}"))
    }
}
