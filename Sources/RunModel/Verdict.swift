/// The verdict on one `expect.*` statement of a trace.
public struct PropertyResult: Sendable, Equatable, CustomStringConvertible {
    /// `expect.order`; `expect` for a statement that could not be evaluated.
    public var name: String
    /// Where the statement is in the trace.
    public var line: Int
    public var column: Int
    public var passed: Bool
    /// Empty when the property held; else the whole failure, naming the property,
    /// its line and what was seen instead: `expect.order (line 14): 'b finished'
    /// (first at t=1.0, event 3) came before 'a finished' (first at t=2.0, event 5)`.
    public var message: String
    /// The property's patterns that matched no event of the run (for `expect.before`,
    /// `order` and `concurrency` not marked `vacuous=True`); empty when each matched something.
    public var unmatched: [UnmatchedPattern]
    /// The property failed only because it held vacuously (`unmatched` is not empty and
    /// the check itself held): over many runs, what counts is whether it matched in any of them.
    public var failedAsVacuous: Bool

    public init(
        name: String, line: Int, column: Int, passed: Bool, message: String, unmatched: [UnmatchedPattern] = [],
        failedAsVacuous: Bool = false
    ) {
        self.name = name
        self.line = line
        self.column = column
        self.passed = passed
        self.message = message
        self.unmatched = unmatched
        self.failedAsVacuous = failedAsVacuous
    }

    /// `expect.order (line 14)` when it held, the message when not.
    public var description: String {
        passed ? "\(name) (line \(line))" : message
    }
}

/// The verdict on a whole run: its properties, and how the run ended.
public struct Verdict: Sendable {
    /// Every property held, and the run ended `ok` or the way a property says it would.
    public var passed: Bool
    /// One per `expect.*` statement, in the order they ran.
    public var results: [PropertyResult]
    /// Why the trace fails besides its properties: a status that nothing expected.
    public var problems: [String]
    /// Deadlocks and tasks left pending, reported when no `expect.all_done()` checks them.
    public var warnings: [String]

    public init(passed: Bool, results: [PropertyResult], problems: [String], warnings: [String]) {
        self.passed = passed
        self.results = results
        self.problems = problems
        self.warnings = warnings
    }
}
