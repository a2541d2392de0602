/// Name resolution: which names of each function are locals, cells (locals
/// that inner functions capture), free (captured from an enclosing function)
/// or globals. The same rules as CPython's symtable, for the constructs of
/// the subset.

final class Scope {
    enum Kind { case module, function, lambda, comprehension, classBody }

    let kind: Kind
    let key: ScopeKey
    @exclusivity(unchecked) var parameters: [String] = []
    /// Names bound here, in order of first binding.
    @exclusivity(unchecked) var bound: [String] = []
    @exclusivity(unchecked) var boundSet: Set<String> = []
    @exclusivity(unchecked) var used: Set<String> = []
    @exclusivity(unchecked) var globals: Set<String> = []
    @exclusivity(unchecked) var nonlocals: [(String, SourceLocation)] = []
    /// What the scope did with each name so far, while the builder walks it
    /// (for the checks of `global` and `nonlocal`, ScopeDeclarations.swift).
    @exclusivity(unchecked) var flags: [String: NameFlags] = [:]
    /// Where each name was first declared `global` or `nonlocal`.
    @exclusivity(unchecked) var firstDirective: [String: SourceLocation] = [:]
    @exclusivity(unchecked) var children: [Scope] = []
    /// A comprehension's iteration variables, which `:=` may not rebind.
    @exclusivity(unchecked) var iterationNames: Set<String> = []
    /// The scope this one is nested in (nil for the module).
    @exclusivity(unchecked) weak var parent: Scope?
    @exclusivity(unchecked) var isGenerator = false
    @exclusivity(unchecked) var isAsync = false

    // Filled by `resolve`.
    @exclusivity(unchecked) var locals: [String] = []
    @exclusivity(unchecked) var cells: [String] = []
    @exclusivity(unchecked) var frees: [String] = []

    init(kind: Kind, key: ScopeKey) {
        self.kind = kind
        self.key = key
    }

    /// Binds `name` here; `local` is false for an import (CPython's
    /// `DEF_IMPORT`, which `global` after it does not reject).
    func bind(_ name: String, local: Bool = true) {
        if boundSet.insert(name).inserted { bound.append(name) }
        if local { flags[name, default: []].insert(.local) }
    }
}

/// Identifies the node that opens a scope: its position and what it is.
struct ScopeKey: Hashable {
    var line: Int
    var column: Int
    var tag: Int
}

/// Walks the tree once to record, for every scope, what it binds and uses.
struct ScopeBuilder {
    var scopes: [ScopeKey: Scope] = [:]
    var diagnostics: [(SourceLocation, String)] = []

    mutating func build(_ module: Module) -> Scope {
        let root = Scope(kind: .module, key: ScopeKey(line: 0, column: 0, tag: 0))
        for s in module.body { visit(s, root) }
        resolve(root, enclosing: [])
        return root
    }

    static func key(_ loc: SourceLocation, _ tag: Int) -> ScopeKey {
        ScopeKey(line: loc.line, column: loc.column, tag: tag)
    }

    private mutating func newScope(_ kind: Scope.Kind, _ key: ScopeKey, parent: Scope) -> Scope {
        let s = Scope(kind: kind, key: key)
        s.parent = parent
        parent.children.append(s)
        scopes[key] = s
        return s
    }

    private mutating func visit(_ stmts: [Stmt], _ scope: Scope) {
        for s in stmts { visit(s, scope) }
    }

    private mutating func visit(_ stmt: Stmt, _ scope: Scope) {
        switch stmt.kind {
        case .expr(let e): visit(e, scope)
        case .assign(let targets, let value):
            visit(value, scope)
            for t in targets { visitTarget(t, scope) }
        case .augAssign(let target, _, let value):
            visit(value, scope)
            if case .name(let n) = target.kind { scope.used.insert(n) }
            visitTarget(target, scope)
        case .if(let test, let body, let orElse), .while(let test, let body, let orElse):
            visit(test, scope)
            visit(body, scope)
            visit(orElse, scope)
        case .for(let target, let iter, let body, let orElse):
            visit(iter, scope)
            visitTarget(target, scope)
            visit(body, scope)
            visit(orElse, scope)
        case .break, .continue, .pass: break
        case .return(let e): if let e { visit(e, scope) }
        case .raise(let e, let cause):
            if let e { visit(e, scope) }
            if let cause { visit(cause, scope) }
        case .try(let body, let handlers, let orElse, let fin):
            visit(body, scope)
            for h in handlers {
                if let t = h.type { visit(t, scope) }
                if let n = h.name { scope.bind(n) }
                visit(h.body, scope)
            }
            visit(orElse, scope)
            visit(fin, scope)
        case .assert(let test, let message):
            visit(test, scope)
            if let message { visit(message, scope) }
        case .with(let items, let body, _):
            for item in items {
                visit(item.context, scope)
                if let t = item.target { visitTarget(t, scope) }
            }
            visit(body, scope)
        case .functionDef(let f):
            for d in f.decorators { visit(d, scope) }
            for p in f.parameters.positional + f.parameters.keywordOnly {
                if let d = p.defaultValue { visit(d, scope) }
            }
            for a in visitAnnotations(f.parameters, f.returns, scope) { visit(a, scope) }
            scope.bind(f.name)
            let child = newScope(.function, Self.key(stmt.loc, 1), parent: scope)
            child.isAsync = f.isAsync
            declare(f.parameters, child)
            visit(f.body, child)
        case .classDef(let c):
            for d in c.decorators { visit(d, scope) }
            for b in c.bases { visit(b, scope) }
            scope.bind(c.name)
            let child = newScope(.classBody, Self.key(stmt.loc, 7), parent: scope)
            if FunctionCompiler.hasSimpleAnnotations(c.body) { child.bind("__annotations__") }
            visit(c.body, child)
        case .global(let names):
            declare(names, global: true, at: stmt.loc, in: scope)
            for n in names { scope.globals.insert(n) }
        case .nonlocal(let names):
            declare(names, global: false, at: stmt.loc, in: scope)
            for n in names { scope.nonlocals.append((n, stmt.loc)) }
        case .import(let names):
            for n in names {
                scope.bind(n.asName ?? String(n.name.split(separator: ".").first ?? ""), local: false)
            }
        case .importFrom(_, let names):
            for n in names { scope.bind(n.asName ?? n.name, local: false) }
        case .delete(let targets):
            for t in targets { visitTarget(t, scope) }
        case .annAssign(let target, let annotation, let value, let simple):
            // Only a module evaluates the annotations of its variables.
            if scope.kind == .module || scope.kind == .classBody { visit(annotation, scope) }
            if simple, case .name(let n) = target.kind { annotate(n, at: stmt.loc, in: scope) }
            if let value { visit(value, scope) }
            visitTarget(target, scope)
        case .asyncFor(let target, let iter, let body, let orElse):
            visit(iter, scope)
            visitTarget(target, scope)
            visit(body, scope)
            visit(orElse, scope)
        case .match(let subject, let cases):
            visit(subject, scope)
            for c in cases {
                visitPattern(c.pattern, scope)
                if let g = c.guardExpr { visit(g, scope) }
                visit(c.body, scope)
            }
        }
    }

    private mutating func visitPattern(_ p: Pattern, _ scope: Scope) {
        switch p.kind {
        case .value(let e), .singleton(let e): visit(e, scope)
        case .capture(let n), .star(let n): if let n { scope.bind(n) }
        case .sequence(let items), .or(let items): for i in items { visitPattern(i, scope) }
        case .mapping(let keys, let patterns, let rest):
            for k in keys { visit(k, scope) }
            for i in patterns { visitPattern(i, scope) }
            if let rest { scope.bind(rest) }
        case .classPattern(let cls, let positional, let keywords):
            visit(cls, scope)
            for i in positional { visitPattern(i, scope) }
            for k in keywords { visitPattern(k.pattern, scope) }
        case .asPattern(let inner, let n):
            visitPattern(inner, scope)
            scope.bind(n)
        }
    }

    /// `name := value` inside comprehensions binds in the nearest scope that is
    /// not a comprehension; the comprehensions in between reach it as a
    /// global (at module level) or a free variable.
    private mutating func bindNamed(_ name: String, _ scope: Scope, _ loc: SourceLocation) {
        guard scope.kind == .comprehension else {
            scope.bind(name)
            return
        }
        var owner: Scope = scope
        var between: [Scope] = []
        while owner.kind == .comprehension, let p = owner.parent {
            if owner.iterationNames.contains(name) {
                diagnostics.append(
                    (loc, "assignment expression cannot rebind comprehension iteration variable '\(name)'"))
                return
            }
            between.append(owner)
            owner = p
        }
        if owner.kind == .classBody {
            diagnostics.append((loc, "assignment expression within a comprehension cannot be used in a class body"))
            return
        }
        owner.bind(name)
        for c in between {
            if owner.kind == .module {
                c.globals.insert(name)
            } else if !c.nonlocals.contains(where: { $0.0 == name }) {
                c.nonlocals.append((name, loc))
            }
        }
    }

    private func visitAnnotations(_ p: Parameters, _ returns: Expr?, _ scope: Scope) -> [Expr] {
        var out = (p.positional + p.keywordOnly).compactMap(\.annotation)
        if let a = p.varargsAnnotation { out.append(a) }
        if let a = p.kwargsAnnotation { out.append(a) }
        if let returns { out.append(returns) }
        return out
    }

    private func declare(_ p: Parameters, _ scope: Scope) {
        var names = p.positional.map(\.name)
        if let v = p.varargs { names.append(v) }
        names += p.keywordOnly.map(\.name)
        if let k = p.kwargs { names.append(k) }
        scope.parameters = names
        for n in names {
            scope.bind(n)
            scope.flags[n, default: []].insert(.parameter)
        }
    }

    private mutating func visitTarget(_ e: Expr, _ scope: Scope) {
        switch e.kind {
        case .name(let n):
            if n == "__debug__" { diagnostics.append((e.loc, "cannot assign to __debug__")) }
            scope.bind(n)
        case .tuple(let items), .list(let items): for i in items { visitTarget(i, scope) }
        case .starred(let inner): visitTarget(inner, scope)
        case .attribute(let o, _): visit(o, scope)
        case .subscript(let o, let i):
            visit(o, scope)
            visit(i, scope)
        default: visit(e, scope)
        }
    }

    private func collectNames(_ e: Expr, into names: inout Set<String>) {
        switch e.kind {
        case .name(let n): names.insert(n)
        case .tuple(let items), .list(let items): for i in items { collectNames(i, into: &names) }
        case .starred(let inner): collectNames(inner, into: &names)
        default: break
        }
    }

    private mutating func visitComprehension(
        _ e: Expr, _ tag: Int, _ generators: [Comprehension],
        _ elements: [Expr], _ scope: Scope
    ) {
        // The first iterable is evaluated in the enclosing scope.
        visit(generators[0].iter, scope)
        let child = newScope(.comprehension, Self.key(e.loc, tag), parent: scope)
        child.parameters = [".0"]
        child.bind(".0")
        child.isGenerator = tag == 5
        for (i, g) in generators.enumerated() {
            if i > 0 { visit(g.iter, child) }
            if g.isAsync { child.isAsync = true }
            collectNames(g.target, into: &child.iterationNames)
            visitTarget(g.target, child)
            for c in g.ifs { visit(c, child) }
        }
        for el in elements { visit(el, child) }
        // An asynchronous list, set or dict comprehension is awaited where it
        // stands, which makes an enclosing comprehension asynchronous too.
        if child.isAsync && tag != 5 && scope.kind == .comprehension { scope.isAsync = true }
    }

    private mutating func visit(_ e: Expr, _ scope: Scope) {
        switch e.kind {
        case .none, .bool, .int, .float, .string, .bytes, .ellipsis: break
        case .fstring(let parts): visitParts(parts, scope)
        case .name(let n):
            scope.used.insert(n)
            scope.flags[n, default: []].insert(.used)
            // As in CPython, a function that names `super` closes over the
            // `__class__` cell of the class it is defined in (zero-argument super()).
            if n == "super" { scope.used.insert("__class__") }
        case .attribute(let o, _): visit(o, scope)
        case .call(let f, let args):
            visit(f, scope)
            for a in args {
                switch a {
                case .positional(let x), .keyword(_, let x), .star(let x), .doubleStar(let x): visit(x, scope)
                }
            }
        case .subscript(let o, let i):
            visit(o, scope)
            visit(i, scope)
        case .slice(let a, let b, let c):
            for x in [a, b, c] { if let x { visit(x, scope) } }
        case .list(let xs), .tuple(let xs), .set(let xs): for x in xs { visit(x, scope) }
        case .dict(let pairs):
            for p in pairs {
                visit(p.key, scope)
                visit(p.value, scope)
            }
        case .listComp(let el, let gens): visitComprehension(e, 2, gens, [el], scope)
        case .setComp(let el, let gens): visitComprehension(e, 3, gens, [el], scope)
        case .dictComp(let k, let v, let gens): visitComprehension(e, 4, gens, [k, v], scope)
        case .generatorExp(let el, let gens): visitComprehension(e, 5, gens, [el], scope)
        case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b):
            visit(a, scope)
            visit(b, scope)
        case .unary(_, let a): visit(a, scope)
        case .compare(let a, let rest):
            visit(a, scope)
            for (_, x) in rest { visit(x, scope) }
        case .conditional(let t, let b, let o):
            visit(t, scope)
            visit(b, scope)
            visit(o, scope)
        case .lambda(let params, let body):
            for p in params.positional + params.keywordOnly {
                if let d = p.defaultValue { visit(d, scope) }
            }
            let child = newScope(.lambda, Self.key(e.loc, 6), parent: scope)
            declare(params, child)
            visit(body, child)
        case .await(let x):
            if scope.kind == .comprehension { scope.isAsync = true }
            visit(x, scope)
        case .starred(let x): visit(x, scope)
        case .namedExpr(let n, let value):
            visit(value, scope)
            scope.used.insert(n)
            bindNamed(n, scope, e.loc)
        case .dictUnpacking(let items):
            for item in items {
                if let k = item.key { visit(k, scope) }
                visit(item.value, scope)
            }
        case .yield(let x):
            scope.isGenerator = true
            if let x { visit(x, scope) }
        case .yieldFrom(let x):
            scope.isGenerator = true
            visit(x, scope)
        }
    }

    private mutating func visitParts(_ parts: [FStringPart], _ scope: Scope) {
        for p in parts {
            if case .field(let e, _, let spec) = p {
                visit(e, scope)
                if let spec { visitParts(spec, scope) }
            }
        }
    }

    /// Decides locals, cells and frees, top down; returns the free names of `scope`.
    @discardableResult
    private mutating func resolve(_ scope: Scope, enclosing: [Scope]) -> Set<String> {
        if scope.kind == .module {
            for (n, loc) in scope.nonlocals {
                _ = n
                diagnostics.append((loc, "nonlocal declaration not allowed at module level"))
            }
            for c in scope.children { resolve(c, enclosing: []) }
            return []
        }
        let nonlocalNames = Set(scope.nonlocals.map(\.0))
        for (n, loc) in scope.nonlocals where !enclosing.contains(where: { $0.localSet.contains(n) }) {
            diagnostics.append((loc, "no binding for nonlocal '\(n)' found"))
        }
        scope.locals = scope.parameters
        for n in scope.bound
        where !scope.globals.contains(n) && !nonlocalNames.contains(n)
            && !scope.parameters.contains(n)
        {
            scope.locals.append(n)
        }
        let localSet = Set(scope.locals)
        var childFree = Set<String>()
        // As in CPython, the functions of a class body do not see its names
        // (methods reach class attributes through `self`).
        // They see its `__class__` cell, though, which holds the class once made.
        let isClass = scope.kind == .classBody
        let classCell = Scope(kind: .function, key: scope.key)
        classCell.locals = ["__class__"]
        for c in scope.children {
            childFree.formUnion(resolve(c, enclosing: isClass ? enclosing + [classCell] : enclosing + [scope]))
        }
        if isClass {
            scope.cells = childFree.contains("__class__") ? ["__class__"] : []
            childFree.remove("__class__")
        } else {
            scope.cells = scope.locals.filter { childFree.contains($0) }
        }
        var free = [String]()
        var seen = Set<String>()
        func enclosingBinds(_ n: String) -> Bool { enclosing.contains { $0.localSet.contains(n) } }
        for n in scope.nonlocals.map(\.0) where enclosingBinds(n) && seen.insert(n).inserted { free.append(n) }
        for n in scope.used.sorted()
        where !localSet.contains(n) && !scope.globals.contains(n)
            && enclosingBinds(n) && seen.insert(n).inserted
        {
            free.append(n)
        }
        for n in childFree.sorted()
        where (isClass || !localSet.contains(n)) && !scope.globals.contains(n)
            && enclosingBinds(n) && seen.insert(n).inserted
        {
            free.append(n)
        }
        scope.frees = free
        return Set(free)
    }
}

extension Scope {
    var localSet: Set<String> { Set(locals) }
}
