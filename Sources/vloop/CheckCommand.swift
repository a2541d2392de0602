import ArgumentParser
import TraceLanguage
import VLoop

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse and validate traces without running them.",
        discussion: """
            Every error is shown as file:line:column with the offending line and a caret. \
            Exits 1 when any trace has errors.

            Examples:
              vloop check fixtures/
              vloop check my.trace
            """
    )

    @ArgumentParser.Argument(
        help: "Trace files (.trace or .py) or folders (searched for *.trace, test_*.py and *_test.py).")
    var paths: [String]

    @OptionGroup var modulePaths: ModulePathOptions

    func run() throws {
        let traces = tracesOrExit(paths)
        var valid = 0, invalid = 0
        for path in traces {
            switch SuiteRunner.load(path: path, modulePaths: modulePaths.resolved) {
            case .failure(.unreadable(let why)):
                exitUsage(why)
            case .failure(.invalid(let errors)):
                invalid += 1
                for shown in errors.shown { printError(shown.rendered) }
                let count = errors.diagnostics.count
                print("FAIL  \(path)  (\(count) error\(count == 1 ? "" : "s"))")
            case .success(let trace):
                if let errors = ImportCheck.unavailableImports(of: trace) {
                    invalid += 1
                    for shown in errors.shown { printError(shown.rendered) }
                    let count = errors.diagnostics.count
                    print("FAIL  \(path)  (\(count) error\(count == 1 ? "" : "s"))")
                    continue
                }
                valid += 1
                print("ok    \(path)")
            }
        }
        print("\(valid) passed, \(invalid) failed")
        if invalid > 0 { throw ExitCode(1) }
    }
}
