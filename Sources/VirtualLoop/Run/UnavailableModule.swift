import PyRuntime
import TraceLanguage

/// The explanation vloop adds below the traceback of an uncaught
/// `ModuleNotFoundError` that an `import` raised: the importing line as a
/// diagnostic (file:line:column and a caret), and what a trace can import.
/// The exception itself is CPython's (`No module named 'x'`), so that a
/// trace that catches it (`try: import uvloop except ImportError: ...`)
/// behaves as under CPython.
extension World {
    /// The modules vloop provides, sorted (read from `builtinModules`),
    /// without `vloop` itself and private helpers (a part starting with `_`).
    package static var availableModuleList: String {
        builtinModules.keys.filter { name in
            name != "vloop" && !name.split(separator: ".").contains { $0.hasPrefix("_") }
        }.sorted().joined(separator: ", ")
    }

    /// The diagnostic for an import of `name`, which is neither a module vloop
    /// provides nor one of the user's.
    package static func unavailableModuleMessage(_ name: String) -> String {
        "no module named '\(name)': it is not one that vloop provides, nor one of yours "
            + "(NAME.py or a package folder NAME/ beside the trace, or in a --path folder). "
            + "vloop provides: \(availableModuleList)"
    }
}

extension RunReport {
    /// The diagnostic for `e` when it is a `ModuleNotFoundError` raised by an
    /// import (it has the module's `name`), at the innermost traceback entry
    /// (the importing line); nil otherwise.
    func unavailableModuleNote(_ e: PyException, files: [SourceFile]) -> String? {
        guard e.type === PyType.moduleNotFoundError, let name = e.moduleName, let entry = e.traceback.last,
            let file = files.first(where: { $0.path == entry.path })
        else { return nil }
        let d = Diagnostic(path: file.path, loc: entry.loc, message: World.unavailableModuleMessage(name))
        return d.rendered(in: file)
    }
}
