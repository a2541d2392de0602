import RunModel

// Argument checks and slice bounds that the methods of the built-in types share.

/// Rejects keyword arguments other than `allowed`, as CPython does.
package func checkKeywords(_ function: String, _ args: Args, _ allowed: Set<String>, _ vm: Interpreter) throws {
    for (k, _) in args.keywords where !allowed.contains(k) {
        if allowed.isEmpty { throw vm.error(.typeError, "\(function)() takes no keyword arguments") }
        throw vm.error(.typeError, "\(function)() got an unexpected keyword argument '\(k)'")
    }
}

/// CPython's "expected at least/at most" arity errors of methods.
package func checkCount(_ function: String, _ args: Args, _ min: Int, _ max: Int, _ vm: Interpreter) throws {
    let n = args.count
    if n < min || n > max {
        if min == max {
            if min == 0 { throw vm.error(.typeError, "\(function)() takes no arguments (\(n) given)") }
            if min == 1 { throw vm.error(.typeError, "\(function)() takes exactly one argument (\(n) given)") }
            throw vm.error(.typeError, "\(function) expected \(min) arguments, got \(n)")
        }
        if n < min {
            throw vm.error(.typeError, "\(function) expected at least \(min) argument\(min == 1 ? "" : "s"), got \(n)")
        }
        throw vm.error(.typeError, "\(function) expected at most \(max) argument\(max == 1 ? "" : "s"), got \(n)")
    }
}

/// A positional argument, or the keyword of that name, or nil.
package func argument(_ args: Args, _ position: Int, _ name: String) -> Value? {
    if position < args.count { return args[position] }
    return args.keyword(name)
}

/// Clamps Python's optional `start`/`end` slice arguments to `0...count`.
package func sliceBounds(_ start: Value?, _ end: Value?, _ count: Int, _ vm: Interpreter) throws -> (Int, Int) {
    // CPython's ADJUST_INDICES: a start past the end stays there, so that
    // `'abc'.find('', 5)` is -1.
    func bound(_ v: Value?, _ dflt: Int, clampHigh: Bool) throws -> Int {
        guard let v, !v.isNone else { return dflt }
        guard let i = intValue(v) else {
            throw vm.error(.typeError, "slice indices must be integers or None or have an __index__ method")
        }
        if i < 0 { return max(0, i + count) }
        return clampHigh ? min(i, count) : i
    }
    return (try bound(start, 0, clampHigh: false), try bound(end, count, clampHigh: true))
}
