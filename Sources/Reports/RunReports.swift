import Foundation
import RunModel
import RunStore

/// `vloop show RUN`: one run as text, its properties, tasks, workers and events.
public struct RunTextReport: RunRenderer {
    /// Events shown; the rest are counted.
    public var maxEvents = 200
    /// Perturbations listed; the rest are counted.
    public var maxPerturbations = 200

    public init() {}

    public func render(_ r: StoredRun, suite: SuiteRun?) -> String {
        var out = "run \(r.id.map(String.init) ?? "?")  \(r.tracePath)  \(r.passed ? "PASS" : "FAIL")\n"
        out += "  status     \(r.status) (\(r.value))\n"
        out +=
            "  label      \(r.label)\(suite.map { " · \($0.host) · vloop \($0.harnessVersion) · \(dateText(r.startedAt))" } ?? "")\n"
        out += "  seed       \(r.seed), run index \(r.runIndex)\n"
        out += "  virtual    \(seconds(r.virtualDuration)), \(r.steps) steps; wall \(duration(r.wallTime))\n"
        out += "  trace      \(r.traceHash)\n"
        if let e = r.explored, let replay = r.replayCommand {
            out +=
                "  explored   strategy \(e.strategy), \(r.perturbations.count) perturbation\(plural(r.perturbations.count))\n"
            out += "  replay     \(replay)\n"
        }
        if !r.perturbations.isEmpty {
            out += "\nPerturbations\n"
            let shown = r.perturbations.prefix(maxPerturbations)
            let times = shown.map { $0.t.map(microseconds) ?? "—" }
            let tw = max(times.map(\.count).max() ?? 1, 1)
            let w = min(max(shown.map { ($0.task ?? "—").count }.max() ?? 4, 4), 40)
            out += "  \(col("t", tw))  \(col("task", w))  what\n"
            for (p, t) in zip(shown, times) {
                out += "  \(col(t, tw))  \(col(p.task ?? "—", w))  \(p.description)\n"
            }
            if r.perturbations.count > maxPerturbations {
                out +=
                    "  … and \(r.perturbations.count - maxPerturbations) more perturbations (--format json has them all)\n"
            }
        }
        if !r.properties.isEmpty {
            out += "\nProperties\n"
            for p in r.properties {
                out +=
                    p.passed || p.message.isEmpty
                    ? "  \(p.passed ? "held " : "BROKE") \(p.name) (line \(p.line))\n" : "  BROKE \(p.message)\n"
            }
        }
        for p in r.problems { out += "  problem: \(p)\n" }
        if let tb = r.traceback {
            out += "\nTraceback\n"
            for l in tb.split(separator: "\n", omittingEmptySubsequences: false) { out += "  \(l)\n" }
        }
        if !r.tasks.isEmpty {
            out += "\nTasks\n"
            let shown = r.tasks.prefix(200)
            let w = min(max(shown.map(\.label.count).max() ?? 4, 4), 48)
            out += "  \(col("task", w))  created  first step  done      steps  state\n"
            for t in shown {
                out += "  \(col(t.label, w))  "
                out += "\(col(virtualTimeText(t.created), 7))  \(col(t.firstStep.map(virtualTimeText) ?? "—", 10))  "
                out += "\(col(t.done.map(virtualTimeText) ?? "—", 8))  \(col(String(t.steps), 5))  \(t.state)"
                out += t.exception.map { ": \($0)" } ?? ""
                out += "\n"
            }
            if r.tasks.count > 200 { out += "  … and \(r.tasks.count - 200) more tasks\n" }
        }
        if !r.jobs.isEmpty {
            out += "\nJobs\n"
            for j in r.jobs {
                let call = j.job.isEmpty ? "" : "\(j.job) "
                out += "  \(call)\(j.executor) on \(j.worker ?? "no worker"): queued \(virtualTimeText(j.queued)), "
                out +=
                    "started \(j.started.map(virtualTimeText) ?? "—"), finished \(j.finished.map(virtualTimeText) ?? "—")\n"
            }
        }
        if !r.events.isEmpty {
            out += "\nEvents\n"
            for e in r.events.prefix(maxEvents) { out += "  \(e.jsonLine)\n" }
            if r.events.count > maxEvents {
                out += "  … and \(r.events.count - maxEvents) more events (--format chrome-trace has them all)\n"
            }
        }
        return out
    }

    func col(_ s: String, _ w: Int) -> String { s.padding(toLength: max(w, s.count), withPad: " ", startingAt: 0) }
}

/// A virtual time rounded to the microsecond, as Python prints the float: `0.012335`
/// (the JSON keeps every digit).
func microseconds(_ t: Double) -> String { floatRepr((t * 1e6).rounded() / 1e6) }

/// `vloop show RUN --format html`: one run as a page, its timeline on top.
public struct RunHTMLReport: RunRenderer {
    public var maxEvents = 2000

    public init() {}

    public func render(_ r: StoredRun, suite: SuiteRun?) -> String {
        let timeline = Timeline(r)
        /// The row of an event in the page's table, when it is there.
        func eventAnchor(_ i: Int) -> String? { i < min(r.events.count, maxEvents) ? "event-\(i + 1)" : nil }
        var b =
            "<header class=\"top\"><h1>run \(r.id.map(String.init) ?? "?"): <span class=\"mono\">\(htmlEscaped(r.tracePath))</span></h1>"
        b += "<div class=\"sub\">label <b>\(htmlEscaped(r.label))</b> · \(htmlEscaped(dateText(r.startedAt)))"
        if let s = suite { b += " · \(htmlEscaped(s.host)) · vloop \(htmlEscaped(s.harnessVersion))" }
        b += "</div></header>\n<main>\n<div class=\"stats\">"
        b +=
            "<div class=\"stat\"><div class=\"num \(r.passed ? "good" : "bad")\">\(r.passed ? "PASS" : "FAIL")</div><div class=\"what\">status \(htmlEscaped(r.status)), value \(htmlEscaped(r.value))</div></div>"
        b +=
            "<div class=\"stat\"><div class=\"num\">\(htmlEscaped(virtualTimeText(r.virtualDuration))) s</div><div class=\"what\">virtual duration</div></div>"
        b += "<div class=\"stat\"><div class=\"num\">\(r.steps)</div><div class=\"what\">loop steps</div></div>"
        b +=
            "<div class=\"stat\"><div class=\"num\">\(r.tasks.count)</div><div class=\"what\">task\(plural(r.tasks.count)) · \(r.jobs.count) job\(plural(r.jobs.count))</div></div>"
        b +=
            "<div class=\"stat\"><div class=\"num\">\(htmlEscaped(duration(r.wallTime)))</div><div class=\"what\">wall time · seed \(r.seed), run \(r.runIndex)</div></div>"
        b += "</div>\n"
        b +=
            "<section class=\"card\"><h2>Timeline</h2>\(timelineLegend(perturbations: timeline.hasPerturbations, arrows: !timeline.arrows.isEmpty))"
        b += TimelineSVG(timeline: timeline, width: 1160, until: r.virtualDuration, highlight: nil, maxLanes: 80)
            .render()
        b += stepAxisDetails([("", timeline, "steps")], width: 1160)
        b += "</section>\n"
        if let e = r.explored {
            b +=
                "<section class=\"card\"><h2>Perturbations</h2><p>Explored run \(r.runIndex), strategy <b>\(htmlEscaped(e.strategy))</b>; "
            b += "replay it with <code>\(htmlEscaped(r.replayCommand ?? ""))</code></p>\n"
            if r.perturbations.isEmpty {
                b += "<p class=\"muted\">This run perturbed nothing: its world was the nominal one.</p>"
            } else {
                b +=
                    "<table><thead><tr><th class=\"num\">#</th><th class=\"num\">t</th><th>task</th><th>kind</th><th>perturbation</th></tr></thead><tbody>\n"
                for (i, p) in r.perturbations.prefix(maxEvents).enumerated() {
                    b +=
                        "<tr><td class=\"num muted\">\(i + 1)</td><td class=\"num mono\">\(p.t.map(microseconds) ?? "—")</td>"
                    b +=
                        "<td class=\"mono\">\(htmlEscaped(p.task ?? "—"))</td><td class=\"muted\">\(htmlEscaped(p.kind))</td>"
                    b += "<td class=\"mono\">\(htmlEscaped(p.description))</td></tr>\n"
                }
                b += "</tbody></table>"
                if r.perturbations.count > maxEvents {
                    b += "<p class=\"muted\">… and \(r.perturbations.count - maxEvents) more perturbations.</p>"
                }
            }
            b += "</section>\n"
        }
        if !r.properties.isEmpty || !r.problems.isEmpty {
            b +=
                "<section class=\"card\"><h2>Properties</h2><table><thead><tr><th>property</th><th>line</th><th></th><th>failure</th></tr></thead><tbody>\n"
            for p in r.properties {
                b += "<tr><td class=\"mono\">\(htmlEscaped(p.name))</td><td class=\"num\">\(p.line)</td>"
                b +=
                    "<td>\(p.passed ? "<span class=\"good\">held</span>" : "<span class=\"bad\">broke</span>")</td><td class=\"mono\">\(linkingEvents(p.message, anchor: eventAnchor))</td></tr>\n"
            }
            for p in r.problems {
                b += "<tr><td colspan=\"3\" class=\"bad\">problem</td><td class=\"mono\">\(htmlEscaped(p))</td></tr>\n"
            }
            b += "</tbody></table></section>\n"
        }
        if let tb = r.traceback {
            b +=
                "<section class=\"card\"><h2>Traceback</h2><pre class=\"traceback\">\(htmlEscaped(tb))</pre></section>\n"
        }
        if !r.tasks.isEmpty {
            b +=
                "<section class=\"card\"><h2>Tasks</h2><table><thead><tr><th>task</th><th class=\"num\">created</th><th class=\"num\">first step</th>"
            b += "<th class=\"num\">done</th><th class=\"num\">steps</th><th>state</th></tr></thead><tbody>\n"
            for t in r.tasks.prefix(500) {
                b +=
                    "<tr><td class=\"mono\">\(htmlEscaped(t.label))</td><td class=\"num\">\(virtualTimeText(t.created))</td>"
                b +=
                    "<td class=\"num\">\(t.firstStep.map(virtualTimeText) ?? "—")</td><td class=\"num\">\(t.done.map(virtualTimeText) ?? "—")</td>"
                b +=
                    "<td class=\"num\">\(t.steps)</td><td><span style=\"color:\(Palette.state(t.state))\">●</span> \(htmlEscaped(t.state))"
                b += "\(t.exception.map { ": <span class=\"mono\">\(htmlEscaped($0))</span>" } ?? "")</td></tr>\n"
            }
            b += "</tbody></table></section>\n"
        }
        if !r.jobs.isEmpty {
            b +=
                "<section class=\"card\"><h2>Jobs</h2><table><thead><tr><th>job</th><th>executor</th><th>worker</th><th class=\"num\">queued</th>"
            b += "<th class=\"num\">started</th><th class=\"num\">finished</th></tr></thead><tbody>\n"
            for j in r.jobs {
                b +=
                    "<tr><td class=\"mono\">\(htmlEscaped(j.job.isEmpty ? "—" : j.job))\(j.succeeded == false ? " (raised)" : "")</td>"
                b +=
                    "<td class=\"mono\">\(htmlEscaped(j.executor))</td><td class=\"mono\">\(htmlEscaped(j.worker ?? "—"))</td>"
                b +=
                    "<td class=\"num\">\(virtualTimeText(j.queued))</td><td class=\"num\">\(j.started.map(virtualTimeText) ?? "—")</td>"
                b += "<td class=\"num\">\(j.finished.map(virtualTimeText) ?? "—")</td></tr>\n"
            }
            b += "</tbody></table></section>\n"
        }
        b +=
            "<section class=\"card\"><h2>Events</h2><table class=\"events\"><thead><tr><th class=\"num\">#</th><th class=\"num\">t</th><th>ctx</th><th>event</th></tr></thead><tbody>\n"
        for (i, e) in r.events.prefix(maxEvents).enumerated() {
            b += "<tr id=\"event-\(i + 1)\"><td class=\"num muted\">\(i + 1)</td>\(eventCells(e))</tr>\n"
        }
        b += "</tbody></table>"
        if r.events.count > maxEvents { b += "<p class=\"muted\">… and \(r.events.count - maxEvents) more events.</p>" }
        b += "</section>\n<footer>Generated by vloop from \(htmlEscaped(r.traceHash)).</footer>\n</main>"
        return htmlPage(title: "vloop run \(r.id.map(String.init) ?? ""): \(r.tracePath)", body: b)
    }
}

/// `vloop show RUN --format chrome-trace`: the run in the Trace Event Format
/// (JSON), which Perfetto and chrome://tracing open. Process 1 holds one
/// track per task (its lifetime, its steps, its prints, the perturbations
/// it caused in an explored run), process 2 one per executor worker (its
/// jobs). What caused what is drawn as flows (arrows): each arrow of the
/// timeline (TimelineArrows.swift) joins a `cause` slice on the track of the
/// cause to a `wake` slice on the track of the effect, both of zero length.
///
/// Along `.time`, timestamps are virtual microseconds. Along `.steps`, one
/// microsecond is one step (loop callback), in the order they ran, so that
/// what happened at one virtual instant is laid out apart; each slice's
/// `args.t` keeps its virtual time.
public struct ChromeTrace: RunRenderer {
    public var axis: TimelineAxis

    public init(axis: TimelineAxis = .time) { self.axis = axis }

    public func render(_ r: StoredRun, suite: SuiteRun?) -> String {
        let timeline = Timeline(r)
        let steps = axis == .steps && timeline.hasSteps ? StepAxis(timeline) : nil
        var events: [String] = []
        func us(_ t: Double) -> String { String(format: "%.3f", t * 1e6) }
        /// The timestamp of what happened at `t`, during `step`.
        func ts(_ t: Double, _ step: Int?) -> String {
            guard let steps else { return us(t) }
            return String(step ?? steps.steps[min(steps.slot(at: t), max(steps.count - 1, 0))])
        }
        /// The length of what lasted from (t0, step0) to (t1, step1); a step lasts 1 on the step axis.
        func dur(_ t0: Double, _ s0: Int?, _ t1: Double, _ s1: Int?) -> String {
            guard steps != nil, let s0, let s1 else { return us(t1 - t0) }
            return String(max(s1 - s0, 0) + 1)
        }
        let lastStep = steps?.steps.last
        func meta(_ pid: Int, _ tid: Int?, _ name: String, _ value: String) {
            events.append(
                "{\"ph\":\"M\",\"pid\":\(pid)\(tid.map { ",\"tid\":\($0)" } ?? ""),\"name\":\(jsonString(name)),\"args\":{\"name\":\(jsonString(value))}}"
            )
        }
        meta(1, nil, "process_name", "tasks: \(r.tracePath)")
        meta(2, nil, "process_name", "executor workers")
        var tidOf: [String: Int] = [:]
        for (i, t) in r.tasks.enumerated() {
            let tid = i + 1
            if tidOf[t.name] == nil { tidOf[t.name] = tid }
            meta(1, tid, "thread_name", t.label)
            let end = t.done ?? r.virtualDuration
            var args = "\"state\":\(jsonString(t.state)),\"steps\":\(t.steps)"
            if let c = t.coroutine { args += ",\"coroutine\":\(jsonString(c))" }
            if let e = t.exception { args += ",\"exception\":\(jsonString(e))" }
            events.append(
                "{\"ph\":\"X\",\"pid\":1,\"tid\":\(tid),\"ts\":\(ts(t.created, t.createdStep)),\"dur\":\(dur(t.created, t.createdStep, end, t.doneStep ?? lastStep)),\"name\":\(jsonString(t.label)),\"cat\":\"task\",\"args\":{\(args)}}"
            )
            if steps != nil {
                for w in t.wakes.prefix(10_000) {
                    events.append(
                        "{\"ph\":\"X\",\"pid\":1,\"tid\":\(tid),\"ts\":\(w.step),\"dur\":1,\"name\":\"step\",\"cat\":\"step\",\"args\":{\"t\":\(floatRepr(w.t))}}"
                    )
                }
            } else {
                for s in t.stepTimes.prefix(10_000) {
                    events.append(
                        "{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":\(tid),\"ts\":\(us(s)),\"name\":\"step\",\"cat\":\"step\"}"
                    )
                }
            }
        }
        var nextTid = r.tasks.count + 1
        for (i, e) in r.events.enumerated() {
            let step = i < r.eventSteps.count ? r.eventSteps[i] : nil
            switch e.kind {
            case .print, .log:
                let ctx = e.ctx ?? "MainThread"
                let tid: Int
                if let t = tidOf[ctx] {
                    tid = t
                } else {
                    tid = nextTid; nextTid += 1; tidOf[ctx] = tid
                    meta(1, tid, "thread_name", ctx)
                }
                events.append(
                    "{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":\(tid),\"ts\":\(ts(e.t, step)),\"name\":\(jsonString(e.kind.rawValue)),\"cat\":\"event\",\"args\":{\"text\":\(jsonString(e.text ?? "")),\"event\":\(i + 1),\"t\":\(floatRepr(e.t))}}"
                )
            case .runEnd:
                events.append(
                    "{\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":0,\"ts\":\(ts(e.t, step)),\"name\":\"run_end\",\"cat\":\"event\",\"args\":{\"status\":\(jsonString(e.status ?? "")),\"value\":\(jsonString(e.value ?? ""))}}"
                )
            case .taskDone:
                break  // the end of the task's slice
            }
        }
        for (i, p) in r.perturbations.enumerated() {
            guard let t = p.t else { continue }
            let ctx = p.task ?? "MainThread"
            let tid: Int
            if let known = tidOf[ctx] {
                tid = known
            } else {
                tid = nextTid; nextTid += 1; tidOf[ctx] = tid
                meta(1, tid, "thread_name", ctx)
            }
            var args =
                "\"kind\":\(jsonString(p.kind)),\"text\":\(jsonString(p.description)),\"draw\":\(jsonString(p.draw))"
            if let a = p.amount, a.isFinite { args += ",\"amount\":\(floatRepr(a))" }
            if let nominal = p.nominal, nominal.isFinite { args += ",\"nominal\":\(floatRepr(nominal))" }
            if let pos = p.position { args += ",\"position\":\(jsonString(pos))" }
            events.append(
                "{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":\(tid),\"ts\":\(ts(t, nil)),\"name\":\"perturbation\",\"cat\":\"perturbation\",\"args\":{\(args),\"perturbation\":\(i + 1)}}"
            )
        }
        var workerTid: [String: Int] = [:]
        for j in r.jobs {
            let w = j.worker ?? "\(j.executor) (queued)"
            let tid: Int
            if let t = workerTid[w] {
                tid = t
            } else {
                tid = workerTid.count + 1; workerTid[w] = tid
                meta(2, tid, "thread_name", w)
            }
            if let s = j.started {
                if s > j.queued {
                    events.append(
                        "{\"ph\":\"X\",\"pid\":2,\"tid\":\(tid),\"ts\":\(ts(j.queued, j.queuedStep)),\"dur\":\(dur(j.queued, j.queuedStep, s, j.startedStep)),\"name\":\"queued\",\"cat\":\"queue\",\"args\":{\"executor\":\(jsonString(j.executor))}}"
                    )
                }
                events.append(
                    "{\"ph\":\"X\",\"pid\":2,\"tid\":\(tid),\"ts\":\(ts(s, j.startedStep)),\"dur\":\(dur(s, j.startedStep, j.finished ?? r.virtualDuration, j.finishedStep ?? lastStep)),\"name\":\(jsonString(j.job.isEmpty ? "job" : j.job)),\"cat\":\"job\",\"args\":{\"executor\":\(jsonString(j.executor))}}"
                )
            }
        }
        // Causality: a zero-length slice at each end of each arrow, joined by a flow.
        func track(_ lane: Int) -> (pid: Int, tid: Int)? {
            guard timeline.lanes.indices.contains(lane) else { return nil }
            let l = timeline.lanes[lane]
            switch l.kind {
            case .task: return (1, lane + 1)
            case .worker: return workerTid[l.name].map { (2, $0) }
            case .thread: return tidOf[l.name].map { (1, $0) }
            }
        }
        for (k, a) in timeline.arrows.prefix(20_000).enumerated() {
            guard let to = track(a.to) else { continue }
            let text = jsonString(a.text)
            if let fromLane = a.from, let from = track(fromLane) {
                events.append(
                    "{\"ph\":\"X\",\"pid\":\(from.pid),\"tid\":\(from.tid),\"ts\":\(ts(a.fromT, a.fromStep)),\"dur\":0,\"name\":\"cause\",\"cat\":\(jsonString(a.kind.rawValue)),\"bind_id\":\(k + 1),\"flow_out\":true,\"args\":{\"text\":\(text)}}"
                )
                events.append(
                    "{\"ph\":\"X\",\"pid\":\(to.pid),\"tid\":\(to.tid),\"ts\":\(ts(a.toT, a.toStep)),\"dur\":0,\"name\":\"\(a.kind == .created ? "created" : "wake")\",\"cat\":\(jsonString(a.kind.rawValue)),\"bind_id\":\(k + 1),\"flow_in\":true,\"args\":{\"text\":\(text)}}"
                )
            } else {
                // A cause without a track (a socket): the wake alone, saying what woke it.
                events.append(
                    "{\"ph\":\"X\",\"pid\":\(to.pid),\"tid\":\(to.tid),\"ts\":\(ts(a.toT, a.toStep)),\"dur\":0,\"name\":\"wake\",\"cat\":\(jsonString(a.kind.rawValue)),\"args\":{\"text\":\(text)}}"
                )
            }
        }
        let meta =
            "{\"run\":\(r.id.map(String.init) ?? "null"),\"trace\":\(jsonString(r.tracePath)),\"label\":\(jsonString(r.label)),\"status\":\(jsonString(r.status)),\"clock\":\"\(steps != nil ? "steps" : "virtual")\"}"
        return "{\"displayTimeUnit\":\"ms\",\"otherData\":\(meta),\"traceEvents\":[\n" + events.joined(separator: ",\n")
            + "\n]}\n"
    }
}
