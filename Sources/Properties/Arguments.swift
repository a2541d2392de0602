import PyRuntime
import RunModel
import VirtualLoop

/// A mistake in the arguments of an `expect.*` call: the property fails
/// with this message instead of being checked.
struct ArgumentError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The Python signature of one `expect.*` method, as the reference declares it
/// (`def at(self, a, t, tolerance=None)`), for binding a recorded call.
struct Signature {
    /// `expect.at`, for messages.
    let name: String
    /// Parameters in order; the first `required` have no default.
    let parameters: [String]
    let required: Int
    /// `*pats`: extra positional arguments are collected instead of refused.
    let variadic: Bool
    /// Parameters given only by keyword (after `*` in Python), each with a default.
    let keywordOnly: [String]

    init(
        _ name: String, _ parameters: [String], required: Int? = nil, variadic: Bool = false,
        keywordOnly: [String] = []
    ) {
        self.name = name
        self.parameters = parameters
        self.required = required ?? parameters.count
        self.variadic = variadic
        self.keywordOnly = keywordOnly
    }

    /// How the call should look, for the end of messages: `expect.at(a, t, tolerance=)`.
    var usage: String {
        var parts = parameters.enumerated().map { $0.offset < required ? $0.element : $0.element + "=" }
        if variadic { parts.append("*patterns") }
        parts += keywordOnly.map { $0 + "=" }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }

    /// Binds positional and keyword arguments as Python would, or explains why it cannot.
    func bind(_ positional: [Value], _ keywords: [(String, Value)]) throws -> BoundArguments {
        var values: [String: Value] = [:]
        var rest: [Value] = []
        for (i, v) in positional.enumerated() {
            if i < parameters.count {
                values[parameters[i]] = v
            } else if variadic {
                rest.append(v)
            } else {
                let n = parameters.count
                throw ArgumentError(
                    "\(name)() takes \(n == 0 ? "no" : "at most \(n)") argument\(n == 1 ? "" : "s") "
                        + "but \(positional.count) were given (usage: \(usage))")
            }
        }
        for (k, v) in keywords {
            guard parameters.contains(k) || keywordOnly.contains(k) else {
                throw ArgumentError("\(name)() got an unexpected keyword argument '\(k)' (usage: \(usage))")
            }
            guard values[k] == nil else {
                throw ArgumentError("\(name)() got multiple values for argument '\(k)' (usage: \(usage))")
            }
            values[k] = v
        }
        let missing = parameters.prefix(required).filter { values[$0] == nil }
        if !missing.isEmpty {
            let list = missing.map { "'\($0)'" }.joined(separator: " and ")
            throw ArgumentError(
                "\(name)() is missing \(missing.count == 1 ? "its argument" : "the arguments") \(list) (usage: \(usage))"
            )
        }
        return BoundArguments(values: values, rest: rest)
    }
}

/// The arguments of a call by parameter name; a parameter left to its
/// default (`None` in every `expect.*`) reads as `nil`, as does an explicit `None`.
struct BoundArguments {
    var values: [String: Value]
    var rest: [Value]

    subscript(_ name: String) -> Value? {
        guard let v = values[name] else { return nil }
        if case .none = v { return nil }
        return v
    }

    /// A required argument (binding guaranteed it is present).
    func required(_ name: String) -> Value { values[name] ?? .none }
}

/// A real number argument (`int`, `float` or `bool`, as Python compares them).
func number(_ v: Value, _ what: String, _ vm: Interpreter) throws -> Double {
    switch v {
    case .int(let i): return Double(i)
    case .float(let d): return d
    case .bool(let b): return b ? 1 : 0
    default: throw ArgumentError("\(what) must be a number, not \(vm.typeName(v)) \(show(v, vm))")
    }
}
