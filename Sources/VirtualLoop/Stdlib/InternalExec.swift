import Foundation
import PyRuntime
import TraceLanguage

/// `_vloopexec`: the one use of `exec` that the standard-library modules
/// written in Python need. CPython's `dataclasses` writes the source of the
/// methods it adds (`__init__`, `__repr__`, `__eq__`, ...) and `exec`s it, so
/// that they bind arguments and report errors exactly as functions do; this
/// module gives that code the same route instead of a native rewrite.
/// `exec(source, globals)` compiles `source` as a module of its own whose
/// globals start as the entries of the dict `globals` (the names it does not
/// bind are builtins), runs it, and returns its globals as a new dict. Its
/// frames are internal (left out of tracebacks), as the stdlib's are. Not an
/// `exec` for traces: the builtin `exec` stays out of the trace language.
extension World {
    package func makeInternalExecModule() -> PyModule {
        PyModule(
            "_vloopexec",
            [
                "exec": .obj(
                    PyBuiltin("exec") { [unowned self] args, vm in
                        try vm.checkArity("exec", args, 2, 2)
                        guard case .str(let text) = args[0], case .obj(let o) = args[1], let seed = o as? PyDict else {
                            throw vm.error(.typeError, "_vloopexec.exec(source, globals) takes a str and a dict")
                        }
                        return .obj(try self.internalExec(text, seed))
                    })
            ])
    }

    private func internalExec(_ text: String, _ seed: PyDict) throws -> PyDict {
        let module: CompiledModule
        do {
            module = try InternalExecCache.compiled(text)
        } catch {
            throw vm.error(.runtimeError, "vloop could not compile generated code: \(error)")
        }
        let globals = Globals(names: module.globalNames)
        for (i, name) in module.globalNames.enumerated() {
            if let v = try seed.get(.str(name), vm) { globals.values[i] = v }
        }
        _ = try vm.runModuleCode(module.code, globals: globals)
        let out = PyDict()
        for (i, name) in module.globalNames.enumerated() where !isUndefined(globals.values[i]) {
            try out.setItem(.str(name), globals.values[i], vm)
        }
        return out
    }
}

/// The code `_vloopexec.exec` compiled, by source text, once per process: a
/// trace's dataclasses generate the same methods in every run of an
/// exploration or a replay.
private enum InternalExecCache {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: CompiledModule] = [:]

    static func compiled(_ text: String) throws -> CompiledModule {
        lock.lock()
        defer { lock.unlock() }
        if let m = cache[text] { return m }
        let file = SourceFile(path: "<string>", text: text)
        let module = try Compiler.compile(
            try Parser.parse(file), file: file, internalModule: "<string>",
            target: .module(name: "<string>", isPackage: false))
        cache[text] = module
        return module
    }
}
