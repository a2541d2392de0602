import TraceLanguage

/// A module of the user's own, as the code that imports it sees it. Its
/// attributes are the globals of its code (one slot per name), so that
/// `mod.x = 1` from outside is what the module's functions then read as
/// `x`, and an import cycle sees whatever the module has bound so far.
public final class PyUserModule: PyObject {
    public let name: String
    /// The module's globals, which its functions share.
    public let globals: Globals
    /// The slot of each global name.
    let index: [String: Int]
    public let isPackage: Bool
    /// The module's file as found in the search paths (`__file__`); nil for a namespace package.
    public let file: String?
    /// True while the module's code runs: an import cycle reaching it sees it
    /// partially initialized (CPython's `__spec__._initializing`).
    @exclusivity(unchecked) public var initializing = true
    /// Attributes set from outside under names its code never uses.
    @exclusivity(unchecked) var extra: [String: Value] = [:]
    /// True for a module vloop provides written in Python (`PythonModules`),
    /// which has no file and reads as the native ones do.
    public var isProvided = false

    public init(name: String, globalNames: [String], index: [String: Int], isPackage: Bool, file: String?) {
        self.name = name
        self.globals = Globals(names: globalNames)
        self.index = index
        self.isPackage = isPackage
        self.file = file
    }

    /// Binds a global of the module's code (`__name__`, `__package__`), if its code uses the name.
    public func setGlobal(_ name: String, _ value: Value) {
        if let i = index[name] { globals.values[i] = value }
    }

    public override var typeName: String { "module" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(globals: globals)
        teardown.add(extra.values)
        extra = [:]
    }
    public override var pyType: PyType { .module }
    public override func repr(_ vm: Interpreter) throws -> String {
        if isProvided { return "<module '\(name)'>" }
        guard let file else { return "<module '\(name)' (namespace)>" }
        return "<module '\(name)' from '\(file)'>"
    }

    public override func getAttr(_ attribute: String, _ vm: Interpreter) throws -> Value? {
        if let i = index[attribute], !isUndefined(globals.values[i]) { return globals.values[i] }
        if let v = extra[attribute] { return v }
        switch attribute {
        case "__name__": return .str(name)
        case "__package__":
            return .str(CompilationTarget.module(name: name, isPackage: isPackage).package ?? "")
        case "__file__":
            return file.map { .str($0) }
        default: return nil
        }
    }

    public override func setAttr(_ attribute: String, _ value: Value, _ vm: Interpreter) throws {
        if let i = index[attribute] {
            globals.values[i] = value
        } else {
            extra[attribute] = value
        }
    }

    public override func callMethod(_ attribute: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        guard let f = try getAttr(attribute, vm) else {
            throw vm.error(.attributeError, "module '\(name)' has no attribute '\(attribute)'")
        }
        return try vm.call(f, args)
    }
}

extension Interpreter {
    /// Op `importName`: the module named by the constant, through the host;
    /// a one-name tuple is the ImportError of a relative import that cannot be resolved.
    func importName(_ constant: Value) throws -> Value {
        if case .str(let name) = constant { return try host.unsafelyUnwrapped.importModule(name) }
        let message = (constant.object as? PyTuple)?.items.first ?? .str("import failed")
        throw raise(PyException(type: .importError, args: [message]))
    }

    /// Op `importFrom`: `name` of the module `m` (`from m import name`). As
    /// in CPython, a package without such an attribute has its submodule
    /// `name` imported; the ImportError names a module that is still
    /// initializing (an import cycle).
    func importFrom(_ m: Value, _ name: String) throws -> Value {
        guard case .obj(let o) = m else {
            throw importError("cannot import name '\(name)'")
        }
        if let v = try o.getAttr(name, self) { return v }
        guard let module = o as? PyUserModule else {
            let mn = (o as? PyModule)?.name ?? "?"
            throw importError("cannot import name '\(name)' from '\(mn)'")
        }
        if module.isPackage {
            let full = module.name + "." + name
            do {
                return try host.unsafelyUnwrapped.importModule(full)
            } catch let r as PyRaise
                where r.exception.type === PyType.moduleNotFoundError && r.exception.moduleName == full
            {
                // Not a submodule either: the ImportError below.
            }
        }
        // CPython 3.11's texts (ceval.c, import_from): a module without a file is "unknown location".
        guard let file = module.file else {
            throw importError("cannot import name '\(name)' from '\(module.name)' (unknown location)")
        }
        if module.initializing {
            throw importError(
                "cannot import name '\(name)' from partially initialized module '\(module.name)' "
                    + "(most likely due to a circular import) (\(file))")
        }
        throw importError("cannot import name '\(name)' from '\(module.name)' (\(file))")
    }

    private func importError(_ message: String) -> PyRaise {
        raise(PyException(type: .importError, args: [.str(message)]))
    }

    /// `ModuleNotFoundError: No module named 'name'` (with its `name` attribute), or the
    /// message CPython gives when the parent of a dotted name is not a package.
    public func moduleNotFound(_ name: String, parentIsNotAPackage parent: String? = nil) -> PyRaise {
        let message = "No module named '\(name)'" + (parent.map { "; '\($0)' is not a package" } ?? "")
        let e = PyException(type: .moduleNotFoundError, args: [.str(message)])
        e.attributes["name"] = .str(name)
        return raise(e)
    }
}

extension PyException {
    /// The `name` attribute of an ImportError: the module that was not found.
    package var moduleName: String? {
        if case .str(let s) = attributes["name"] { return s }
        return nil
    }
}
