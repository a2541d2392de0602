// The compiler's `del`, star-unpacking, displays with `*` and `**`, and
// annotations: CPython 3.11's code generation for them (compile.c), in
// this compiler's instructions.

extension FunctionCompiler {
    // MARK: del

    /// `del target`: names, attributes, subscripts (and slices), and tuples or lists of them, left to right.
    func compileDelete(_ t: Expr) {
        loc = t.loc
        switch t.kind {
        case .name(let n):
            switch resolve(n) {
            case .local(let i):
                // Loading first raises CPython's UnboundLocalError for an unbound local.
                emit(.loadFast(i))
                emit(.pop)
                emit(.deleteFast(i))
            case .cell(let i): emit(.deleteDeref(i))
            case .global(let i): emit(.deleteGlobal(i))
            }
        case .attribute(let o, let attr):
            compile(o)
            loc = t.loc
            emit(.deleteAttr(name(attr)))
        case .subscript(let o, let i):
            compile(o)
            compileIndex(i)
            loc = t.loc
            emit(.deleteSubscript)
        case .tuple(let items), .list(let items):
            for item in items { compileDelete(item) }
        default:
            unit.error(t.loc, "cannot delete expression")
        }
    }

    // MARK: Star-unpacking

    static func hasStarred(_ xs: [Expr]) -> Bool {
        xs.contains { if case .starred = $0.kind { return true } else { return false } }
    }

    /// `a, *rest, z = it` (`star` is the index of the starred target).
    func compileStarredStore(_ items: [Expr], _ star: Int, _ at: SourceLocation) {
        if items[(star + 1)...].contains(where: { if case .starred = $0.kind { return true } else { return false } }) {
            unit.error(at, "multiple starred expressions in assignment")
            return
        }
        emit(.unpackEx(before: Int32(star), after: Int32(items.count - star - 1)))
        for item in items {
            if case .starred(let inner) = item.kind { compileStore(inner) } else { compileStore(item) }
        }
    }

    /// `[*a, b]`, `(*a, b)`, `{*a, b}`: the items before the first star are
    /// built at once, the rest appended or merged one by one, left to right.
    func compileStarredDisplay(_ e: Expr) {
        let xs: [Expr]
        var isSet = false
        var isTuple = false
        switch e.kind {
        case .list(let items): xs = items
        case .tuple(let items):
            xs = items
            isTuple = true
        case .set(let items):
            xs = items
            isSet = true
        default: preconditionFailure("not a display")
        }
        let leading = xs.prefix { if case .starred = $0.kind { return false } else { return true } }
        for x in leading { compile(x) }
        loc = e.loc
        emit(isSet ? .buildSet(Int32(leading.count)) : .buildList(Int32(leading.count)))
        for x in xs[leading.count...] {
            if case .starred(let inner) = x.kind {
                compile(inner)
                loc = x.loc
                emit(isSet ? .setUpdate(1) : .listExtend(1))
            } else {
                compile(x)
                loc = x.loc
                emit(isSet ? .setAdd(1) : .listAppend(1))
            }
        }
        if isTuple { emit(.listToTuple) }
    }

    /// `{'a': 1, **m, 'b': 2}`: later keys win, as in CPython.
    func compileDictUnpacking(_ items: [(key: Expr?, value: Expr)], _ at: SourceLocation) {
        loc = at
        emit(.buildDict(0))
        for item in items {
            if let key = item.key {
                compile(key)
                compile(item.value)
                loc = at
                emit(.mapAdd(1))
            } else {
                compile(item.value)
                loc = item.value.loc
                emit(.dictUpdate(1))
            }
        }
    }

    // MARK: Annotations

    /// Whether a module body annotates a simple name anywhere outside its
    /// functions and classes (CPython's `find_ann`): then it starts with an
    /// empty `__annotations__`.
    static func hasSimpleAnnotations(_ body: [Stmt]) -> Bool {
        for s in body {
            switch s.kind {
            case .annAssign: return true
            case .if(_, let b, let o), .while(_, let b, let o), .for(_, _, let b, let o), .asyncFor(_, _, let b, let o):
                if hasSimpleAnnotations(b) || hasSimpleAnnotations(o) { return true }
            case .with(_, let b, _):
                if hasSimpleAnnotations(b) { return true }
            case .try(let b, let handlers, let o, let f):
                if hasSimpleAnnotations(b) || hasSimpleAnnotations(o) || hasSimpleAnnotations(f) { return true }
                for h in handlers where hasSimpleAnnotations(h.body) { return true }
            default: break
            }
        }
        return false
    }

    func emitSetupAnnotations() {
        emit(.buildDict(0))
        store("__annotations__")
    }

    /// `x: T = v` binds like `x = v`; a module or class body also evaluates T
    /// and records it in its `__annotations__` for a simple name (as a string
    /// under `from __future__ import annotations`). Functions evaluate nothing
    /// but the value.
    func compileAnnAssign(_ target: Expr, _ annotation: Expr, _ value: Expr?, simple: Bool) {
        if let value {
            compile(value)
            compileStore(target)
        } else if scope.kind == .module || scope.kind == .classBody {
            // Without a value, the target's own parts are still evaluated.
            switch target.kind {
            case .attribute(let o, _):
                compile(o)
                emit(.pop)
            case .subscript(let o, let i):
                compile(o)
                emit(.pop)
                compileIndex(i)
                emit(.pop)
            default: break
            }
        }
        guard scope.kind == .module || scope.kind == .classBody, !isExpect else { return }
        loc = annotation.loc
        if simple, case .name(let n) = target.kind {
            if unit.futureAnnotations {
                emit(.loadConst(constant(.string(annotationText(annotation)))))
            } else {
                compile(annotation)
            }
            load("__annotations__")
            emit(.loadConst(constant(.string(n))))
            emit(.storeSubscript)
        } else if !unit.futureAnnotations {
            compile(annotation)
            emit(.pop)
        }
    }

    /// The annotations of a `def`, evaluated (and dropped) when it runs, after
    /// its defaults, as CPython 3.11 evaluates them; none under
    /// `from __future__ import annotations`.
    func compileParameterAnnotations(_ p: Parameters, returns: Expr?) {
        if unit.futureAnnotations { return }
        var all = p.positional.compactMap(\.annotation)
        if let a = p.varargsAnnotation { all.append(a) }
        all += p.keywordOnly.compactMap(\.annotation)
        if let a = p.kwargsAnnotation { all.append(a) }
        if let returns { all.append(returns) }
        for a in all {
            compile(a)
            emit(.pop)
        }
    }

    /// `from __future__ import annotations` (the one feature a trace may ask for).
    func compileFutureImport(_ names: [ImportName], _ at: SourceLocation) {
        guard unit.futureImportsAllowed.contains(at) else {
            unit.error(at, "from __future__ imports must occur at the beginning of the file")
            return
        }
        for n in names {
            switch n.name {
            case "annotations": unit.futureAnnotations = true
            // Features that every Python 3.11 program has: no-ops.
            case "nested_scopes", "generators", "division", "absolute_import", "with_statement", "print_function",
                "unicode_literals", "generator_stop":
                break
            case "braces": unit.error(at, "not a chance")
            case "barry_as_FLUFL": unit.error(at, "from __future__ import barry_as_FLUFL is not supported in a trace")
            default: unit.error(at, "future feature \(n.name) is not defined")
            }
        }
    }

    /// The `from __future__ import` statements CPython accepts: those at the
    /// top of a module, after its docstring and each other.
    static func futureImportPrefix(_ body: [Stmt]) -> Set<SourceLocation> {
        var allowed: Set<SourceLocation> = []
        for (i, s) in body.enumerated() {
            if case .importFrom("__future__", _) = s.kind {
                allowed.insert(s.loc)
            } else if i == 0, case .expr(let e) = s.kind, case .string = e.kind {
                continue
            } else {
                break
            }
        }
        return allowed
    }

    /// The source form of an annotation, as `from __future__ import annotations`
    /// stores it (CPython's unparse, for the expressions annotations use).
    func annotationText(_ e: Expr) -> String {
        switch e.kind {
        case .none: return "None"
        case .ellipsis: return "..."
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return String(d)
        case .string(let s): return "'" + s.replacingOccurrences(of: "'", with: "\\'") + "'"
        case .name(let n): return n
        case .attribute(let o, let a): return annotationText(o) + "." + a
        case .subscript(let o, let i):
            if case .tuple(let xs) = i.kind, !xs.isEmpty {
                return annotationText(o) + "[" + xs.map(annotationText).joined(separator: ", ") + "]"
            }
            return annotationText(o) + "[" + annotationText(i) + "]"
        case .binary(let op, let a, let b): return annotationText(a) + " \(op.rawValue) " + annotationText(b)
        case .tuple(let xs):
            return "(" + xs.map(annotationText).joined(separator: ", ") + (xs.count == 1 ? ",)" : ")")
        case .list(let xs): return "[" + xs.map(annotationText).joined(separator: ", ") + "]"
        case .call(let f, let args):
            let parts: [String] = args.map {
                switch $0 {
                case .positional(let x): return annotationText(x)
                case .keyword(let k, let x): return k + "=" + annotationText(x)
                case .star(let x): return "*" + annotationText(x)
                case .doubleStar(let x): return "**" + annotationText(x)
                }
            }
            return annotationText(f) + "(" + parts.joined(separator: ", ") + ")"
        default: return "..."
        }
    }
}
