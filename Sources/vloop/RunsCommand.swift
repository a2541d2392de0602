import ArgumentParser
import Foundation
import Reports
import RunModel

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the recorded runs, newest first.",
        discussion: """
            One line per run: its id (for `vloop show` and `vloop report`), label, trace, run index \
            (0 for a nominal replay, else the explored run's), outcome, virtual duration and wall time. \
            `vloop report --explorations` sums up each exploration over its shards. --labels lists the labels instead, the most recent first \
            (`vloop report` compares the two most recent by default).

            Examples:
              vloop runs
              vloop runs --label main --trace gather
              vloop runs --status failed --limit 20
              vloop runs --labels
              vloop runs --json > runs.json
            """
    )

    @Option(help: "Only runs recorded under this label.")
    var label: String?

    @Option(help: "Only runs of traces whose path is or contains this text.")
    var trace: String?

    @Option(
        help:
            "Only runs that passed, failed, or ended with this status (passed, failed, ok, exception, deadlock, limit, invalid)."
    )
    var status: String?

    @Option(help: "At most this many runs.")
    var limit: Int = 50

    @Flag(help: "List the labels instead of the runs.")
    var labels = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        let statuses = ["passed", "failed", "ok", "exception", "deadlock", "limit", "invalid"]
        if let status, !statuses.contains(status) {
            throw ValidationError("--status must be one of \(statuses.joined(separator: ", ")) (got '\(status)')")
        }
    }

    func run() throws {
        let db = store.open(.existing)
        if labels {
            let all = orExit { try db.labels() }
            if json { return printJSON(all) }
            if all.isEmpty { print("no runs recorded in \(db.path)"); return }
            let w = max(all.map(\.label.count).max() ?? 5, 5)
            print(
                "\("label".padding(toLength: w, withPad: " ", startingAt: 0))  suite runs  runs  failed  last recorded")
            for l in all {
                print(
                    "\(l.label.padding(toLength: w, withPad: " ", startingAt: 0))  \(pad(l.suiteRuns, 10))  \(pad(l.runs, 4))  \(pad(l.failed, 6))  \(utcTimestamp(l.lastStartedAt))"
                )
            }
            return
        }
        let runs = orExit { try db.runSummaries(label: label, trace: trace, status: status, limit: limit) }
        if json { return printJSON(runs) }
        if runs.isEmpty {
            print(
                label != nil || trace != nil || status != nil
                    ? "no recorded run in \(db.path) matches" : "no runs recorded in \(db.path)")
            return
        }
        let idW = max(String(runs.map(\.id).max() ?? 0).count, 2)
        let labelW = min(max(runs.map(\.label.count).max() ?? 5, 5), 24)
        let traceW = min(max(runs.map(\.tracePath.count).max() ?? 5, 5), 56)
        let runW = max(String(runs.map(\.runIndex).max() ?? 0).count, 3)
        print(
            "\("id".leftPad(idW))  \("label".padding(toLength: labelW, withPad: " ", startingAt: 0))  "
                + "\("trace".padding(toLength: traceW, withPad: " ", startingAt: 0))  \("run".leftPad(runW))  result  status     virtual    wall      recorded"
        )
        for r in runs {
            let line =
                "\(String(r.id).leftPad(idW))  \(clip(r.label, labelW))  \(clip(r.tracePath, traceW))  \(String(r.runIndex).leftPad(runW))  "
                + "\((r.passed ? "PASS" : "FAIL").padding(toLength: 6, withPad: " ", startingAt: 0))  "
                + "\(r.status.padding(toLength: 9, withPad: " ", startingAt: 0))  "
                + "\((virtualTimeText(r.virtualDuration) + " s").padding(toLength: 9, withPad: " ", startingAt: 0))  "
                + "\(duration(r.wallTime).padding(toLength: 8, withPad: " ", startingAt: 0))  \(utcTimestamp(r.startedAt))"
            print(line)
        }
        if runs.count == limit { printError("(the \(limit) newest; --limit shows more)") }
    }

    func pad(_ n: Int, _ w: Int) -> String { String(n).leftPad(w) }

    func clip(_ s: String, _ w: Int) -> String {
        s.count > w ? "…" + String(s.suffix(w - 1)) : s.padding(toLength: w, withPad: " ", startingAt: 0)
    }
}

extension String {
    func leftPad(_ w: Int) -> String { count >= w ? self : String(repeating: " ", count: w - count) + self }
}

func printJSON<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    let data = (try? encoder.encode(value)) ?? Data("null".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}
