import ArgumentParser
import Foundation
import Reports

extension ShowFormat: ExpressibleByArgument {}

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

            Examples:
              vloop show 12
              vloop show 12 --json | jq '.perturbations'
              vloop show 12 --format html
              vloop show 12 --format chrome-trace --out run12.json
              vloop show 12 --format html --out - > run12.html
            """
    )

    @ArgumentParser.Argument(help: "The run's id, as `vloop runs` lists it.")
    var runID: String

    @Option(help: "text, json, html or chrome-trace.")
    var format: ShowFormat = .text

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
        let text = format.renderer.render(stored, suite: suite)
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
