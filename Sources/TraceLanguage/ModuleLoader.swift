import Foundation

/// A module of the user's own that a trace may import: a `.py` file, a
/// package's `__init__.py`, or a namespace package (a folder without one),
/// found in the trace's search paths and compiled once per trace.
public struct UserModule: Sendable {
    /// The absolute dotted name (`ordersvc.service`).
    public let name: String
    /// Its source; nil for a namespace package, which has no code.
    public let file: SourceFile?
    /// Its code, compiled as a module of that name; nil for a namespace package.
    public let compiled: CompiledModule?
    /// True for a package (a folder with or without `__init__.py`).
    public let isPackage: Bool
    /// Where a package's submodules are looked for (CPython's `__path__`);
    /// empty for a module.
    public let folders: [String]
    /// The slot of each global name of its code (its attributes as a module).
    public let globalIndex: [String: Int]

    /// The package its relative imports start from (`__package__`).
    public var package: String {
        CompilationTarget.module(name: name, isPackage: isPackage).package ?? ""
    }
}

/// The user's modules a trace can import: every module its `import`
/// statements (and theirs, transitively) name that a search path holds,
/// read and compiled when the trace is loaded. Replays read no file: a
/// module that is not here is not importable (`ModuleNotFoundError`).
public struct ModuleTable: Sendable {
    /// The modules by absolute name.
    public private(set) var modules: [String: UserModule] = [:]
    /// Their names in the order they were loaded.
    public private(set) var order: [String] = []
    /// The folders searched, in order (the trace's own folder first).
    public let searchPaths: [String]

    public init(searchPaths: [String] = []) {
        self.searchPaths = searchPaths
    }

    public subscript(name: String) -> UserModule? { modules[name] }

    /// The source files of the modules, in load order (namespace packages have none).
    public var files: [SourceFile] { order.compactMap { modules[$0]?.file } }

    mutating func add(_ m: UserModule) {
        modules[m.name] = m
        order.append(m.name)
    }
}

/// Finds, reads and compiles the modules a trace imports, as CPython's path
/// finder would find them: for a top-level name, each search path in order,
/// where a folder with `__init__.py` (a package) comes before `NAME.py` (a
/// module), which comes before a folder without `__init__.py` (a portion of a
/// namespace package, which only counts when no search path holds a package
/// or module of that name); a submodule only in its package's folders.
/// Names whose top-level part is a built-in module are never looked up.
/// Source is read only from the search paths.
struct ModuleLoader {
    let searchPaths: [String]
    let builtinModules: Set<String>
    private(set) var table: ModuleTable
    /// The modules found that have errors, and their errors; such a module
    /// is not in `table`, but the modules it imports are still loaded.
    private(set) var invalid = InvalidSource(files: [], diagnostics: [])
    /// Names looked up and not found (so each is looked up once).
    private var missing: Set<String> = []

    init(searchPaths: [String], builtinModules: Set<String>) {
        self.searchPaths = searchPaths
        self.builtinModules = builtinModules
        self.table = ModuleTable(searchPaths: searchPaths)
    }

    /// Loads every module that `imports` may reach, and theirs.
    mutating func load(_ imports: [String]) throws(TraceLoader.Failure) {
        var work = imports
        var next = 0
        while next < work.count {
            let name = work[next]
            next += 1
            var prefix = ""
            for part in name.split(separator: ".") {
                prefix = prefix.isEmpty ? String(part) : prefix + "." + part
                if builtinModules.contains(prefix) || missing.contains(prefix) { break }
                if table[prefix] != nil { continue }
                guard let m = try find(prefix) else {
                    missing.insert(prefix)
                    break
                }
                guard m.isValid else {
                    // Checked once; what it imports is checked too.
                    missing.insert(prefix)
                    work += m.imports
                    break
                }
                table.add(m.module)
                work += m.module.compiled?.imports ?? []
            }
        }
    }

    /// The module `name` from the search paths (top level) or its package's folders.
    private mutating func find(_ name: String) throws(TraceLoader.Failure) -> Found? {
        let last: String
        let folders: [String]
        if let dot = name.lastIndex(of: ".") {
            guard let parent = table[String(name[..<dot])], parent.isPackage else { return nil }
            folders = parent.folders
            last = String(name[name.index(after: dot)...])
        } else {
            folders = searchPaths
            last = name
        }
        var portions: [String] = []
        let fm = FileManager.default
        for folder in folders {
            let base = Self.join(folder, last)
            var isDir: ObjCBool = false
            let baseIsFolder = fm.fileExists(atPath: base, isDirectory: &isDir) && isDir.boolValue
            if baseIsFolder {
                let initFile = Self.join(base, "__init__.py")
                if Self.isFile(initFile) {
                    return try compile(name, path: initFile, isPackage: true, folders: [base])
                }
            }
            let moduleFile = base + ".py"
            if Self.isFile(moduleFile) { return try compile(name, path: moduleFile, isPackage: false, folders: []) }
            if baseIsFolder { portions.append(base) }
        }
        guard !portions.isEmpty else { return nil }
        return Found(
            module: UserModule(
                name: name, file: nil, compiled: nil, isPackage: true, folders: portions, globalIndex: [:]),
            isValid: true, imports: [])
    }

    /// A module found on disk; when it has errors (recorded in `invalid`),
    /// `isValid` is false and `imports` still lists what it imports.
    private struct Found {
        var module: UserModule
        var isValid: Bool
        var imports: [String]
    }

    private mutating func compile(
        _ name: String, path: String, isPackage: Bool, folders: [String]
    ) throws(TraceLoader.Failure) -> Found {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable("cannot read \(path)") }
        let file = SourceFile(path: path, data: data)
        let result = TraceLoader.compile(file, target: .module(name: name, isPackage: isPackage))
        var index: [String: Int] = [:]
        for (i, n) in (result.compiled?.globalNames ?? []).enumerated() { index[n] = i }
        if !result.diagnostics.isEmpty {
            invalid.files.append(file)
            invalid.diagnostics += result.diagnostics
        }
        let module = UserModule(
            name: name, file: file, compiled: result.compiled, isPackage: isPackage, folders: folders,
            globalIndex: index)
        return Found(module: module, isValid: result.compiled != nil, imports: result.imports)
    }

    private static func isFile(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue
    }

    /// `folder/name`, or `name` alone in the current folder (as the trace's path would be written).
    static func join(_ folder: String, _ name: String) -> String {
        if folder.isEmpty || folder == "." { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
