import RunModel

/// `except*` (PEP 654), as CPython 3.11 runs it: `split` by type along the
/// group's tree, a naked exception wrapped in `ExceptionGroup('', (e,))`, and
/// at the end `_PyExc_PrepReraiseStar`: what the clauses re-raised (bare
/// `raise`) plus what no clause matched keep the original group's shape;
/// exceptions the clauses raised anew are grouped with it in `ExceptionGroup('', [...])`.
package final class ExceptStarState: PyObject {
    package let original: PyException
    /// What no clause has matched yet.
    @exclusivity(unchecked) package var rest: PyException?
    /// The part given to the clause that is running.
    @exclusivity(unchecked) package var match: PyException?
    /// What the clauses raised, in order; `reraised` for a bare `raise` of the match.
    @exclusivity(unchecked) package var raised: [(exception: PyException, reraised: Bool)] = []

    package init(_ e: PyException) {
        original = e
        rest = e
    }
}

extension PyException {
    package var isGroup: Bool { type.isSubtype(of: .baseExceptionGroup) }

    /// A group of `exceptions` with `message`, whose `args` are `(message,
    /// sequence)`: an `ExceptionGroup` when every one is an `Exception`, else
    /// a `BaseExceptionGroup` (what `BaseExceptionGroup.__new__` decides).
    package static func group(_ message: Value, _ exceptions: [PyException], sequence: Value) -> PyException {
        let plain = exceptions.allSatisfy { $0.type.isSubtype(of: .exception) }
        let g = PyException(type: plain ? .exceptionGroup : .baseExceptionGroup, args: [message, sequence])
        g.exceptions = exceptions
        return g
    }

    /// A group whose sequence is a new list (or tuple) of `exceptions`.
    package static func group(_ message: Value, _ exceptions: [PyException], asTuple: Bool = false) -> PyException {
        let items = exceptions.map { Value.obj($0) }
        return group(message, exceptions, sequence: .obj(asTuple ? PyTuple(items) : PyList(items)))
    }

    /// `BaseExceptionGroup.derive` plus the metadata `split` copies.
    package func derive(_ exceptions: [PyException]) -> PyException {
        let g = PyException.group(args.first ?? .str(""), exceptions)
        g.cause = cause
        g.context = context
        g.suppressContext = suppressContext
        g.traceback = traceback
        return g
    }

    /// `split(condition)`: the matching and the other parts, each nil when empty.
    package func split(_ matches: (PyException) throws -> Bool) rethrows -> (match: PyException?, rest: PyException?) {
        if try matches(self) { return (self, nil) }
        guard isGroup else { return (nil, self) }
        var matched: [PyException] = []
        var others: [PyException] = []
        for e in exceptions {
            let (m, r) = try e.split(matches)
            if let m { matched.append(m) }
            if let r { others.append(r) }
        }
        return (matched.isEmpty ? nil : derive(matched), others.isEmpty ? nil : derive(others))
    }

    /// The exceptions that are not groups, depth first.
    package var leaves: [PyException] { isGroup ? exceptions.flatMap(\.leaves) : [self] }
}

extension Interpreter {
    /// Splits off the part of what is unhandled that `types` match.
    package func exceptStarMatch(_ state: ExceptStarState, _ types: Value) throws -> PyException? {
        try checkExceptStarTypes(types)
        guard let rest = state.rest else { return nil }
        if !rest.isGroup {
            guard try exceptionMatches(rest, types) else { return nil }
            let wrapper = PyException.group(.str(""), [rest], asTuple: true)
            wrapper.traceback = rest.traceback
            state.rest = nil
            return wrapper
        }
        let (match, others) = try rest.split { try self.exceptionMatches($0, types) }
        state.rest = others
        return match
    }

    private func checkExceptStarTypes(_ types: Value) throws {
        if case .obj(let o) = types {
            if let t = o as? PyType, t.isSubtype(of: .baseExceptionGroup) {
                throw error(.typeError, "catching ExceptionGroup with except* is not allowed. Use except instead.")
            }
            if let tuple = o as? PyTuple { for t in tuple.items { try checkExceptStarTypes(t) } }
        }
    }

    /// What the statement raises in the end, or nil.
    package func exceptStarResult(_ state: ExceptStarState) -> PyException? {
        if !state.original.isGroup {
            // At most one clause ran on the wrapped exception.
            return state.raised.first?.exception ?? state.rest
        }
        let new = state.raised.filter { !$0.reraised }.map(\.exception)
        var kept = state.raised.filter(\.reraised).map(\.exception)
        if let rest = state.rest { kept.append(rest) }
        var projection: PyException?
        if !kept.isEmpty {
            let ids = Set(kept.flatMap(\.leaves).map { ObjectIdentifier($0) })
            projection = state.original.split { !$0.isGroup && ids.contains(ObjectIdentifier($0)) }.match
        }
        if new.isEmpty { return projection }
        return PyException.group(.str(""), new + (projection.map { [$0] } ?? []))
    }
}
