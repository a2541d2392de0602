import RunModel

/// Collects the notes of a run. Coroutines keep it (not the host), so that
/// one freed after its run can still report, harmlessly, that it never ran.
public final class NoteSink {
    @exclusivity(unchecked) public private(set) var items: [String] = []
    @exclusivity(unchecked) public var open = true

    public init() {}

    public func add(_ text: String) {
        if open { items.append(text) }
    }
}
