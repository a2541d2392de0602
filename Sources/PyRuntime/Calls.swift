import RunModel
import TraceLanguage

// Calling a function: a frame for it, with the arguments bound to its
// parameters as Python binds them, errors included.

extension Interpreter {
    package func callFunction(_ fn: PyFunction, _ args: Args) throws -> Value {
        let code = fn.code
        if code.isCoroutine {
            let frame = try makeFrame(fn, args)
            if code.isGenerator { return .obj(PyAsyncGenerator(frame: frame, name: fn.name, vm: self)) }
            return .obj(PyCoroutine(frame: frame, name: fn.name, vm: self, closer: pendingCloses))
        }
        if code.isGenerator {
            return .obj(PyGenerator(frame: try makeFrame(fn, args), name: fn.name, closer: pendingCloses))
        }
        let v = try runPlainFunction(fn, args)
        // The function's frame and locals are gone: close what only they held, before the caller goes on.
        if pendingCloses.pending { try runPendingCloses() }
        return v
    }

    /// A plain function's call, in a function of its own so that its frame is
    /// released when this returns.
    @inline(never)
    private func runPlainFunction(_ fn: PyFunction, _ args: Args) throws -> Value {
        let frame = try makeFrame(fn, args)
        guard case .returned(let v) = try execute(frame, .send(.none)) else {
            preconditionFailure("a plain function yielded")
        }
        return v
    }

    /// Binds arguments to parameters as Python does, with its error messages.
    package func makeFrame(_ fn: PyFunction, _ args: Args) throws -> Frame {
        let code = fn.code
        let frame = Frame(runtime: fn.runtime, globals: fn.globals, cells: [])
        let np = code.positionalCount
        let given = args.positional.count
        if args.keywords.isEmpty && given == np && !code.hasVarargs && code.keywordOnly.isEmpty {
            for i in 0..<np { frame.locals[i] = args.positional[i] }
            if code.hasKwargs { frame.locals[np] = .obj(PyDict()) }
        } else {
            var locals = [Value](repeating: .undefined, count: code.localNames.count)
            try bindSlow(fn, args, &locals)
            for i in locals.indices { frame.locals[i] = locals[i] }
        }
        if !code.cellNames.isEmpty || !fn.closure.isEmpty {
            var cells: [PyCell] = []
            cells.reserveCapacity(code.cellNames.count + fn.closure.count)
            for _ in code.cellNames { cells.append(PyCell()) }
            for (ci, li) in code.cellParameters { cells[Int(ci)].value = frame.locals[Int(li)] }
            cells += fn.closure
            frame.cells = cells
        }
        return frame
    }

    private func bindSlow(_ fn: PyFunction, _ args: Args, _ locals: inout [Value]) throws {
        let code = fn.code
        let np = code.positionalCount
        // CPython 3.11 names the function by its `__qualname__`, which may have been assigned.
        var name = fn.code.qualifiedName
        if case .str(let q)? = fn.extras?.dunders["__qualname__"] { name = q }
        let given = args.positional.count
        if given > np && !code.hasVarargs {
            let required = np - fn.defaults.count
            let takes = fn.defaults.isEmpty ? "\(np)" : "from \(required) to \(np)"
            throw error(
                .typeError,
                "\(name)() takes \(takes) positional argument\(np == 1 && fn.defaults.isEmpty ? "" : "s") but \(given) \(given == 1 ? "was" : "were") given"
            )
        }
        for i in 0..<min(given, np) { locals[i] = args.positional[i] }
        var slot = np
        if code.hasVarargs {
            locals[slot] = .obj(PyTuple(given > np ? Array(args.positional[np...]) : []))
            slot += 1
        }
        let kwStart = slot
        slot += code.keywordOnly.count
        var extra: PyDict?
        if code.hasKwargs {
            extra = PyDict()
            locals[slot] = .obj(extra!)
        }
        for (k, v) in args.keywords {
            if let i = code.parameters.prefix(np).firstIndex(of: k) {
                if !isUndefined(locals[i]) {
                    throw error(.typeError, "\(name)() got multiple values for argument '\(k)'")
                }
                locals[i] = v
            } else if let i = code.keywordOnly.firstIndex(of: k) {
                locals[kwStart + i] = v
            } else if let extra {
                try extra.setItem(.str(k), v, self)
            } else {
                throw error(.typeError, "\(name)() got an unexpected keyword argument '\(k)'")
            }
        }
        let firstDefault = np - fn.defaults.count
        var missing: [String] = []
        for i in 0..<np where isUndefined(locals[i]) {
            if i >= firstDefault {
                locals[i] = fn.defaults[i - firstDefault]
            } else {
                missing.append(code.parameters[i])
            }
        }
        if !missing.isEmpty { throw missingError(name, missing, "positional") }
        for (i, k) in code.keywordOnly.enumerated() where isUndefined(locals[kwStart + i]) {
            if let d = fn.kwDefaults[k] { locals[kwStart + i] = d } else { missing.append(k) }
        }
        if !missing.isEmpty { throw missingError(name, missing, "keyword-only") }
    }

    private func missingError(_ name: String, _ missing: [String], _ kind: String) -> PyRaise {
        let quoted = missing.map { "'\($0)'" }
        let list: String
        switch quoted.count {
        case 1: list = quoted[0]
        case 2: list = "\(quoted[0]) and \(quoted[1])"
        default: list = quoted.dropLast().joined(separator: ", ") + ", and " + quoted.last!
        }
        return error(
            .typeError,
            "\(name)() missing \(missing.count) required \(kind) argument\(missing.count == 1 ? "" : "s"): \(list)")
    }
}
