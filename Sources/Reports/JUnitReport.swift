import Foundation
import RunModel
import RunStore

/// JUnit XML, which CI systems show as test results: one test case per run
/// of a trace (`vloop run --junit FILE`), or per trace of a comparison's
/// candidate with its regressions as failures (`vloop report --format junit`).
public struct JUnitReport: ComparisonRenderer {
    public init() {}

    /// What a test case says beyond its run: an exploration's summary (`lines`, shown
    /// first in its output) and whether the trace failed over its runs (`failed`,
    /// with `failures` as the failure's lines when the run itself passed).
    public struct TraceNote: Sendable {
        public var failed: Bool
        public var failures: [String]
        public var lines: [String]

        public init(failed: Bool, failures: [String], lines: [String]) {
            self.failed = failed
            self.failures = failures
            self.lines = lines
        }
    }

    /// The runs of one `vloop run`, as one test suite; `notes` by trace path.
    public func render(
        runs: [StoredRun], suiteName: String, timestamp: Date, notes: [String: TraceNote] = [:]
    ) -> String {
        var cases = ""
        var failed = 0
        for r in runs {
            let name = r.runIndex == 0 ? r.tracePath : "\(r.tracePath) [run \(r.runIndex)]"
            let note = notes[r.tracePath]
            cases +=
                "    <testcase classname=\"vloop\" name=\"\(xml(name))\" time=\"\(String(format: "%.6f", r.wallTime))\">\n"
            if !r.passed || note?.failed == true {
                if r.status != "invalid" { failed += 1 }
                var failures = r.properties.filter { !$0.passed }.map(\.message) + r.problems
                if failures.isEmpty { failures = note?.failures ?? [] }
                // The traceback (in the trace's lines) and the tasks that raised, after the reasons.
                if let tb = r.traceback { failures.append(tb) }
                failures += r.tasks.compactMap { t in t.exception.map { "task \(t.label): \($0)" } }.prefix(20)
                let kind = r.status == "invalid" ? "error" : "failure"
                cases +=
                    "      <\(kind) message=\"\(xml(failures.first ?? "failed with status \(r.status)"))\" type=\"\(xml(r.status))\">"
                cases += xml(failures.joined(separator: "\n")) + "</\(kind)>\n"
            }
            let out =
                (note?.lines ?? [])
                + r.events.filter { $0.kind == .print || $0.kind == .log }.prefix(200).map {
                    "\($0.ctx ?? "") \($0.text ?? "")"
                }
            if !out.isEmpty {
                cases += "      <system-out>\(xml(out.joined(separator: "\n")))</system-out>\n"
            }
            cases += "    </testcase>\n"
        }
        let failures = failed
        let errors = runs.filter { $0.status == "invalid" }.count
        let time = runs.map(\.wallTime).reduce(0, +)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="vloop" tests="\(runs.count)" failures="\(failures)" errors="\(errors)" time="\(String(format: "%.6f", time))">
              <testsuite name="\(xml(suiteName))" tests="\(runs.count)" failures="\(failures)" errors="\(errors)" time="\(String(format: "%.6f", time))" timestamp="\(isoSeconds(timestamp))">

            """ + cases + "  </testsuite>\n</testsuites>\n"
    }

    public func render(_ c: Comparison) -> String {
        var cases = ""
        var failures = 0
        for t in c.traces where t.candidate != nil {
            let found = c.regressions.filter { $0.trace == t.path }
            cases += "    <testcase classname=\"vloop.report\" name=\"\(xml(t.path))\">\n"
            if !found.isEmpty {
                failures += 1
                let lines =
                    found.map { "\($0.subject.map { "\($0): " } ?? "")\($0.detail)" }
                    + (t.candidate.map { failureLines($0, role: "candidate") } ?? [])
                cases +=
                    "      <failure message=\"\(xml(lines[0]))\" type=\"regression\">\(xml(lines.joined(separator: "\n")))</failure>\n"
            }
            cases += "    </testcase>\n"
        }
        let tests = c.traces.filter { $0.candidate != nil }.count
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="vloop report" tests="\(tests)" failures="\(failures)" errors="0">
              <testsuite name="\(xml("\(c.candidate.name) against \(c.baseline.name)"))" tests="\(tests)" failures="\(failures)" errors="0">

            """ + cases + "  </testsuite>\n</testsuites>\n"
    }
}

/// Text for XML: escaped, and without the control characters XML 1.0 forbids.
func xml(_ s: String) -> String { htmlEscaped(s) }

func isoSeconds(_ d: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: d)
}
