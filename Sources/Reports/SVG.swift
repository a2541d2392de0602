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
    static let created = "#334155"
    static let wokenByTask = "#0d9488"
    static let timer = "#b45309"
    static let socket = "#0284c7"

    static func arrow(_ kind: Timeline.Arrow.Kind) -> String {
        switch kind {
        case .created: return created
        case .task: return wokenByTask
        case .timer: return timer
        case .job: return job
        case .socket: return socket
        }
    }

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
/// coloured by state) and per worker (queued and running jobs as bars),
/// with arrows from each cause to its effect (TimelineArrows.swift). Along
/// virtual time, or along the step axis (StepAxis.swift).
struct TimelineSVG {
    var timeline: Timeline
    var width: Double
    /// The domain's end; the two timelines of a report share one so that they line up.
    var until: Double
    /// The event to highlight (the first divergence), by its index in the log.
    var highlight: (index: Int, t: Double, ctx: String?)?
    var maxLanes = 40
    var axis = TimelineAxis.time
    /// Makes the ids of this drawing's elements (its event marks) unique on its page.
    var id = "tl"
    /// At most this many arrows are drawn (the rest are counted under the drawing).
    var maxArrows = 1500

    /// Room for a lane's label: about 28 characters of 11 px monospace.
    static let gutter = 196.0
    static let laneHeight = 24.0
    static let top = 26.0

    func render() -> String {
        let shown = Array(timeline.lanes.prefix(maxLanes))
        let hidden = timeline.lanes.count - shown.count
        let plotWidth = width - Self.gutter - 14
        let domain = until > 0 ? until : 1
        let stepAxis = axis == .steps ? StepAxis(timeline) : nil
        func x(_ t: Double) -> Double { Self.gutter + plotWidth * min(max(t / domain, 0), 1) }
        func xSlot(_ slot: Int) -> Double {
            Self.gutter + plotWidth * (Double(slot) + 0.5) / Double(max(stepAxis?.count ?? 1, 1))
        }
        /// Where something that happened at `t`, during `step`, is drawn.
        func at(_ t: Double, _ step: Int?) -> Double {
            guard let stepAxis else { return x(t) }
            return xSlot(step.map(stepAxis.slot) ?? stepAxis.slot(at: t))
        }
        /// The end of the plot (the run's end) on either axis.
        let endX = stepAxis.map { xSlot($0.count - 1) } ?? x(timeline.duration)
        let arrows = timeline.arrows.filter { $0.to < shown.count && ($0.from ?? 0) < shown.count }
        let drawn = arrows.prefix(maxArrows)
        let notes = (hidden > 0 ? 1 : 0) + (arrows.count > drawn.count ? 1 : 0)
        let height = Self.top + Double(max(shown.count, 1)) * Self.laneHeight + (notes > 0 ? 8 + 14 * Double(notes) : 8)
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"\(n(width))\" height=\"\(n(height))\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(axis == .steps ? "steps" : "timeline") of \(htmlEscaped(timeline.tracePath))\">\n"
        // Axis.
        if let stepAxis {
            // A label per instant, as many as fit (about 56 px apart).
            var lastLabel = -Double.infinity
            for slot in stepAxis.instantStarts(count: 8) {
                let tx = xSlot(slot)
                if tx - lastLabel < 56 { continue }
                lastLabel = tx
                s +=
                    "<line x1=\"\(n(tx))\" y1=\"\(n(Self.top - 6))\" x2=\"\(n(tx))\" y2=\"\(n(height - 4))\" stroke=\"#e2e8f0\"/>"
                s +=
                    "<text x=\"\(n(tx))\" y=\"\(n(Self.top - 10))\" class=\"tick\" text-anchor=\"middle\">\(tickLabel(stepAxis.times[slot]))"
                    + "<title>step \(stepAxis.steps[slot]) at \(virtualTimeText(stepAxis.times[slot])) s</title></text>\n"
            }
        } else {
            for t in ticks(upTo: domain) {
                s +=
                    "<line x1=\"\(n(x(t)))\" y1=\"\(n(Self.top - 6))\" x2=\"\(n(x(t)))\" y2=\"\(n(height - 4))\" stroke=\"#e2e8f0\"/>"
                s +=
                    "<text x=\"\(n(x(t)))\" y=\"\(n(Self.top - 10))\" class=\"tick\" text-anchor=\"middle\">\(tickLabel(t))</text>\n"
            }
        }
        if timeline.lanes.isEmpty {
            s += "<text x=\"\(n(Self.gutter))\" y=\"\(n(Self.top + 16))\" class=\"lane-name\">no tasks</text>\n"
        }
        func mid(_ lane: Int) -> Double { Self.top + Double(lane) * Self.laneHeight + Self.laneHeight / 2 }
        for (i, lane) in shown.enumerated() {
            let y = Self.top + Double(i) * Self.laneHeight
            let mid = mid(i)
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
                let startX = at(lane.start ?? 0, lane.startStep)
                let laneEndX = lane.end.map { at($0, lane.endStep) } ?? endX
                s +=
                    "<line x1=\"\(n(startX))\" y1=\"\(n(mid))\" x2=\"\(n(max(laneEndX, startX + 1)))\" y2=\"\(n(mid))\" "
                    + "stroke=\"\(Palette.laneLine)\" stroke-width=\"3\"\(lane.end == nil ? " stroke-dasharray=\"4 3\"" : "")>"
                    + "<title>\(htmlEscaped(lane.name)): waiting between steps</title></line>"
                if stepAxis != nil {
                    for w in lane.wakes.prefix(2000) {
                        s +=
                            "<rect x=\"\(n(at(w.t, w.step) - 1.5))\" y=\"\(n(mid - 7))\" width=\"3\" height=\"14\" fill=\"\(Palette.step)\">"
                            + "<title>\(htmlEscaped(lane.name)) steps at \(virtualTimeText(w.t)) s (step \(w.step))</title></rect>"
                    }
                } else {
                    for t in lane.steps.prefix(2000) {
                        s +=
                            "<rect x=\"\(n(x(t) - 1.5))\" y=\"\(n(mid - 7))\" width=\"3\" height=\"14\" fill=\"\(Palette.step)\">"
                            + "<title>\(htmlEscaped(lane.name)) steps at \(virtualTimeText(t)) s</title></rect>"
                    }
                }
                s +=
                    "<circle cx=\"\(n(laneEndX))\" cy=\"\(n(mid))\" r=\"5\" fill=\"\(Palette.state(lane.state))\" stroke=\"#fff\" stroke-width=\"1.5\">"
                    + "<title>\(htmlEscaped(lane.label)): \(htmlEscaped(lane.state))\(lane.exception.map { " (\(htmlEscaped($0)))" } ?? "")"
                    + "\(lane.end.map { " at \(virtualTimeText($0)) s" } ?? " at the end")</title></circle>\n"
            case .worker:
                for b in lane.bars {
                    let x0 = at(b.start, b.startStep)
                    let x1 = max(b.end.map { at($0, b.endStep) } ?? endX, x0 + 2)
                    let fill = b.kind == "job" ? Palette.job : Palette.queued
                    s +=
                        "<rect x=\"\(n(x0))\" y=\"\(n(mid - 6))\" width=\"\(n(x1 - x0))\" height=\"12\" rx=\"2\" fill=\"\(fill)\">"
                        + "<title>\(htmlEscaped(b.label)) \(virtualTimeText(b.start))–\(b.end.map { virtualTimeText($0) } ?? "end") s</title></rect>"
                }
                s += "\n"
            case .thread:
                s +=
                    "<line x1=\"\(n(Self.gutter))\" y1=\"\(n(mid))\" x2=\"\(n(endX))\" y2=\"\(n(mid))\" "
                    + "stroke=\"#e2e8f0\" stroke-width=\"1\"/>\n"
            }
            for m in lane.marks.prefix(2000) {
                let color = m.kind == "log" ? Palette.log : Palette.print
                s +=
                    "<circle id=\"\(id)-e\(m.index + 1)\" cx=\"\(n(at(m.t, m.step)))\" cy=\"\(n(mid - 8))\" r=\"3.2\" fill=\"\(color)\">"
                    + "<title>\(htmlEscaped(m.kind)) at \(virtualTimeText(m.t)) s (event \(m.index + 1)\(m.step.map { ", step \($0)" } ?? "")): \(htmlEscaped(m.text))</title></circle>"
            }
            // A perturbation: a small triangle under the lane's line, pointing at the instant it was drawn.
            // Not along the steps: a perturbation's step is not recorded, only its time.
            for p in lane.perturbations.prefix(stepAxis == nil ? 2000 : 0) {
                s +=
                    "<path class=\"perturbation\" d=\"M\(n(at(p.t, nil))) \(n(mid + 2))l4.5 8h-9z\" fill=\"\(Palette.perturbation)\">"
                    + "<title>perturbation \(p.index + 1) (\(htmlEscaped(p.kind))) at \(virtualTimeText(p.t)) s: \(htmlEscaped(p.text))</title></path>"
            }
            s += "\n"
        }
        // Arrows, over the lanes: from the cause's lane to the effect's. An
        // arrow within one lane (a task's own timer) arcs above it; one
        // without a lane of its cause (a socket) comes down from above.
        for a in drawn {
            let x1 = at(a.toT, a.toStep), y1 = mid(a.to)
            let color = Palette.arrow(a.kind)
            // The line, and the direction in which its head points at (tipX, tipY).
            let d: String
            let tipX: Double, tipY: Double, dx: Double, dy: Double
            if let from = a.from {
                let x0 = at(a.fromT, a.fromStep), y0 = mid(from)
                if from == a.to {
                    let lift = min(Self.laneHeight * 0.45, 4 + abs(x1 - x0) / 6)
                    (tipX, tipY, dx, dy) = (x1, y1 - 5, 0, 1)
                    d =
                        "M\(n(x0)) \(n(y0 - 4))C\(n(x0)) \(n(y0 - 4 - lift)) \(n(x1)) \(n(y1 - 4 - lift)) \(n(x1)) \(n(tipY))"
                } else {
                    let off = y1 > y0 ? 5.0 : -5.0
                    (tipX, tipY) = (x1, y1 - off)
                    let length = max(
                        ((tipX - x0) * (tipX - x0) + (tipY - y0 - off) * (tipY - y0 - off)).squareRoot(), 1e-9)
                    (dx, dy) = ((tipX - x0) / length, (tipY - y0 - off) / length)
                    d = "M\(n(x0)) \(n(y0 + off))L\(n(tipX)) \(n(tipY))"
                }
            } else {
                (tipX, tipY, dx, dy) = (x1, y1 - 5, 0.7071, 0.7071)
                d = "M\(n(x1 - 6)) \(n(y1 - 11))L\(n(tipX)) \(n(tipY))"
            }
            // The head: a small triangle drawn as a path (no marker, so the page references nothing).
            let bx = tipX - dx * 5, by = tipY - dy * 5
            let head =
                "M\(n(tipX)) \(n(tipY))L\(n(bx - dy * 2.5)) \(n(by + dx * 2.5))L\(n(bx + dy * 2.5)) \(n(by - dx * 2.5))z"
            s +=
                "<g class=\"arrow arrow-\(a.kind.rawValue)\"><title>\(htmlEscaped(a.text))</title>"
                + "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.2\"\(a.kind == .timer ? " stroke-dasharray=\"3 2\"" : "")/>"
                + "<path d=\"\(head)\" fill=\"\(color)\"/></g>\n"
        }
        if let h = highlight {
            let hx = at(h.t, nil)
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
        var noteY = height - 6 - 14 * Double(notes - 1)
        if hidden > 0 {
            s +=
                "<text x=\"\(n(Self.gutter))\" y=\"\(n(noteY))\" class=\"tick\">… and \(hidden) more lane\(plural(hidden)) not drawn</text>\n"
            noteY += 14
        }
        if arrows.count > drawn.count {
            let more = arrows.count - drawn.count
            s +=
                "<text x=\"\(n(Self.gutter))\" y=\"\(n(noteY))\" class=\"tick\">… and \(more) more arrow\(plural(more)) not drawn</text>\n"
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
