/// What a compiled file is: the trace itself (run as `__main__`), or a module
/// that the trace imports, with its absolute name.
public enum CompilationTarget: Sendable, Equatable {
    case trace
    /// A module (`pkg.mod`), or a package's `__init__.py` (`isPackage`).
    case module(name: String, isPackage: Bool)

    /// The module's name; nil for the trace.
    public var moduleName: String? {
        if case .module(let name, _) = self { return name }
        return nil
    }

    /// The package a relative import starts from (CPython's `__package__`):
    /// the package itself, or the module's parent; "" for a top-level
    /// module, nil for the trace.
    public var package: String? {
        guard case .module(let name, let isPackage) = self else { return nil }
        if isPackage { return name }
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[..<dot])
    }

    /// The absolute name of `module` as written in `from module import ...`
    /// (leading dots for a relative import), or the ImportError message
    /// CPython gives when it cannot be resolved.
    public func resolve(_ module: String) -> Result<String, ImportFailure> {
        let level = module.prefix { $0 == "." }.count
        guard level > 0 else { return .success(module) }
        let rest = module.dropFirst(level)
        guard let package, !package.isEmpty else {
            return .failure(ImportFailure(message: "attempted relative import with no known parent package"))
        }
        let parts = package.split(separator: ".")
        guard level - 1 < parts.count else {
            return .failure(ImportFailure(message: "attempted relative import beyond top-level package"))
        }
        let base = parts.dropLast(level - 1).joined(separator: ".")
        return .success(rest.isEmpty ? base : base + "." + rest)
    }
}

/// Why a relative import cannot be resolved: the text of CPython's ImportError.
public struct ImportFailure: Error, Sendable, Equatable {
    public var message: String
}
