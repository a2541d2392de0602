import PyRuntime
import TraceLanguage

/// `import`: the modules vloop provides itself, and the user's own modules,
/// with CPython's caching (`sys.modules`) and cycle semantics.
extension World {
    /// The modules vloop provides, by name: the native ones (registered in
    /// `nativeModules`) and those written in Python (`PythonModules`). Each is made on its first import in a run; a built-in
    /// module always wins over a user's file of the same name (the loader
    /// does not look such names up on disk).
    package static let builtinModules: [String: @Sendable (World) throws -> PyObject] = nativeModules.merging(
        PythonModules.sources.keys.map { name in (name, { @Sendable world in try world.makePythonModule(name) }) }
    ) { native, _ in native }

    /// The modules vloop provides natively (in Swift).
    private static let nativeModules: [String: @Sendable (World) throws -> PyObject] = [
        "asyncio": { try $0.makeAsyncioModuleWithPrelude() },
        "time": { $0.makeTimeModule() },
        "logging": { $0.makeLoggingModule() },
        "sys": { $0.makeSysModule() },
        "random": { $0.makeRandomModule() },
        "functools": { try $0.makeFunctoolsModule() },
        "_typing": { _ in makeTypingModule() },
        "_vloopexec": { $0.makeInternalExecModule() },
        "concurrent": { _ in PyModule("concurrent") },
        "concurrent.futures": { try $0.makeConcurrentFuturesModule() },
        "vloop": { $0.makeVloopModule() },
        "_vloop_hashlib": { $0.makeHashlibHelperModule() },
        "_collections": { $0.makeCollectionsNativeModule() },
        "math": { $0.makeMathModule() },
    ]

    /// The top-level names of the built-in modules, which the loader of the
    /// user's modules never looks up on disk.
    public static let builtinModuleNames: Set<String> = Set(
        builtinModules.keys.map { String($0.split(separator: ".")[0]) })

    /// `import name` for an absolute dotted name: its parent packages first,
    /// then the module itself (a built-in one, or the user's, whose code runs
    /// once per run, in globals of its own), bound as an attribute of its
    /// parent once it has run. A module is in `modules` while its code runs,
    /// so an import cycle gets it partially initialized, as in CPython; a
    /// module whose code raised is removed again.
    package func importModuleObject(_ name: String) throws -> PyObject {
        if let m = modules[name] { return m }
        var parent: PyObject?
        if let dot = name.lastIndex(of: ".") {
            let parentName = String(name[..<dot])
            let p = try importModuleObject(parentName)
            // The parent's code may have imported it.
            if let m = modules[name] { return m }
            if let user = p as? PyUserModule, !user.isPackage {
                throw vm.moduleNotFound(name, parentIsNotAPackage: parentName)
            }
            parent = p
        }
        let m: PyObject
        if let make = Self.builtinModules[name] {
            m = try make(self)
            modules[name] = m
        } else if let user = userModules[name] {
            m = try runUserModule(user)
        } else {
            throw vm.moduleNotFound(name)
        }
        if let parent, let dot = name.lastIndex(of: ".") {
            try parent.setAttr(String(name[name.index(after: dot)...]), .obj(m), vm)
        }
        return m
    }

    /// Runs a user's module (once per run) and returns it.
    private func runUserModule(_ user: UserModule) throws -> PyUserModule {
        let module = PyUserModule(
            name: user.name, globalNames: user.compiled?.globalNames ?? [], index: user.globalIndex,
            isPackage: user.isPackage, file: user.file?.path)
        if let path = user.file?.path { module.setGlobal("__file__", .str(path)) }
        try execute(module, user.compiled?.code)
        return module
    }

    /// Runs a module's code in its globals, once: `__name__` and
    /// `__package__` bound first, the module in `modules` while its code runs
    /// (an import cycle sees it partially initialized), and taken out again
    /// when its code raised. Used for the user's modules and for the modules
    /// vloop provides in Python (`PythonModules`).
    func execute(_ module: PyUserModule, _ code: CodeObject?) throws {
        module.setGlobal("__name__", .str(module.name))
        module.setGlobal(
            "__package__",
            .str(CompilationTarget.module(name: module.name, isPackage: module.isPackage).package ?? ""))
        modules[module.name] = module
        if let code {
            do {
                _ = try vm.runModuleCode(code, globals: module.globals)
            } catch {
                modules[module.name] = nil
                throw error
            }
        }
        module.initializing = false
    }

    /// `vloop`: `from vloop import expect, sim` gives the names every trace has.
    package func makeVloopModule() -> PyModule {
        PyModule("vloop", ["expect": .obj(expectObject), "sim": .obj(sim)])
    }
}
