import ArgumentParser
import Foundation
import Reports

extension ShowFormat: ExpressibleByArgument {}
extension TimelineAxis: ExpressibleByArgument {}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one recorded run: its properties, perturbations, tasks, workers and events.",
        discussion: """
            text (the default) prints to stdout; for an explored run, it lists the run's \
            perturbations (time, task, what) after its summary, with the command that replays it. \
            json (or --json) prints everything recorded about the run as one JSON object. html writes a page with the run's timeline (one lane \
            per task and per worker: steps, waits, prints, jobs) to reports/run-ID.html; chrome-trace \
            writes the run in the Trace Event Format to reports/run-ID.trace.json, which Perfetto \
            (ui.perfetto.dev) and chrome://tracing open, one track per task and per worker. \
            An explored run's perturbations are marked on the task that caused each (a triangle on \
            the page's timeline, an instant event in the trace). --out names another file or folder; --out - prints to stdout.

            Both draw what caused what as arrows: a task created by another, a step woken by another \
            task (a future it completed, an event it set, a queue it fed, its end, a cancel), by a \
            timer, by a job's completion or by a socket. Many steps run at one virtual instant; the \
            page also lays the run out along its steps (folded, under the timeline), and \
            --axis steps does so in the trace: one microsecond per loop callback, in the order they \
            ran, each slice keeping its virtual time in args.t.

            Examples:
              vloop show 12
              vloop show 12 --json | jq '.perturbations'
              vloop show 12 --format html
              vloop show 12 --format chrome-trace --out run12.json
              vloop show 12 --format chrome-trace --axis steps
              vloop show 12 --format html --out - > run12.html
            """
    )

    @ArgumentParser.Argument(help: "The run's id, as `vloop runs` lists it.")
    var runID: String

    @Option(help: "text, json, html or chrome-trace.")
    var format: ShowFormat = .text

    @Option(help: "For chrome-trace: time (virtual microseconds) or steps (one microsecond per loop callback).")
    var axis: TimelineAxis = .time

    @Flag(help: "The same as --format json.")
    var json = false

    @Option(help: ArgumentHelp("Write to this file or folder (- for stdout).", valueName: "path"))
    var out: String?

    @OptionGroup var store: StoreOptions

    func run() throws {
        guard let id = Int64(runID.hasPrefix("#") ? String(runID.dropFirst()) : runID), id > 0 else {
            exitUsage("'\(runID)' is not a run id: give the number `vloop runs` lists")
        }
        if json && format != .text && format != .json {
            exitUsage("--json and --format \(format.rawValue) ask for two formats: give one")
        }
        let format = json ? ShowFormat.json : format
        let db = store.open(.existing)
        let stored = orExit { try db.run(id: id) }
        let suite = stored.suiteRunID.flatMap { try? db.suiteRun(id: $0) }
        if axis == .steps && format != .chromeTrace {
            exitUsage("--axis steps is for --format chrome-trace (the html page draws both axes)")
        }
        if axis == .steps && !Timeline(stored).hasSteps {
            exitUsage(
                "run \(id) has no steps to lay out: it was stored by a vloop before causality (schema v8); run its trace again"
            )
        }
        let renderer: any RunRenderer = format == .chromeTrace ? ChromeTrace(axis: axis) : format.renderer
        let text = renderer.render(stored, suite: suite)
        let defaultName = format == .chromeTrace ? "run-\(id).trace.json" : "run-\(id).\(format.fileExtension)"
        let target = outputPath(
            out, defaultFolder: format == .text || format == .json ? nil : "reports/", defaultName: defaultName)
        if let target {
            writeFile(text, to: target)
            printError("wrote \(target)")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
