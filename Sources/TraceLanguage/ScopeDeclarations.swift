/// What a scope has done with a name so far, in the order of its text: the
/// flags CPython's symtable checks when it meets `global` or `nonlocal`
/// (`DEF_PARAM`, `USE`, `DEF_ANNOT`, `DEF_LOCAL`, `DEF_GLOBAL`,
/// `DEF_NONLOCAL`). An import binds without `local`, as CPython's
/// `DEF_IMPORT` is not among the flags it checks.
struct NameFlags: OptionSet {
    let rawValue: UInt8
    static let parameter = NameFlags(rawValue: 1)
    static let used = NameFlags(rawValue: 2)
    static let annotated = NameFlags(rawValue: 4)
    static let local = NameFlags(rawValue: 8)
    static let global = NameFlags(rawValue: 16)
    static let nonlocal = NameFlags(rawValue: 32)
}

extension ScopeBuilder {
    /// `global NAMES` or `nonlocal NAMES` at `loc`: CPython 3.11's symtable
    /// errors for a name the scope already had as a parameter, used,
    /// annotated or assigned (in that order of precedence), and for a name
    /// declared both ways (reported at its first declaration).
    mutating func declare(_ names: [String], global: Bool, at loc: SourceLocation, in scope: Scope) {
        let word = global ? "global" : "nonlocal"
        for n in names {
            let cur = scope.flags[n] ?? []
            if cur.contains(.parameter) {
                diagnostics.append((loc, "name '\(n)' is parameter and \(word)"))
            } else if cur.contains(.used) {
                diagnostics.append((loc, "name '\(n)' is used prior to \(word) declaration"))
            } else if cur.contains(.annotated) {
                diagnostics.append((loc, "annotated name '\(n)' can't be \(word)"))
            } else if cur.contains(.local) {
                diagnostics.append((loc, "name '\(n)' is assigned to before \(word) declaration"))
            } else if cur.contains(global ? .nonlocal : .global) {
                diagnostics.append((scope.firstDirective[n] ?? loc, "name '\(n)' is nonlocal and global"))
            }
            scope.flags[n, default: []].insert(global ? .global : .nonlocal)
            if scope.firstDirective[n] == nil { scope.firstDirective[n] = loc }
        }
    }

    /// `NAME: annotation` (simple) at `loc`: a name declared `global` or
    /// `nonlocal` in a function or class may not be annotated.
    mutating func annotate(_ n: String, at loc: SourceLocation, in scope: Scope) {
        let cur = scope.flags[n] ?? []
        if scope.kind != .module && !cur.isDisjoint(with: [.global, .nonlocal]) {
            diagnostics.append((loc, "annotated name '\(n)' can't be \(cur.contains(.global) ? "global" : "nonlocal")"))
        }
        scope.flags[n, default: []].insert(.annotated)
    }
}
