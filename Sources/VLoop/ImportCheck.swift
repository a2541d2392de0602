import TraceLanguage
import VirtualLoop

/// `vloop check`'s check of a trace's imports: every `import` (in the trace
/// and in its modules, at any depth in functions) of a module that is neither
/// one vloop provides (`World.builtinModules`) nor one of the user's found
/// when the trace was loaded is an error at the module's name, listing what
/// is available. An import inside the body of a `try` with `except` clauses
/// is left alone: the code expects it may fail (`try: import uvloop`).
///
/// `vloop run` does not refuse such a trace: as under CPython, the import
/// raises `ModuleNotFoundError` when it runs (and the traceback of an
/// uncaught one ends with the same explanation).
public enum ImportCheck {
    /// The unavailable imports of `trace` and its modules; nil when there are none.
    public static func unavailableImports(of trace: LoadedTrace) -> InvalidSource? {
        var files: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
        var sources = [(trace.file, trace.compiled)]
        for name in trace.modules.order {
            if let m = trace.modules[name], let file = m.file, let compiled = m.compiled {
                sources.append((file, compiled))
            }
        }
        for (file, compiled) in sources {
            var found: [Diagnostic] = []
            for site in compiled.importSites where !site.guarded && !isAvailable(site.module, in: trace) {
                found.append(
                    Diagnostic(
                        path: file.path, loc: site.loc, message: World.unavailableModuleMessage(site.module)))
            }
            if !found.isEmpty {
                files.append(file)
                diagnostics += found
            }
        }
        return diagnostics.isEmpty ? nil : InvalidSource(files: files, diagnostics: diagnostics)
    }

    /// Whether importing `module` can succeed: vloop provides it, or it is one
    /// of the user's modules the loader found.
    static func isAvailable(_ module: String, in trace: LoadedTrace) -> Bool {
        if World.builtinModules[module] != nil { return true }
        let top = String(module.split(separator: ".")[0])
        if World.builtinModuleNames.contains(top) { return false }
        return trace.modules[module] != nil
    }
}
