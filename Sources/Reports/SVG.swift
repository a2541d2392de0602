import Foundation
import RunModel

/// Text for HTML and SVG: every character that could open markup is escaped,
/// so that a trace printing `<script>` shows it and runs nothing.
public func htmlEscaped(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            // Control characters other than tab and newline are not valid in XML.
            if c.value < 0x20 && c != "\t" && c != "\n" { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
        }
    }
    return out
}

/// The colours of the timelines and plots (also used by the page's legend).
enum Palette {
    static let laneLine = "#94a3b8"
    static let step = "#0f172a"
    static let print = "#2563eb"
    static let log = "#0891b2"
    static let result = "#16a34a"
    static let exception = "#dc2626"
    static let cancelled = "#6b7280"
    static let pending = "#f59e0b"
    static let job = "#7c3aed"
    static let queued = "#c4b5fd"
    static let divergence = "#e11d48"
    static let perturbation = "#c026d3"
    static let baseline = "#475569"
    static let candidate = "#ea580c"

    static func state(_ s: String) -> String {
        switch s {
        case "result": return result
        case "exception": return exception
        case "cancelled": return cancelled
        default: return pending
        }
    }
}

/// A number for an SVG attribute: two decimals at most.
func n(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    return r == r.rounded() ? String(Int(r)) : String(format: "%.2f", r)
}

/// Round tick positions for an axis from 0 to `max`: 1, 2 or 5 times a power of ten apart.
func ticks(upTo max: Double, count: Int = 6) -> [Double] {
    guard max > 0 else { return [0] }
    let raw = max / Double(count)
    let p = pow(10, floor(log10(raw)))
    let step = [1.0, 2.0, 5.0, 10.0].map { $0 * p }.first { $0 >= raw } ?? raw
    return stride(from: 0, through: max + step * 1e-9, by: step).map { $0 }
}

/// A virtual time for an axis label: `0`, `0.5 s`, `120 s`.
func tickLabel(_ t: Double) -> String {
    t == 0 ? "0" : virtualTimeText((t * 1e6).rounded() / 1e6) + " s"
}

/// Draws a run's timeline as an SVG: a lane per task (a line from creation
/// to completion, a tick at each step, a dot at each print, the end
/// coloured by state) and per worker (queued and running jobs as bars).
struct TimelineSVG {
    var timeline: Timeline
    var width: Double
    /// The domain's end; the two timelines of a report share one so that they line up.
    var until: Double
    /// The event to highlight (the first divergence), by its index in the log.
    var highlight: (index: Int, t: Double, ctx: String?)?
    var maxLanes = 40

    /// Room for a lane's label: about 28 characters of 11 px monospace.
    static let gutter = 196.0
    static let laneHeight = 24.0
    static let top = 26.0

    func render() -> String {
        let shown = Array(timeline.lanes.prefix(maxLanes))
        let hidden = timeline.lanes.count - shown.count
        let plotWidth = width - Self.gutter - 14
        let domain = until > 0 ? until : 1
        func x(_ t: Double) -> Double { Self.gutter + plotWidth * min(max(t / domain, 0), 1) }
        let height = Self.top + Double(max(shown.count, 1)) * Self.laneHeight + (hidden > 0 ? 22 : 8)
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"\(n(width))\" height=\"\(n(height))\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"timeline of \(htmlEscaped(timeline.tracePath))\">\n"
        // Axis.
        for t in ticks(upTo: domain) {
            s +=
                "<line x1=\"\(n(x(t)))\" y1=\"\(n(Self.top - 6))\" x2=\"\(n(x(t)))\" y2=\"\(n(height - 4))\" stroke=\"#e2e8f0\"/>"
            s +=
                "<text x=\"\(n(x(t)))\" y=\"\(n(Self.top - 10))\" class=\"tick\" text-anchor=\"middle\">\(tickLabel(t))</text>\n"
        }
        if timeline.lanes.isEmpty {
            s += "<text x=\"\(n(Self.gutter))\" y=\"\(n(Self.top + 16))\" class=\"lane-name\">no tasks</text>\n"
        }
        for (i, lane) in shown.enumerated() {
            let y = Self.top + Double(i) * Self.laneHeight
            let mid = y + Self.laneHeight / 2
            if i % 2 == 0 {
                s +=
                    "<rect x=\"0\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(Self.laneHeight))\" fill=\"#f8fafc\"/>"
            }
            let label = lane.label
            let name = label.count > 28 ? String(label.prefix(27)) + "…" : label
            s +=
                "<text x=\"\(n(Self.gutter - 8))\" y=\"\(n(mid + 4))\" class=\"lane-name\" text-anchor=\"end\">"
                + "<title>\(htmlEscaped(label))</title>\(htmlEscaped(name))</text>\n"
            switch lane.kind {
            case .task:
                let start = lane.start ?? 0
                let end = lane.end ?? timeline.duration
                s +=
                    "<line x1=\"\(n(x(start)))\" y1=\"\(n(mid))\" x2=\"\(n(max(x(end), x(start) + 1)))\" y2=\"\(n(mid))\" "
                    + "stroke=\"\(Palette.laneLine)\" stroke-width=\"3\"\(lane.end == nil ? " stroke-dasharray=\"4 3\"" : "")>"
                    + "<title>\(htmlEscaped(lane.name)): waiting between steps</title></line>"
                for t in lane.steps.prefix(2000) {
                    s +=
                        "<rect x=\"\(n(x(t) - 1.5))\" y=\"\(n(mid - 7))\" width=\"3\" height=\"14\" fill=\"\(Palette.step)\">"
                        + "<title>\(htmlEscaped(lane.name)) steps at \(virtualTimeText(t)) s</title></rect>"
                }
                let endX = x(end)
                s +=
                    "<circle cx=\"\(n(endX))\" cy=\"\(n(mid))\" r=\"5\" fill=\"\(Palette.state(lane.state))\" stroke=\"#fff\" stroke-width=\"1.5\">"
                    + "<title>\(htmlEscaped(lane.label)): \(htmlEscaped(lane.state))\(lane.exception.map { " (\(htmlEscaped($0)))" } ?? "")"
                    + "\(lane.end.map { " at \(virtualTimeText($0)) s" } ?? " at the end")</title></circle>\n"
            case .worker:
                for b in lane.bars {
                    let x0 = x(b.start), x1 = max(x(b.end ?? timeline.duration), x0 + 2)
                    let fill = b.kind == "job" ? Palette.job : Palette.queued
                    s +=
                        "<rect x=\"\(n(x0))\" y=\"\(n(mid - 6))\" width=\"\(n(x1 - x0))\" height=\"12\" rx=\"2\" fill=\"\(fill)\">"
                        + "<title>\(htmlEscaped(b.label)) \(virtualTimeText(b.start))–\(b.end.map { virtualTimeText($0) } ?? "end") s</title></rect>"
                }
                s += "\n"
            case .thread:
                s +=
                    "<line x1=\"\(n(Self.gutter))\" y1=\"\(n(mid))\" x2=\"\(n(x(timeline.duration)))\" y2=\"\(n(mid))\" "
                    + "stroke=\"#e2e8f0\" stroke-width=\"1\"/>\n"
            }
            for m in lane.marks.prefix(2000) {
                let color = m.kind == "log" ? Palette.log : Palette.print
                s +=
                    "<circle cx=\"\(n(x(m.t)))\" cy=\"\(n(mid - 8))\" r=\"3.2\" fill=\"\(color)\">"
                    + "<title>\(htmlEscaped(m.kind)) at \(virtualTimeText(m.t)) s (event \(m.index + 1)): \(htmlEscaped(m.text))</title></circle>"
            }
            // A perturbation: a small triangle under the lane's line, pointing at the instant it was drawn.
            for p in lane.perturbations.prefix(2000) {
                s +=
                    "<path class=\"perturbation\" d=\"M\(n(x(p.t))) \(n(mid + 2))l4.5 8h-9z\" fill=\"\(Palette.perturbation)\">"
                    + "<title>perturbation \(p.index + 1) (\(htmlEscaped(p.kind))) at \(virtualTimeText(p.t)) s: \(htmlEscaped(p.text))</title></path>"
            }
            s += "\n"
        }
        if let h = highlight {
            let hx = x(h.t)
            s +=
                "<line x1=\"\(n(hx))\" y1=\"\(n(Self.top - 4))\" x2=\"\(n(hx))\" y2=\"\(n(height - 4))\" stroke=\"\(Palette.divergence)\" "
                + "stroke-width=\"2\" stroke-dasharray=\"5 3\"><title>first divergence: event \(h.index + 1) at \(virtualTimeText(h.t)) s</title></line>"
            if let i = shown.firstIndex(where: { $0.name == (h.ctx ?? "MainThread") }) {
                let y = Self.top + Double(i) * Self.laneHeight
                s +=
                    "<rect x=\"1\" y=\"\(n(y + 1))\" width=\"\(n(width - 2))\" height=\"\(n(Self.laneHeight - 2))\" fill=\"none\" "
                    + "stroke=\"\(Palette.divergence)\" stroke-width=\"1.5\" rx=\"3\"/>"
                s +=
                    "<circle cx=\"\(n(hx))\" cy=\"\(n(y + Self.laneHeight / 2))\" r=\"8\" fill=\"none\" stroke=\"\(Palette.divergence)\" stroke-width=\"2\"/>"
            }
            s += "\n"
        }
        if hidden > 0 {
            s +=
                "<text x=\"\(n(Self.gutter))\" y=\"\(n(height - 6))\" class=\"tick\">… and \(hidden) more lane\(plural(hidden)) not drawn</text>\n"
        }
        return s + "</svg>"
    }
}

/// A histogram of a task's completion times on both sides, overlaid.
struct HistogramSVG {
    var distribution: LatencyDistribution
    var width = 380.0
    var height = 150.0
    var bins = 16

    func render() -> String {
        let all = distribution.baseline + distribution.candidate
        var lo = all.min() ?? 0, hi = all.max() ?? 0
        if hi - lo < 1e-12 {
            // One value: a window around it, so that its bar stands in the middle.
            let w = max(abs(lo) * 0.2, 0.001)
            lo = lo >= 0 ? max(0, lo - w / 2) : lo - w / 2
            hi = lo + w
        }
        let left = 34.0, right = 10.0, top = 12.0, bottom = 30.0
        let plotW = width - left - right, plotH = height - top - bottom
        func counts(_ xs: [Double]) -> [Int] {
            var c = [Int](repeating: 0, count: bins)
            for x in xs { c[min(bins - 1, max(0, Int(((x - lo) / (hi - lo)) * Double(bins))))] += 1 }
            return c
        }
        let b = counts(distribution.baseline), c = counts(distribution.candidate)
        let top1 = max(b.max() ?? 0, c.max() ?? 0, 1)
        let bw = plotW / Double(bins)
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" width=\"\(n(width))\" height=\"\(n(height))\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"completion times of \(htmlEscaped(distribution.task))\">\n"
        s +=
            "<line x1=\"\(n(left))\" y1=\"\(n(top + plotH))\" x2=\"\(n(left + plotW))\" y2=\"\(n(top + plotH))\" stroke=\"#94a3b8\"/>"
        s += "<text x=\"\(n(left - 4))\" y=\"\(n(top + 8))\" class=\"tick\" text-anchor=\"end\">\(top1)</text>"
        s += "<text x=\"\(n(left - 4))\" y=\"\(n(top + plotH))\" class=\"tick\" text-anchor=\"end\">0</text>\n"
        for (series, color, offset) in [(b, Palette.baseline, 0.0), (c, Palette.candidate, 0.5)] {
            for (i, k) in series.enumerated() where k > 0 {
                let h = plotH * Double(k) / Double(top1)
                let x0 = left + Double(i) * bw + offset * bw * 0.9 + bw * 0.05
                s +=
                    "<rect x=\"\(n(x0))\" y=\"\(n(top + plotH - h))\" width=\"\(n(bw * 0.45))\" height=\"\(n(h))\" fill=\"\(color)\">"
                    + "<title>\(k) run\(plural(k)) in \(virtualTimeText(lo + Double(i) * (hi - lo) / Double(bins)))–\(virtualTimeText(lo + Double(i + 1) * (hi - lo) / Double(bins))) s</title></rect>"
            }
        }
        s += "\n<text x=\"\(n(left))\" y=\"\(n(height - 12))\" class=\"tick\">\(tickLabel(lo))</text>"
        s +=
            "<text x=\"\(n(left + plotW))\" y=\"\(n(height - 12))\" class=\"tick\" text-anchor=\"end\">\(tickLabel(hi))</text>"
        s +=
            "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(height - 12))\" class=\"tick\" text-anchor=\"middle\">completion time</text>\n"
        return s + "</svg>"
    }
}
