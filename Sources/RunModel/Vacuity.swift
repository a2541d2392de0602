/// A pattern of an `expect.before`, `expect.order` or `expect.concurrency`
/// that matched no event of a run: the property held (or failed) without
/// ever looking at what it names, which is most often a typo
/// (`'start'` does not match `'start 3'`: a pattern is a glob on the whole text).
public struct UnmatchedPattern: Sendable, Equatable {
    /// The pattern as the trace wrote it (its `repr`).
    public var pattern: String
    /// The texts printed in the run that come closest to matching it, best
    /// first, at most `CloseText.limit` of them.
    public var closest: [CloseText]

    public init(pattern: String, closest: [CloseText]) {
        self.pattern = pattern
        self.closest = closest
    }

    /// `'start' matched no event (the closest texts printed: 'start 3', 'start 4')`.
    public var description: String { "\(pattern) matched no event" + Self.closestClause(closest) }

    /// ` (the closest texts: 'start 3', 'start 4')`, or what says that there were none.
    public static func closestClause(_ closest: [CloseText]) -> String {
        if closest.isEmpty { return " (no event had a text it could be meant for)" }
        return " (the closest texts: " + closest.map { stringRepr($0.text) }.joined(separator: ", ") + ")"
    }

    /// This pattern's closest texts merged with another run's, keeping the best
    /// `CloseText.limit`: the merge is commutative, so runs may arrive in any order.
    public func merged(with other: UnmatchedPattern) -> UnmatchedPattern {
        var all = closest
        for c in other.closest where !all.contains(where: { $0.text == c.text }) { all.append(c) }
        return UnmatchedPattern(pattern: pattern, closest: Array(all.sorted().prefix(CloseText.limit)))
    }
}

/// A text that came close to matching a pattern: how many characters must
/// change for the pattern to match it (a `*` in the pattern covering any run
/// for free, a `?` any one character), then how long a prefix they share.
public struct CloseText: Sendable, Equatable, Comparable {
    /// How many close texts are kept.
    public static let limit = 3

    public var text: String
    public var distance: Int
    public var sharedPrefix: Int

    public init(text: String, distance: Int, sharedPrefix: Int) {
        self.text = text
        self.distance = distance
        self.sharedPrefix = sharedPrefix
    }

    /// Closest first: fewer edits, then a longer shared prefix, then the text itself (a total order).
    public static func < (a: CloseText, b: CloseText) -> Bool {
        (a.distance, -a.sharedPrefix, a.text) < (b.distance, -b.sharedPrefix, b.text)
    }
}
