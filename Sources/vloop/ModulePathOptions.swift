import ArgumentParser
import Foundation

/// `--path DIR`, shared by the commands that load traces: the folders, after
/// each trace's own, that its `import` statements find the user's modules in.
struct ModulePathOptions: ParsableArguments {
    @Option(
        name: .customLong("path"),
        help: ArgumentHelp(
            "A folder to import the traces' modules and packages from, after the trace's own folder "
                + "(repeatable, like PYTHONPATH; then the folders of $VLOOP_PATH, colon-separated).",
            valueName: "dir"))
    var folders: [String] = []

    /// `--path` folders, then those of `VLOOP_PATH`.
    var resolved: [String] {
        let env = ProcessInfo.processInfo.environment["VLOOP_PATH"] ?? ""
        return folders + env.split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }
}
