import Foundation
import Testing

/// `vloop show` of the runs an exploration recorded: the perturbations
/// each applied, as text, JSON, on the HTML timeline and in the Perfetto export.
@Suite("Show an explored run")
struct ShowExploredTests {
    typealias Workspace = StoreCommandTests.Workspace

    @Test(
        "show lists an explored run's perturbations and how to replay it; --json has them all; the nominal run has none"
    )
    func listsPerturbations() throws {
        let w = try Workspace()
        let trace = try w.writeDemo(slowB: false)
        let r = try w.vloop("run", "--runs", "4", "--timer-jitter", "0.05", trace)
        #expect(r.status == 0, "\(r.stderr)")
        // Explored runs are recorded as they finish, on several threads: find each run's id by its index.
        let runs = try #require(
            try JSONSerialization.jsonObject(with: Data(try w.vloop("runs", "--json").stdout.utf8)) as? [[String: Any]])
        let idOf = Dictionary(uniqueKeysWithValues: runs.map { ($0["runIndex"] as! Int, String($0["id"] as! Int)) })
        #expect(idOf.keys.sorted() == [0, 1, 2, 3])
        let id = try #require(idOf[2])
        let nominal = try w.vloop("show", try #require(idOf[0]))
        #expect(nominal.status == 0)
        #expect(!nominal.stdout.contains("Perturbations") && !nominal.stdout.contains("replay "))
        let show = try w.vloop("show", id)
        #expect(show.status == 0)
        let out = show.stdout
        #expect(out.contains("seed       0, run index 2\n"))
        #expect(out.contains("  explored   strategy "))
        let replay = try #require(out.split(separator: "\n").first { $0.hasPrefix("  replay     vloop run ") })
        #expect(replay.contains(" --timer-jitter 0.05 "))
        #expect(replay.hasSuffix("--run 2 \(trace)"))
        let perturbations = try #require(out.range(of: "\nPerturbations\n"))
        #expect(perturbations.lowerBound < (out.range(of: "\nProperties\n")?.lowerBound ?? out.endIndex))
        #expect(out.contains("fired"))

        let json = try w.vloop("show", id, "--json")
        #expect(json.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let stored = try #require(doc["perturbations"] as? [[String: Any]])
        #expect(!stored.isEmpty)
        #expect(stored.allSatisfy { ($0["description"] as? String)?.isEmpty == false && $0["kind"] != nil })
        #expect(doc["runIndex"] as? Int == 2)
        #expect((doc["replayCommand"] as? String).map { replay.hasSuffix($0) } == true)
        // Every perturbation the text listed, the JSON has.
        for p in stored { #expect(out.contains(p["description"] as! String)) }
        #expect(try w.vloop("show", id, "--format", "json").stdout == json.stdout)
        #expect(try w.vloop("show", id, "--json", "--format", "html").status == 2)

        // The page marks each perturbation on the lane of the task that caused it, the trace has it as an instant event.
        let page = try w.vloop("show", id, "--format", "html", "--out", "-")
        #expect(page.status == 0)
        #expect(page.stdout.components(separatedBy: "<path class=\"perturbation\"").count - 1 == stored.count)
        #expect(page.stdout.contains("</i>perturbation</span>"))
        for p in stored {
            let text = (p["description"] as! String).replacingOccurrences(of: "'", with: "&#39;")
            #expect(page.stdout.contains(": \(text)</title></path>"), "\(text)")
        }
        let chrome = try w.vloop("show", id, "--format", "chrome-trace", "--out", "-")
        let exported = try #require(try JSONSerialization.jsonObject(with: Data(chrome.stdout.utf8)) as? [String: Any])
        let marks = (exported["traceEvents"] as? [[String: Any]] ?? []).filter {
            $0["cat"] as? String == "perturbation"
        }
        #expect(marks.count == stored.count)
    }

    @Test(
        "a run replayed from a perturbation file is recorded with the command that replays it, and only the kept perturbations"
    )
    func replayedFromAFile() throws {
        let w = try Workspace()
        let trace = w.path("late.trace")
        try FileManager.default.copyItem(atPath: "fixtures/explore/both-timers-late.trace", toPath: trace)
        #expect(try w.vloop("run", trace).status == 1)
        let file = w.path("shrunk/late-seed0-run1.json")
        #expect(FileManager.default.fileExists(atPath: file))
        let replay = try w.vloop("run", "--perturbations", file, trace)
        #expect(replay.status == 1)
        let latest = try #require(
            try JSONSerialization.jsonObject(with: Data(try w.vloop("runs", "--json").stdout.utf8)) as? [[String: Any]])
        let id = String(try #require(latest.first?["id"] as? Int))
        let show = try w.vloop("show", id)
        #expect(show.stdout.contains("  seed       0, run index 1\n"))
        #expect(show.stdout.contains("  explored   strategy random, 2 perturbations\n"), "\(show.stdout)")
        #expect(show.stdout.contains("  replay     vloop run --perturbations \(file) \(trace)\n"))
        let perturbed = replay.stdout.split(separator: "\n").filter { $0.contains("perturbed: ") }
        let listed = show.stdout.components(separatedBy: "\nPerturbations\n")[1].split(separator: "\n").dropFirst()
            .prefix(2)
        #expect(perturbed.count == 2 && listed.count == 2)
        for line in listed { #expect(line.contains("fired"), "\(line)") }
    }

    @Test("every explored run of a portfolio is recorded with its own strategy, in turn")
    func strategies() throws {
        let w = try Workspace()
        let trace = try w.writeDemo(slowB: false)
        #expect(try w.vloop("run", "--runs", "7", trace).status == 0)
        let runs = try #require(
            try JSONSerialization.jsonObject(with: Data(try w.vloop("runs", "--json").stdout.utf8)) as? [[String: Any]])
        var strategyOf: [Int: String] = [:]
        for r in runs {
            let show = try w.vloop("show", String(r["id"] as! Int), "--json")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
            if let e = doc["explored"] as? [String: Any] {
                strategyOf[r["runIndex"] as! Int] = e["strategy"] as? String
            }
        }
        #expect(strategyOf == [1: "random", 2: "pct", 3: "swarm", 4: "random", 5: "pct", 6: "swarm"])
    }
}
