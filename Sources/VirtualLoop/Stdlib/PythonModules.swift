import Foundation
import PyRuntime
import TraceLanguage

/// The standard-library modules vloop provides as Python source
/// (`Stdlib/Python/*.py`, CPython 3.11.7's own code where the interpreter
/// runs it, each file's header saying what changed). Each runs like a
/// user's module: its globals are the module's attributes, its `import`s are
/// ordinary imports (of the native helpers CPython's code expects, such as
/// `_collections`, or of other modules), and its frames are internal (left
/// out of tracebacks). Registered here once; `World.builtinModules` takes
/// every name of this table.
package enum PythonModules {
    /// One module's source, as SwiftPM embeds it.
    package struct Source: Sendable {
        /// The file in `Stdlib/Python` (a dotted name's dots are underscores).
        package let file: String
        package let bytes: [UInt8]
        /// True for a package (a module with submodules).
        package let isPackage: Bool

        init(_ file: String, _ bytes: [UInt8], isPackage: Bool = false) {
            self.file = file
            self.bytes = bytes
            self.isPackage = isPackage
        }
    }

    /// The modules, by absolute dotted name.
    package static let sources: [String: Source] = [
        "__future__": Source("__future__.py", PackageResources.__future___py),
        "bisect": Source("bisect.py", PackageResources.bisect_py),
        "contextlib": Source("contextlib.py", PackageResources.contextlib_py),
        "dataclasses": Source("dataclasses.py", PackageResources.dataclasses_py),
        "typing": Source("typing.py", PackageResources.typing_py),
        "heapq": Source("heapq.py", PackageResources.heapq_py),
        "fnmatch": Source("fnmatch.py", PackageResources.fnmatch_py),
        "hashlib": Source("hashlib.py", PackageResources.hashlib_py),
        "hmac": Source("hmac.py", PackageResources.hmac_py),
        "json": Source("json.py", PackageResources.json_py, isPackage: true),
        "json.decoder": Source("json_decoder.py", PackageResources.json_decoder_py),
        "json.encoder": Source("json_encoder.py", PackageResources.json_encoder_py),
        "string": Source("string.py", PackageResources.string_py),
        "textwrap": Source("textwrap.py", PackageResources.textwrap_py),
        "urllib": Source("urllib.py", PackageResources.urllib_py, isPackage: true),
        "urllib.parse": Source("urllib_parse.py", PackageResources.urllib_parse_py),
        "abc": Source("abc.py", PackageResources.abc_py),
        "enum": Source("enum.py", PackageResources.enum_py),
        "collections": Source("collections.py", PackageResources.collections_py, isPackage: true),
        "collections.abc": Source("collections_abc.py", PackageResources.collections_abc_py),
        "itertools": Source("itertools.py", PackageResources.itertools_py),
        "operator": Source("operator.py", PackageResources.operator_py),
    ]

    /// A module compiled once per process, and the slot of each global name.
    package typealias Compiled = CompiledPrelude

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: Compiled] = [:]

    /// The module compiled (once per process; a module that does not compile
    /// is a bug of vloop). In debug builds, `VLOOP_STDLIB_DIR` names a folder
    /// its file is read from instead, so that editing it needs no rebuild.
    package static func compiled(_ name: String) -> Compiled {
        lock.lock()
        defer { lock.unlock() }
        if let c = cache[name] { return c }
        let c = PreludeSnapshots.stdlib(name).load()
        cache[name] = c
        return c
    }

    /// The module's source text (a module that is not in `sources` is a bug of vloop).
    package static func sourceText(_ name: String) -> String {
        guard let source = sources[name] else { preconditionFailure("no Python module \(name)") }
        return String(decoding: sourceBytes(source), as: UTF8.self)
    }

    /// The module compiled from `text` (a module that does not compile is a bug of vloop).
    package static func compile(_ name: String, source text: String) -> CompiledModule {
        let file = SourceFile(path: "<\(name)>", text: text)
        do {
            return try Compiler.compile(
                try Parser.parse(file), file: file, internalModule: name,
                target: .module(name: name, isPackage: sources[name]?.isPackage ?? false))
        } catch {
            fatalError("the \(name) module does not compile: \(error)")
        }
    }

    private static func sourceBytes(_ source: Source) -> [UInt8] {
        #if DEBUG
        if let dir = ProcessInfo.processInfo.environment["VLOOP_STDLIB_DIR"],
            let data = FileManager.default.contents(atPath: dir + "/" + source.file)
        {
            return [UInt8](data)
        }
        #endif
        return source.bytes
    }
}

extension World {
    /// Runs a module of `PythonModules` (once per run) and returns it.
    package func makePythonModule(_ name: String) throws -> PyUserModule {
        let compiled = PythonModules.compiled(name)
        let isPackage = PythonModules.sources[name]?.isPackage ?? false
        let module = PyUserModule(
            name: name, globalNames: compiled.module.globalNames, index: compiled.index,
            isPackage: isPackage, file: nil)
        module.isProvided = true
        try execute(module, compiled.module.code)
        return module
    }
}
