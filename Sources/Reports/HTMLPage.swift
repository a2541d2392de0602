import RunModel

/// The frame of vloop's HTML pages: one self-contained file, its style
/// inline, no script, nothing fetched from the network.
func htmlPage(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="generator" content="vloop">
    <title>\(htmlEscaped(title))</title>
    <style>
    :root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f1f5f9; --card: #fff;
            --bad: #dc2626; --good: #16a34a; --warn: #d97706; --base: \(Palette.baseline); --cand: \(Palette.candidate); }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--ink);
           font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
    header.top { background: #0f172a; color: #f8fafc; padding: 18px 32px; }
    header.top h1 { margin: 0; font-size: 20px; font-weight: 600; }
    header.top .sub { color: #cbd5e1; margin-top: 4px; }
    main { max-width: 1240px; margin: 0 auto; padding: 20px 32px 48px; }
    section.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin: 16px 0; }
    h2 { font-size: 16px; margin: 0 0 10px; }
    h3 { font-size: 14px; margin: 16px 0 8px; }
    .stats { display: flex; gap: 12px; flex-wrap: wrap; }
    .stat { flex: 1 1 150px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
    .stat .num { font-size: 26px; font-weight: 700; }
    .stat .what { color: var(--muted); }
    .bad { color: var(--bad); } .good { color: var(--good); } .muted { color: var(--muted); }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
    pre.traceback { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; white-space: pre-wrap; overflow-wrap: anywhere; background: #fef2f2; border-left: 3px solid #dc2626; padding: 8px 12px; margin: 8px 0; }
    .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; }
    .b-pass { background: #dcfce7; color: #166534; } .b-fail { background: #fee2e2; color: #991b1b; }
    .b-broke { background: #dc2626; color: #fff; } .b-fixed { background: #16a34a; color: #fff; }
    .b-new, .b-removed { background: #e2e8f0; color: #334155; }
    ul.findings { margin: 0; padding-left: 20px; } ul.findings li { margin: 3px 0; }
    .sides { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
    .side h3 { margin-top: 4px; } .side.base h3 { color: var(--base); } .side.cand h3 { color: var(--cand); }
    svg { display: block; max-width: 100%; height: auto; }
    svg text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: #334155; }
    svg text.tick { fill: #64748b; font-size: 10px; }
    svg text.lane-name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11px; }
    tr:target td { background: #fef9c3; } a.event-link { color: inherit; text-decoration: underline dotted; }
    .diverge td { background: #fff1f2; } .diverge td.sign { color: var(--bad); font-weight: 700; }
    .legend { display: flex; gap: 14px; flex-wrap: wrap; color: var(--muted); font-size: 12px; margin: 6px 0; }
    .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: -1px; }
    .hists { display: flex; flex-wrap: wrap; gap: 16px; }
    .hist { border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; }
    .hist .name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
    details > summary { cursor: pointer; color: var(--muted); }
    footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
    </style>
    </head>
    <body>
    \(body)
    </body>
    </html>

    """
}

/// The legend of the timelines; with `perturbations`, the marker of an
/// explored run's perturbations too; with `arrows`, the arrows of causality.
func timelineLegend(perturbations: Bool = false, arrows: Bool = false) -> String {
    var extra =
        perturbations
        ? "<span><i style=\"background:\(Palette.perturbation);border-radius:0;clip-path:polygon(50% 0,100% 100%,0 100%)\"></i>perturbation</span>"
        : ""
    if arrows {
        for (kind, words) in [
            (Timeline.Arrow.Kind.created, "created"), (.task, "woken by a task"), (.timer, "woken by a timer"),
            (.job, "woken by a job"), (.socket, "woken by a socket"),
        ] {
            extra +=
                "<span><i style=\"background:\(Palette.arrow(kind));border-radius:0;height:2px;width:14px;vertical-align:3px\"></i>→ \(words)</span>"
        }
    }
    return timelineLegendItems.replacingOccurrences(of: "</div>", with: extra + "</div>")
}

/// The step-axis view of a timeline, folded: what happened at one instant,
/// in the ready queue's order (StepAxis.swift). Empty when the run did not
/// record its steps.
func stepAxisDetails(_ timelines: [(title: String, timeline: Timeline, id: String)], width: Double) -> String {
    guard timelines.allSatisfy({ $0.timeline.hasSteps }), !timelines.isEmpty else { return "" }
    var s =
        "<details class=\"steps\"><summary>Along the steps: each loop callback in the order it ran, so that what happened at one instant is apart</summary>"
    s += timelines.count > 1 ? "<div class=\"sides\">" : ""
    for t in timelines {
        s += timelines.count > 1 ? "<div class=\"side\"><h3>\(htmlEscaped(t.title))</h3>" : ""
        s +=
            TimelineSVG(
                timeline: t.timeline, width: width, until: t.timeline.duration, highlight: nil, maxLanes: 80,
                axis: .steps, id: t.id
            ).render()
        s += timelines.count > 1 ? "</div>" : ""
    }
    return s + (timelines.count > 1 ? "</div>" : "") + "</details>\n"
}

private let timelineLegendItems = """
    <div class="legend"><span><i style="background:\(Palette.step);border-radius:0;width:3px"></i>task step</span>\
    <span><i style="background:\(Palette.laneLine);border-radius:0;height:3px"></i>waiting</span>\
    <span><i style="background:\(Palette.print)"></i>print</span><span><i style="background:\(Palette.log)"></i>log</span>\
    <span><i style="background:\(Palette.result)"></i>result</span><span><i style="background:\(Palette.exception)"></i>exception</span>\
    <span><i style="background:\(Palette.cancelled)"></i>cancelled</span><span><i style="background:\(Palette.pending)"></i>pending</span>\
    <span><i style="background:\(Palette.job);border-radius:2px"></i>job</span><span><i style="background:\(Palette.queued);border-radius:2px"></i>queued</span></div>
    """

func badge(_ o: TraceComparison.Outcome) -> String {
    let cls: String
    switch o {
    case .stillPassing: cls = "b-pass"
    case .stillFailing: cls = "b-fail"
    case .broke: cls = "b-broke"
    case .fixed: cls = "b-fixed"
    case .added: cls = "b-new"
    case .removed: cls = "b-removed"
    }
    return "<span class=\"badge \(cls)\">\(outcomeWord(o))</span>"
}

/// A row of an event log table.
func eventCells(_ e: TraceEvent?) -> String {
    guard let e else { return "<td colspan=\"3\" class=\"muted\">(the log had ended)</td>" }
    var what = e.text ?? ""
    if e.kind == .taskDone { what = "\(e.state ?? ""): \(e.value ?? "")" }
    if e.kind == .runEnd { what = "\(e.status ?? ""): \(e.value ?? "")" }
    return "<td class=\"num mono\">\(virtualTimeText(e.t))</td><td class=\"mono\">\(htmlEscaped(e.ctx ?? ""))</td>"
        + "<td class=\"mono\"><span class=\"muted\">\(e.kind.rawValue)</span> \(htmlEscaped(what))</td>"
}

/// `text`, escaped, with each event it cites (`event 3`, as property
/// messages do) linked to `anchor(index)` (the event's index in the log,
/// from 0) where that is not nil.
func linkingEvents(_ text: String, anchor: (Int) -> String?) -> String {
    var out = ""
    var rest = Substring(text)
    while let r = rest.range(of: "event ") {
        out += htmlEscaped(String(rest[..<r.lowerBound]))
        rest = rest[r.upperBound...]
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if let n = Int(digits), n >= 1, let target = anchor(n - 1) {
            out += "<a class=\"event-link\" href=\"#\(target)\">event \(digits)</a>"
            rest = rest.dropFirst(digits.count)
        } else {
            out += "event "
        }
    }
    return out + htmlEscaped(String(rest))
}
