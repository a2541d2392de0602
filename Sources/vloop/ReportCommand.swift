import ArgumentParser
import Foundation
import Reports

extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compare two sets of recorded runs: what broke, where events diverged, how times moved.",
        discussion: """
            The baseline and the candidate are each a label (every run recorded under it) or a run id; \
            by default the two most recent labels (older as baseline). A regression is a trace that \
            passed and now fails; a trace that ends with another status than on the baseline (an \
            exception, a deadlock, a limit: never an improvement, and its times are then not judged); a \
            property that held and now breaks; a virtual duration or a task's completion time whose \
            median grew by more than --threshold; or a wall time whose median grew by at least \
            --wall-floor (5 ms), by more than 5% and by more than three median absolute deviations, with \
            at least 3 samples per side (`vloop run --repeat 5`). The floor is what keeps the gate quiet \
            on a shared machine: there, whole stretches of repeats of a millisecond trace move together, \
            so the two labels of one binary differ by tenths of a millisecond however many repeats run.

            text, markdown and json print to stdout; html writes a self-contained page with the \
            timelines side by side to reports/ (junit: JUnit XML of the candidate with its regressions). \
            --out names another file or folder; --out - prints to stdout.

            Examples:
              vloop report
              vloop report --baseline main --candidate 3f2a9c1b7d0e --format html
              vloop report --baseline 12 --candidate 31 --format markdown > comment.md
              vloop report --baseline main --candidate pr-42 --fail-on-regression
              vloop report --threshold 5% --format json --out report.json
              vloop report --explorations --label $COMMIT   (explorations over their shards)
            """
    )

    @Option(help: "A label or a run id (default: the second most recent label).")
    var baseline: String?

    @Option(help: "A label or a run id (default: the most recent label).")
    var candidate: String?

    @Option(help: "text, markdown, html, json or junit.")
    var format: ReportFormat = .text

    @Option(
        help: ArgumentHelp("Write to this file or folder (- for stdout; html defaults to reports/).", valueName: "path")
    )
    var out: String?

    @Flag(help: "Exit 1 when there is a regression (for CI).")
    var failOnRegression = false

    @Option(
        help: ArgumentHelp(
            "The growth of a virtual duration or completion time that is a regression, in percent.",
            valueName: "percent"))
    var threshold: String = "10%"

    @Option(
        help: ArgumentHelp(
            "The least change of a trace's median wall time that is judged at all, in milliseconds (e.g. 5, 5ms, 0.5).",
            valueName: "ms"))
    var wallFloor: String = "5"

    @Flag(
        help:
            "Report the explorations of one label instead, each joined over its shards: runs, shards, failing runs, the first failure's replay command. Exits 1 when a run failed or a shard is missing."
    )
    var explorations = false

    @Option(help: "With --explorations: the label (default: the most recent).")
    var label: String?

    @OptionGroup var store: StoreOptions

    var thresholdFraction: Double? {
        let t = threshold.hasSuffix("%") ? String(threshold.dropLast()) : threshold
        guard let v = Double(t.trimmingCharacters(in: .whitespaces)), v >= 0, v.isFinite else { return nil }
        return v / 100
    }

    /// --wall-floor in seconds.
    var wallFloorSeconds: Double? {
        let t = wallFloor.hasSuffix("ms") ? String(wallFloor.dropLast(2)) : wallFloor
        guard let v = Double(t.trimmingCharacters(in: .whitespaces)), v >= 0, v.isFinite else { return nil }
        return v / 1000
    }

    func validate() throws {
        if wallFloorSeconds == nil {
            throw ValidationError("--wall-floor must be milliseconds such as 5 or 5ms (got '\(wallFloor)')")
        }
        if thresholdFraction == nil {
            throw ValidationError("--threshold must be a percentage such as 10 or 10% (got '\(threshold)')")
        }
        if explorations {
            if baseline != nil || candidate != nil {
                throw ValidationError(
                    "--explorations reports one label: name it with --label, not --baseline or --candidate")
            }
            if ![.text, .markdown, .json].contains(format) {
                throw ValidationError("--explorations writes text, markdown or json, not \(format.rawValue)")
            }
        } else if label != nil {
            throw ValidationError("--label goes with --explorations; compare labels with --baseline and --candidate")
        }
    }

    func run() throws {
        let db = store.open(.existing)
        if explorations { return try reportExplorations(db) }
        var base = baseline, cand = candidate
        if base == nil || cand == nil {
            let labels = orExit { try db.labels() }.map(\.label)
            if cand == nil {
                guard let latest = labels.first(where: { $0 != base }) else {
                    exitUsage("no runs recorded in \(db.path) to compare (record some with `vloop run`)")
                }
                cand = latest
            }
            if base == nil {
                guard let previous = labels.first(where: { $0 != cand }) else {
                    exitUsage(
                        "only one label (\(cand!)) is recorded in \(db.path): record another (`vloop run --label NAME`), or name --baseline"
                    )
                }
                base = previous
            }
        }
        let baseSet = orExit { try db.runSet(base!) }
        let candSet = orExit { try db.runSet(cand!) }
        let comparison = Comparison.make(
            baseline: baseSet, candidate: candSet, threshold: thresholdFraction!, wallFloor: wallFloorSeconds!)
        let text: String
        if format == .text {
            text = TextReport(color: out == nil && colourTerminal).render(comparison)
        } else {
            text = format.renderer.render(comparison)
        }
        let name = "report-\(fileSafe(baseSet.name))-vs-\(fileSafe(candSet.name)).\(format.fileExtension)"
        let target = outputPath(out, defaultFolder: format == .html ? "reports/" : nil, defaultName: name)
        if let target {
            writeFile(text, to: target)
            printError(
                "wrote \(target): \(comparison.regressions.count) regression\(comparison.regressions.count == 1 ? "" : "s"), \(comparison.improvements.count) improvement\(comparison.improvements.count == 1 ? "" : "s")"
            )
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if failOnRegression && comparison.hasRegressions {
            printError(
                "vloop report: \(comparison.regressions.count) regression\(comparison.regressions.count == 1 ? "" : "s") (--fail-on-regression)"
            )
            throw ExitCode(1)
        }
    }
}
