@testable import TraceLanguage

/// A compact S-expression rendering of the AST, for comparing trees in tests.
///
/// Expressions: names as themselves, literals as Python-ish text, every other
/// node as `(head children...)`; `_` marks an absent optional. Statements of a
/// body are listed inside their parent; top-level statements are joined by
/// newlines.
enum ASTDump {
    static func module(_ m: Module) -> String {
        m.body.map(stmt).joined(separator: "\n")
    }

    static func body(_ stmts: [Stmt]) -> String {
        "(" + stmts.map(stmt).joined(separator: " ") + ")"
    }

    static func opt(_ e: Expr?) -> String { e.map(expr) ?? "_" }

    static func stmt(_ s: Stmt) -> String {
        switch s.kind {
        case .expr(let e):
            return expr(e)
        case .assign(let targets, let value):
            return "(= " + (targets + [value]).map(expr).joined(separator: " ") + ")"
        case .augAssign(let target, let op, let value):
            return "(\(op.rawValue)= \(expr(target)) \(expr(value)))"
        case .if(let test, let b, let orElse):
            return "(if \(expr(test)) \(body(b))" + (orElse.isEmpty ? "" : " \(body(orElse))") + ")"
        case .while(let test, let b, let orElse):
            return "(while \(expr(test)) \(body(b))" + (orElse.isEmpty ? "" : " \(body(orElse))") + ")"
        case .for(let target, let iter, let b, let orElse):
            return "(for \(expr(target)) \(expr(iter)) \(body(b))" + (orElse.isEmpty ? "" : " \(body(orElse))") + ")"
        case .break:
            return "break"
        case .continue:
            return "continue"
        case .pass:
            return "pass"
        case .return(let e):
            return e.map { "(return \(expr($0)))" } ?? "(return)"
        case .raise(let e, let cause):
            return "(raise \(opt(e)) \(opt(cause)))"
        case .try(let b, let handlers, let orElse, let fin):
            let hs = handlers.map { h in
                "(except\(h.isStar ? "*" : "") \(opt(h.type)) \(h.name ?? "_") \(body(h.body)))"
            }
            return "(try \(body(b)) [" + hs.joined(separator: " ") + "] \(body(orElse)) \(body(fin)))"
        case .assert(let test, let message):
            return "(assert \(expr(test)) \(opt(message)))"
        case .with(let items, let b, let isAsync):
            let its = items.map { "(\(expr($0.context)) \(opt($0.target)))" }
            return "(\(isAsync ? "async-with" : "with") [" + its.joined(separator: " ") + "] \(body(b)))"
        case .functionDef(let f):
            return "(\(f.isAsync ? "async-def" : "def") \(f.name) \(params(f.parameters)) \(body(f.body)))"
        case .classDef(let c):
            return "(class \(c.name) (\(c.bases.map(expr).joined(separator: " "))) \(body(c.body)))"
        case .global(let names):
            return "(global " + names.joined(separator: " ") + ")"
        case .nonlocal(let names):
            return "(nonlocal " + names.joined(separator: " ") + ")"
        case .import(let names):
            return "(import " + names.map(importName).joined(separator: " ") + ")"
        case .importFrom(let module, let names):
            return "(from \(module) " + names.map(importName).joined(separator: " ") + ")"
        case .delete(let targets):
            return list("del", targets)
        case .annAssign(let target, let annotation, let value, let simple):
            return "(\(simple ? ":" : ":complex") \(expr(target)) \(expr(annotation)) \(opt(value)))"
        case .match(let subject, let cases):
            let cs = cases.map { c in
                "(case \(pattern(c.pattern))" + (c.guardExpr.map { " (if \(expr($0)))" } ?? "") + " \(body(c.body)))"
            }
            return "(match \(expr(subject)) " + cs.joined(separator: " ") + ")"
        case .asyncFor(let target, let iter, let b, let orElse):
            return "(async-for \(expr(target)) \(expr(iter)) \(body(b))" + (orElse.isEmpty ? "" : " \(body(orElse))")
                + ")"
        }
    }

    static func pattern(_ p: Pattern) -> String {
        switch p.kind {
        case .value(let e): return "(== \(expr(e)))"
        case .singleton(let e): return "(is \(expr(e)))"
        case .capture(let n): return n ?? "_"
        case .star(let n): return "*" + (n ?? "_")
        case .sequence(let items): return "[" + items.map(pattern).joined(separator: " ") + "]"
        case .mapping(let keys, let patterns, let rest):
            return "{" + zip(keys, patterns).map { "\(expr($0.0)): \(pattern($0.1))" }.joined(separator: " ")
                + (rest.map { " **\($0)" } ?? "") + "}"
        case .classPattern(let cls, let positional, let keywords):
            return "(cls \(expr(cls))" + positional.map { " " + pattern($0) }.joined()
                + keywords.map { " \($0.name)=\(pattern($0.pattern))" }.joined() + ")"
        case .or(let items): return "(| " + items.map(pattern).joined(separator: " ") + ")"
        case .asPattern(let inner, let n): return "(as \(pattern(inner)) \(n))"
        }
    }

    static func importName(_ n: ImportName) -> String {
        n.asName.map { "(\(n.name) as \($0))" } ?? n.name
    }

    static func params(_ p: Parameters) -> String {
        var parts: [String] = []
        func param(_ q: Parameter) -> String {
            q.defaultValue.map { "\(q.name)=\(expr($0))" } ?? q.name
        }
        parts += p.positional.map(param)
        if let v = p.varargs {
            parts.append("*" + v)
        } else if !p.keywordOnly.isEmpty {
            parts.append("*")
        }
        parts += p.keywordOnly.map(param)
        if let k = p.kwargs { parts.append("**" + k) }
        return "(" + parts.joined(separator: " ") + ")"
    }

    static func comps(_ cs: [Comprehension]) -> String {
        cs.map { c in
            "(\(c.isAsync ? "async-for" : "for") \(expr(c.target)) \(expr(c.iter))"
                + c.ifs.map { " (if \(expr($0)))" }.joined() + ")"
        }.joined(separator: " ")
    }

    static func list(_ head: String, _ items: [Expr]) -> String {
        "(" + ([head] + items.map(expr)).joined(separator: " ") + ")"
    }

    static func fstringParts(_ parts: [FStringPart]) -> String {
        parts.map { part in
            switch part {
            case .literal(let text):
                return String(reflecting: text)
            case .field(let e, let conversion, let spec):
                var s = "{" + expr(e)
                if let conversion { s += " !\(conversion)" }
                if let spec { s += " :" + fstringParts(spec) }
                return s + "}"
            }
        }.joined(separator: " ")
    }

    static func expr(_ e: Expr) -> String {
        switch e.kind {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let v): return String(v)
        case .float(let v): return String(v)
        case .string(let s): return String(reflecting: s)
        case .bytes(let b): return "(bytes" + b.map { " \($0)" }.joined() + ")"
        case .fstring(let parts): return "(f " + fstringParts(parts) + ")"
        case .name(let n): return n
        case .attribute(let base, let name): return "(. \(expr(base)) \(name))"
        case .call(let f, let args):
            let rendered = args.map { a -> String in
                switch a {
                case .positional(let x): return expr(x)
                case .keyword(let k, let x): return "(\(k)= \(expr(x)))"
                case .star(let x): return "(* \(expr(x)))"
                case .doubleStar(let x): return "(** \(expr(x)))"
                }
            }
            return "(call " + ([expr(f)] + rendered).joined(separator: " ") + ")"
        case .subscript(let base, let index): return "(sub \(expr(base)) \(expr(index)))"
        case .slice(let a, let b, let c): return "(slice \(opt(a)) \(opt(b)) \(opt(c)))"
        case .list(let items): return list("list", items)
        case .tuple(let items): return list("tuple", items)
        case .set(let items): return list("set", items)
        case .dict(let pairs):
            return "(dict" + pairs.map { " (\(expr($0.key)) \(expr($0.value)))" }.joined() + ")"
        case .listComp(let elt, let cs): return "(listcomp \(expr(elt)) \(comps(cs)))"
        case .setComp(let elt, let cs): return "(setcomp \(expr(elt)) \(comps(cs)))"
        case .dictComp(let k, let v, let cs): return "(dictcomp \(expr(k)) \(expr(v)) \(comps(cs)))"
        case .generatorExp(let elt, let cs): return "(genexp \(expr(elt)) \(comps(cs)))"
        case .binary(let op, let a, let b): return "(\(op.rawValue) \(expr(a)) \(expr(b)))"
        case .unary(let op, let a):
            switch op {
            case .neg: return "(neg \(expr(a)))"
            case .pos: return "(pos \(expr(a)))"
            case .not: return "(not \(expr(a)))"
            case .invert: return "(invert \(expr(a)))"
            }
        case .and(let a, let b): return "(and \(expr(a)) \(expr(b)))"
        case .or(let a, let b): return "(or \(expr(a)) \(expr(b)))"
        case .compare(let first, let rest):
            return "(cmp \(expr(first))" + rest.map { " \($0.0.rawValue) \(expr($0.1))" }.joined() + ")"
        case .conditional(let test, let b, let orElse): return "(ifexp \(expr(test)) \(expr(b)) \(expr(orElse)))"
        case .lambda(let p, let b): return "(lambda \(params(p)) \(expr(b)))"
        case .await(let x): return "(await \(expr(x)))"
        case .yield(let x): return x.map { "(yield \(expr($0)))" } ?? "(yield)"
        case .yieldFrom(let x): return "(yield-from \(expr(x)))"
        case .ellipsis: return "..."
        case .starred(let x): return "(* \(expr(x)))"
        case .namedExpr(let n, let x): return "(:= \(n) \(expr(x)))"
        case .dictUnpacking(let items):
            return "(dict" + items.map { " (\(opt($0.key)) \(expr($0.value)))" }.joined() + ")"
        }
    }
}

/// Parses `source` and dumps the whole module.
func dump(_ source: String) throws -> String {
    ASTDump.module(try Parser.parse(SourceFile(path: "t.trace", text: source)))
}

/// Parses `source` as one expression statement and dumps the expression.
func dumpExpr(_ source: String) throws -> String {
    try dump(source + "\n")
}

/// The diagnostic `source` produces, as `line:column: message`, or "no error".
func parseError(_ source: String) -> String {
    do {
        _ = try Parser.parse(SourceFile(path: "t.trace", text: source))
        return "no error"
    } catch let d as Diagnostic {
        return "\(d.loc.line):\(d.loc.column): \(d.message)"
    } catch {
        return "unexpected error \(error)"
    }
}
