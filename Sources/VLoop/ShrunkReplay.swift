import Foundation
import Properties
import RunModel
import VirtualLoop

/// The perturbation files of shrunk runs (docs/EXPLORING.md, "Shrinking and
/// explaining"): written beside the run database after a trace's exploration
/// fails, read back by `vloop run --perturbations FILE PATH`.
extension SuiteRunner {
    /// The replays shrinking a failing run may spend (`Shrinker.defaultBudget`).
    public static let shrinkBudget = Shrinker.defaultBudget

    /// The folder the perturbation files go in: `shrunk/` beside the run database
    /// (written even with `noStore`: a file is a way to replay, not a record).
    var shrunkFolder: String {
        let folder = (options.storage.databasePath as NSString).deletingLastPathComponent
        return (folder.isEmpty ? "." : folder) + "/shrunk"
    }

    /// Reads the perturbation file of `options.exploration.perturbationFile`,
    /// for the one trace of `traces`; throws `.perturbations` when it cannot
    /// be read, is malformed, or the suite is not one trace.
    func perturbationFile(for traces: [String]) throws(SuiteError) -> PerturbationFile? {
        guard let path = options.exploration.perturbationFile else { return nil }
        guard traces.count == 1 else {
            throw .perturbations("--perturbations replays one trace, not \(traces.count)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .perturbations("cannot read the perturbation file \(path)")
        }
        do {
            return try PerturbationFile(json: String(decoding: data, as: UTF8.self))
        } catch {
            throw .perturbations("\(path): \(error)")
        }
    }

    /// Writes the perturbation file of a shrunk failure; returns its path (nil for the nominal run).
    func writePerturbationFile(
        _ failure: ExploreFailure, trace: String, traceHash: String, settings: ExploreSettings
    ) throws(SuiteError) -> String? {
        guard let file = PerturbationFile(failure, trace: trace, traceHash: traceHash, settings: settings) else {
            return nil
        }
        let path = PerturbationFile.path(folder: shrunkFolder, trace: trace, seed: settings.seed, run: failure.run)
        do {
            try FileManager.default.createDirectory(atPath: shrunkFolder, withIntermediateDirectories: true)
            try file.json.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
        return path
    }
}
