import CSupport

/// Frees deeply nested values without deep recursion: CPython's "trashcan"
/// (`Py_TRASHCAN_BEGIN`).
///
/// Swift frees an object's stored properties when its last reference goes,
/// and with them every object only they held, recursively: a list nested a
/// million deep (`x = [x]` in a loop), a linked list of a million instances
/// (`node.next`), a chain of dicts, tuples or closure cells would take a
/// million native frames to free, and overflow the stack. The containers
/// hand their contents to `release(_:emptying:)` in their `deinit`: below
/// `maxDepth` releases running inside one another on this thread the contents
/// are freed at once (the common case: one thread-local read and write more);
/// deeper, they are put on a queue that the outermost release empties,
/// one item at a time, after its own contents are freed. Nothing stays on
/// the queue after the outermost release returns.
enum DeferredRelease {
    /// Releases nested deeper than this are put off (CPython's trashcan
    /// unwinds at 50 levels); each level takes a few native frames.
    static let maxDepth = 100

    /// Frees what `storage` holds, replacing it with `empty`; from a
    /// container's `deinit`.
    @inline(__always) static func release<T>(_ storage: inout T, emptying empty: T) {
        let depth = vloop_release_depth()
        if depth >= maxDepth {
            var contents = empty
            swap(&contents, &storage)
            queue.items.append(contents)
            return
        }
        vloop_set_release_depth(depth + 1)
        storage = empty
        if depth == 0, vloop_release_queue() != nil { drain() }
        vloop_set_release_depth(depth)
    }

    /// What the releases put off. Invariant: not empty only while a release
    /// at depth 0 runs on this thread (which empties it and drops it).
    private final class Queue {
        var items: [Any] = []
    }

    private static var queue: Queue {
        if let q = vloop_release_queue() { return Unmanaged<Queue>.fromOpaque(q).takeUnretainedValue() }
        let q = Queue()
        vloop_set_release_queue(Unmanaged.passRetained(q).toOpaque())
        return q
    }

    /// Frees the queue's items one by one, at depth 1, so that what each one
    /// holds may be put off again, until none is left; then drops the queue.
    @inline(never) private static func drain() {
        let q = queue
        while var item = q.items.popLast() {
            item = ()
            _ = item
        }
        vloop_set_release_queue(nil)
        Unmanaged.passUnretained(q).release()
    }
}
