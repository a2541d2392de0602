import Foundation
import RunModel
import RunStore
import Testing

@testable import Reports

/// The regression gate (`vloop report --fail-on-regression`) against noise
/// and against endings that read as speed-ups.
@Suite("The regression gate")
struct GateTests {
    /// `fixtures/gate/NAME.json`: wall-time samples of every bundled fixture,
    /// recorded twice by one binary under two labels (an A/A comparison).
    static func recordedAA(_ name: String) throws -> (RunSet, RunSet) {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir = dir.deletingLastPathComponent()
        }
        let data = try Data(contentsOf: dir.appendingPathComponent("fixtures/gate/\(name).json"))
        struct Samples: Decodable {
            struct Trace: Decodable {
                var status: String
                var wall: [Double]
            }
            var labels: [String: [String: Trace]]
        }
        let samples = try JSONDecoder().decode(Samples.self, from: data)
        func side(_ label: String) throws -> RunSet {
            let traces = try #require(samples.labels[label])
            var runs: [StoredRun] = []
            for (path, trace) in traces.sorted(by: { $0.key < $1.key }) {
                for w in trace.wall {
                    runs.append(
                        StoredRun(
                            id: Int64(runs.count + 1), label: label, tracePath: path, traceHash: "sha256:same", seed: 0,
                            runIndex: 0, status: trace.status, value: "None", passed: trace.status == "ok",
                            virtualDuration: 1, wallTime: w, steps: 1, problems: [], startedAt: Sample.date, events: [],
                            tasks: [], jobs: [], properties: []))
                }
            }
            return RunSet(selector: .label(label), suiteRuns: [Sample.suite(label, id: 1)], runs: runs)
        }
        return (try side("aa-base"), try side("aa-cand"))
    }

    @Test("an A/A comparison of the bundled fixtures, recorded on a loaded machine, never fails the gate")
    func aaNeverFails() throws {
        let (base, cand) = try Self.recordedAA("aa-loaded")
        #expect(Set(base.runs.map(\.tracePath)).count > 300)
        let c = Comparison.make(baseline: base, candidate: cand)
        #expect(c.regressions.isEmpty, "\(c.regressions.map { "\($0.trace): \($0.detail)" })")
        // (Improvements fail no gate; on this loaded machine 4 of 394 traces
        // ran five times slower for a stretch of the baseline, and read as faster.)
        #expect(c.improvements.filter { $0.kind == .wallTime }.count <= 4)
        // What the noise model keeps out: the same samples judged by the per-trace
        // rules alone (5% and three MADs) call many traces slower.
        let naive = c.traces.filter { t in
            let b = base.runs.filter { $0.tracePath == t.path }.map(\.wallTime)
            let a = cand.runs.filter { $0.tracePath == t.path }.map(\.wallTime)
            return Comparison.compareWallTimes(b, a, floor: 0, shift: nil).verdict == .slower
        }
        #expect(naive.count >= 5)
    }

    @Test("a wall-time change under the floor is never judged, however tight the samples")
    func floor() {
        #expect(Comparison.compareWallTimes([0.001, 0.001, 0.001], [0.003, 0.003, 0.003]).verdict == .unchanged)
        #expect(
            Comparison.compareWallTimes([0.001, 0.001, 0.001], [0.003, 0.003, 0.003], floor: 0.001).verdict == .slower)
        #expect(Comparison.compareWallTimes([0.010, 0.010, 0.010], [0.016, 0.016, 0.016]).verdict == .slower)
    }

    @Test("a trace is slower only when it strays from the suite's shift by more than the suite's noise")
    func suiteShift() throws {
        // Twelve traces all about twice as slow (the machine was busier), one four times.
        let scatter: [Double] = [0.95, 1.0, 1.05]
        var medians: [(baseline: Double, candidate: Double)] = []
        for i in 0..<12 { medians.append((baseline: 0.020, candidate: 0.040 * scatter[i % 3])) }
        medians.append((0.020, 0.080))
        let shift = try #require(SuiteWallShift(medians: medians))
        #expect(abs(shift.ratio - 2.0) < 0.01)
        #expect(!shift.slower(baseline: 0.020, candidate: 0.041))
        #expect(shift.slower(baseline: 0.020, candidate: 0.080))
        #expect(shift.faster(baseline: 0.020, candidate: 0.020))
        #expect(SuiteWallShift(medians: Array(medians.prefix(SuiteWallShift.minimumTraces - 1))) == nil)
    }

    @Test("a trace that crashes where the baseline passed is a regression, and its shorter run is no improvement")
    func crashIsNoImprovement() throws {
        let c = Sample.comparison
        let cache = c.regressions.filter { $0.trace == "fixtures/demo/cache.trace" }
        #expect(cache.map(\.kind) == [.traceFailed])
        #expect(cache.first?.detail.contains("status 'exception' (KeyError: 'b')") == true)
        #expect(c.improvements.filter { $0.trace == "fixtures/demo/cache.trace" }.isEmpty)
        let t = try #require(c.traces.first { $0.path == "fixtures/demo/cache.trace" })
        #expect(t.candidate?.ending == "exception (KeyError: 'b')")
        #expect(t.candidate?.traceback?.hasSuffix("KeyError: 'b'") == true)
        #expect(
            t.candidate?.taskExceptions == ["Task-1 main(): KeyError: 'b'", "fetch-b fetch('b', 0.1): KeyError: 'b'"])
        #expect(t.baseline?.ending == nil)
        // Its times are shown, neither better nor worse: they measure another ending.
        #expect(t.virtualDuration?.candidate == 0.1 && t.virtualDuration?.improvement == false)
        #expect(!t.tasks.isEmpty && t.tasks.allSatisfy { !$0.regression && !$0.improvement })
        #expect(!HTMLReport().render(c).contains("improvement</span>"))
    }

    @Test("a failing trace that ends with another status than on the baseline is a regression")
    func statusChangeWhileFailing() {
        var base = Sample.baseline, cand = Sample.candidate
        base.runs = base.runs.filter { $0.tracePath == "fixtures/demo/cache.trace" }.map { r in
            var r = r
            r.passed = false  // failed a property, status ok
            return r
        }
        cand.runs = cand.runs.filter { $0.tracePath == "fixtures/demo/cache.trace" }
        let c = Comparison.make(baseline: base, candidate: cand)
        #expect(c.regressions.map(\.kind) == [.statusChanged])
        #expect(
            c.regressions.first?.detail
                == "ends with exception (KeyError: 'b') on 3 of 3 candidate runs, with 'ok' on the baseline")
        #expect(c.improvements.isEmpty)
        #expect(Comparison.make(baseline: cand, candidate: cand).regressions.isEmpty)
    }

    @Test("virtual times read as the clock's nanoseconds, not a float's last digits")
    func virtualTimes() {
        #expect(virtualTimeText(0.05 + 0.1) == "0.15")
        #expect(virtualTimeText(0.1 + 0.2) == "0.3")
        #expect(virtualTimeText(2.5) == "2.5")
        #expect(virtualTimeText(0) == "0.0")
        #expect(virtualTimeText(1e-10) == "0.0")
        #expect(virtualTimeText(3600.000000001) == "3600.000000001")
        #expect(virtualTimeText(.infinity) == "inf")
        #expect(Reports.seconds(0.05 + 0.1) == "0.15 s")
    }
}
