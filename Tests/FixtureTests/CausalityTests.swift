import Foundation
import Testing

/// What caused what, as a user sees it: a run of
/// `fixtures/conformance/causality-wakes.trace` stored, then shown as JSON,
/// as an HTML page with arrows and a step axis, and as a Perfetto trace
/// with flows, along virtual time and along the steps.
@Suite("Causality of a stored run")
struct CausalityTests {
    typealias Workspace = StoreCommandTests.Workspace

    static let trace = repositoryRoot.appendingPathComponent("fixtures/conformance/causality-wakes.trace").path

    /// The run's JSON (`show --json`) after recording it in `w`.
    func recorded(_ w: Workspace) throws -> [String: Any] {
        let r = try w.vloop("run", Self.trace)
        #expect(r.status == 0, "\(r.stderr)")
        let show = try w.vloop("show", "1", "--json")
        #expect(show.status == 0, "\(show.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
    }

    @Test("each task records what created it and what woke each step: a task, a timer, a job, a socket")
    func wakesAreRecorded() throws {
        let w = try Workspace()
        let doc = try recorded(w)
        let tasks = try #require(doc["tasks"] as? [[String: Any]])
        let jobs = try #require(doc["jobs"] as? [[String: Any]])
        func task(_ name: String) throws -> [String: Any] {
            try #require(tasks.first { $0["name"] as? String == name })
        }
        func wakes(_ t: [String: Any]) -> [(kind: String, source: Int, t: Double, causeT: Double, step: Int)] {
            ((t["wakes"] as? [[String: Any]]) ?? []).map { w in
                let c = w["cause"] as! [String: Any]
                return (
                    c["kind"] as! String, c["source"] as! Int, w["t"] as! Double, c["t"] as! Double, w["step"] as! Int
                )
            }
        }
        let main = try task("Task-1"), w0 = try task("worker-0"), w1 = try task("worker-1")
        // Task-1 (place 0) is made by the main code; it makes both workers during its first step.
        #expect((main["creator"] as? [String: Any])?["kind"] as? String == "outside")
        for worker in [w0, w1] {
            let creator = try #require(worker["creator"] as? [String: Any])
            #expect(creator["kind"] as? String == "task" && creator["source"] as? Int == 0)
            #expect(worker["createdStep"] as? Int == wakes(main).first?.step)
            // Cancelled by main at the end: the last wake is main's.
            let last = try #require(wakes(worker).last)
            #expect(last.kind == "task" && last.source == 0 && abs(last.t - 0.18) < 1e-9)
        }
        // worker-0 is woken at t=0 by main's put into the queue.
        #expect(wakes(w0).dropFirst().first.map { $0.kind == "task" && $0.source == 0 && $0.t == 0 } == true)
        let mainWakes = wakes(main)
        // A step after sleep(0) is woken by the task itself.
        #expect(mainWakes[1].kind == "task" && mainWakes[1].source == 0)
        // sleep(0.1): its own timer, set at t=0.
        #expect(mainWakes.contains { $0.kind == "timer" && $0.source == 0 && $0.causeT == 0 && $0.t == 0.1 })
        // The job's completion, and the socket's reply.
        let jobWake = try #require(mainWakes.first { $0.kind == "job" })
        #expect(jobs[jobWake.source]["job"] as? String == "blocking(21)")
        #expect(abs(jobWake.t - 0.15) < 1e-9)
        #expect(mainWakes.contains { $0.kind == "socket" && $0.source == 0 && abs($0.t - 0.18) < 1e-9 })
        // Steps only grow; a cause comes no later than what it caused.
        for t in tasks {
            let ws = wakes(t)
            #expect(zip(ws, ws.dropFirst()).allSatisfy { $0.step < $1.step })
        }
        // Every event has its step, in order; run_end's is the run's last.
        let events = try #require(doc["events"] as? [[String: Any]])
        let steps = try #require(doc["eventSteps"] as? [Int])
        #expect(steps.count == events.count)
        #expect(zip(steps, steps.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(steps.last == doc["steps"] as? Int)
    }

    @Test("the page draws an arrow of each kind, and the run along its steps")
    func pageDrawsArrows() throws {
        let w = try Workspace()
        _ = try recorded(w)
        let page = try w.vloop("show", "1", "--format", "html", "--out", "-")
        #expect(page.status == 0, "\(page.stderr)")
        let html = page.stdout
        for kind in ["created", "task", "timer", "job", "socket"] {
            #expect(html.contains("<g class=\"arrow arrow-\(kind)\">"), "no \(kind) arrow")
        }
        #expect(html.contains("Task-1 main() woke worker-0 worker(&lt;Queue&gt;, &#39;w0&#39;) at 0.0 s (step "))
        #expect(html.contains("the job blocking(21) woke Task-1 main() at 0.15 s"))
        #expect(html.contains("Task-1 main() created worker-1 worker(&lt;Queue&gt;, &#39;w1&#39;) at 0.0 s"))
        #expect(html.contains("a timer set by Task-1 main() at 0.0 s woke Task-1 main() at 0.1 s"))
        #expect(html.contains("the socket of connection 1 woke Task-1 main() at 0.16 s"))
        // The step axis: one timeline along time, one along the steps (folded).
        #expect(html.contains("<details class=\"steps\">"))
        #expect(html.contains("aria-label=\"steps of "))
        // The steps at t=0 of Task-1 and of the workers stand on one x along time, apart along the steps.
        let stepMarks = try #require(html.range(of: "aria-label=\"steps of "))
        func xs(_ part: Substring) -> Set<String> {
            var found = Set<String>()
            for piece in part.components(separatedBy: "<rect x=\"").dropFirst() {
                let x = piece.prefix { $0 != "\"" }
                if piece.contains(" steps at 0.0 s") { found.insert(String(x)) }
            }
            return found
        }
        #expect(xs(html[..<stepMarks.lowerBound]).count == 1)
        #expect(xs(html[stepMarks.lowerBound...]).count >= 3)
        #expect(try w.vloop("show", "1", "--format", "html", "--axis", "steps").status == 2)
    }

    @Test("the Perfetto export joins each cause to its effect with a flow, along time and along the steps")
    func perfettoFlows() throws {
        let w = try Workspace()
        _ = try recorded(w)
        for axis in ["time", "steps"] {
            let r = try w.vloop("show", "1", "--format", "chrome-trace", "--axis", axis, "--out", "-")
            #expect(r.status == 0, "\(r.stderr)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let events = try #require(doc["traceEvents"] as? [[String: Any]])
            let outs = events.filter { $0["flow_out"] as? Bool == true }.compactMap { $0["bind_id"] as? Int }
            let ins = events.filter { $0["flow_in"] as? Bool == true }.compactMap { $0["bind_id"] as? Int }
            #expect(!outs.isEmpty)
            #expect(Set(outs) == Set(ins) && outs.count == Set(outs).count && ins.count == Set(ins).count)
            let cats = Set(events.filter { $0["flow_in"] != nil }.compactMap { $0["cat"] as? String })
            #expect(cats == ["created", "task", "timer", "job"])
            // The socket's wake has no track to come from: a wake slice alone says what woke it.
            #expect(events.contains { $0["cat"] as? String == "socket" && $0["bind_id"] == nil })
            let clock = (doc["otherData"] as? [String: Any])?["clock"] as? String
            #expect(clock == (axis == "steps" ? "steps" : "virtual"))
            let stepSlices = events.filter { $0["name"] as? String == "step" }
            if axis == "steps" {
                // One slice per step, each at its own step, keeping its virtual time.
                let atZero = stepSlices.filter { ($0["args"] as? [String: Any])?["t"] as? Double == 0 }
                #expect(atZero.count >= 3)
                #expect(Set(atZero.map { "\($0["ts"]!)" }).count == atZero.count)
            }
        }
    }
}
