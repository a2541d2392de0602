import ArgumentParser
import Foundation
import Reports
import RunStore

extension ReportCommand {
    /// `vloop report --explorations`: the explorations of one label, each
    /// joined over its shards, and the traces that failed without being
    /// explored; exits 1 when one failed (the CI gate after `vloop merge`),
    /// 2 when the label recorded neither.
    func reportExplorations(_ db: RunStore) throws {
        let chosen: String
        if let label {
            chosen = label
        } else {
            guard let latest = orExit({ try db.labels() }).first?.label else {
                exitUsage("no runs recorded in \(db.path) (record some with `vloop run`)")
            }
            chosen = latest
        }
        let rows = orExit { try db.explorations(label: chosen) }
        let failedNominal = orExit { try db.failedNominalRuns(label: chosen) }.map { ($0.tracePath, $0.status) }
        if rows.isEmpty && failedNominal.isEmpty {
            let labels = orExit { try db.labels() }.map(\.label)
            exitUsage(
                labels.contains(chosen)
                    ? "no exploration recorded under \(chosen) in \(db.path) (`vloop run --runs N` explores)"
                    : "no label '\(chosen)' in \(db.path) (`vloop runs --labels` lists them)")
        }
        let report = ExplorationReport(
            label: chosen, accounts: ExplorationAccount.join(rows), failedNominal: failedNominal)
        let text: String
        switch format {
        case .markdown: text = report.markdown
        case .json: text = report.json
        default: text = report.text
        }
        let name = "explorations-\(fileSafe(chosen)).\(format.fileExtension)"
        if let target = outputPath(out, defaultFolder: nil, defaultName: name) {
            writeFile(text, to: target)
            printError("wrote \(target): \(report.closingLine)")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if report.failed > 0 { throw ExitCode(1) }
    }
}
