/// An append-only log kept in chunks of a fixed size: appending never
/// copies what is already there and never reserves more than one chunk
/// ahead, where one growing array doubles (a run of a million steps would
/// hold twice its log at the moment of the copy, and up to twice its
/// length ever after).
package struct ChunkedLog<Element> {
    /// How many elements a chunk holds.
    package static var chunkSize: Int { 1 << 14 }

    /// Full chunks, each of `chunkSize` elements.
    private var full: [[Element]] = []
    /// The chunk being filled. Invariant: fewer than `chunkSize` elements,
    /// and its capacity reserved once when it was begun.
    private var current: [Element] = []

    package init() {}

    package var count: Int { full.count * Self.chunkSize + current.count }
    package var last: Element? { current.last ?? full.last?.last }

    @inline(__always) package mutating func append(_ e: Element) {
        if current.capacity == 0 { current.reserveCapacity(Self.chunkSize) }
        current.append(e)
        if current.count == Self.chunkSize {
            full.append(current)
            current = []
        }
    }

    /// Each element, in the order they were appended.
    package func forEach(_ body: (Element) throws -> Void) rethrows {
        for chunk in full { for e in chunk { try body(e) } }
        for e in current { try body(e) }
    }
}
