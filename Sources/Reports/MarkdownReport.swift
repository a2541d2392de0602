import RunModel

/// The comparison for a review comment (GitHub-flavoured Markdown): the
/// headline, the regressions, a table of the traces that changed, and the
/// details folded away.
public struct MarkdownReport: ComparisonRenderer {
    public init() {}

    public func render(_ c: Comparison) -> String {
        let r = c.regressions.count, i = c.improvements.count
        let changed = c.traces.filter(\.changed)
        var out = "## vloop: \(md(c.candidate.name)) against \(md(c.baseline.name))\n\n"
        out += r > 0 ? "**\(r) regression\(plural(r))**" : "**No regressions**"
        out +=
            ", \(i) improvement\(plural(i)); \(changed.count) of \(c.traces.count) trace\(plural(c.traces.count)) changed.\n\n"
        out += "| | runs | passed | failed | commit |\n|---|---:|---:|---:|---|\n"
        for (role, s) in [("baseline", c.baseline), ("candidate", c.candidate)] {
            out +=
                "| \(role): \(md(s.name)) | \(s.runs) | \(s.passed) | \(s.failed) | \(md(s.commits.joined(separator: ", "))) |\n"
        }
        if let w = c.wallShift {
            out += "\nWall time: the candidate took \(md(w.summary)); each trace's is judged against that.\n"
        }
        if !c.regressions.isEmpty {
            out += "\n### Regressions\n\n"
            for f in c.regressions { out += "- ❌ \(findingLine(f))\n" }
        }
        if !c.improvements.isEmpty {
            out += "\n### Improvements\n\n"
            for f in c.improvements { out += "- ✅ \(findingLine(f))\n" }
        }
        if !changed.isEmpty {
            out +=
                "\n### Traces that changed\n\n| trace | outcome | virtual duration | wall time (median) | events |\n|---|---|---|---|---|\n"
            for t in changed {
                let v =
                    t.virtualDuration.map { $0.baseline == $0.candidate ? seconds($0.candidate) : describe($0) } ?? "—"
                let w =
                    t.wallTime.map { w -> String in
                        let base = md("\(duration(w.baselineMedian)) → \(duration(w.candidateMedian))")
                        switch w.verdict {
                        case .tooFewSamples: return base + " (too few samples)"
                        case .unchanged: return base + " (noise)"
                        case .slower, .faster: return base + " (**\(w.verdict.rawValue)**)"
                        }
                    } ?? "—"
                let e = t.divergence.map { "diverge at event \($0.index + 1)" } ?? "same"
                out += "| \(md(t.path)) | \(outcomeWord(t.outcome)) | \(md(v)) | \(w) | \(e) |\n"
            }
            for t in changed {
                for (role, side) in [("baseline", t.baseline), ("candidate", t.candidate)] {
                    guard let side, let ending = side.ending else { continue }
                    out += "\n<details><summary>\(md(t.path)): the \(role) ended with \(md(ending))</summary>\n\n"
                    out += "```\n"
                    for l in (side.traceback ?? "").split(separator: "\n") { out += "\(fence(String(l)))\n" }
                    for e in side.taskExceptions.prefix(20) { out += "task \(fence(e))\n" }
                    out += "```\n\n</details>\n"
                }
            }
            for t in changed {
                guard let d = t.divergence else { continue }
                out +=
                    "\n<details><summary>\(md(t.path)): first divergence at event \(d.index + 1), t=\(virtualTimeText(d.time))</summary>\n\n"
                out += "```diff\n"
                for e in d.context { out += "  \(fence(e.jsonLine))\n" }
                out += "- \(fence(d.baselineEvent?.jsonLine ?? "(the log had ended)"))\n"
                out += "+ \(fence(d.candidateEvent?.jsonLine ?? "(the log had ended)"))\n"
                out += "```\n\n</details>\n"
            }
        }
        for t in c.traces {
            for (role, explored) in [("baseline", t.baselineExplored), ("candidate", t.candidateExplored)] {
                guard let explored else { continue }
                out += "\n<details><summary>\(md(t.path)): the \(role)'s \(md(explored.lines[0]))</summary>\n\n"
                for l in explored.lines.dropFirst() { out += "- \(md(l))\n" }
                out += "\n</details>\n"
            }
        }
        let unchanged = c.traces.count - changed.count
        if unchanged > 0 { out += "\n\(unchanged) trace\(plural(unchanged)) unchanged.\n" }
        return out
    }

    func findingLine(_ f: Finding) -> String {
        "**\(md(f.trace))**\(f.subject.map { " · \(md($0))" } ?? ""): \(md(f.detail))"
    }
}

/// Text from traces in Markdown: nothing in it can become markup, a link, a
/// table cell or an HTML tag (GitHub renders HTML in comments).
func md(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "|", "`", "*", "_", "[", "]", "\\", "#", "~": out += "\\" + String(c)
        case "\n", "\r": out += " "
        default: out.append(c)
        }
    }
    return out
}

/// A line inside a fenced code block: a run of backticks cannot close it.
func fence(_ s: String) -> String {
    s.replacingOccurrences(of: "```", with: "`\u{200B}``")
}
