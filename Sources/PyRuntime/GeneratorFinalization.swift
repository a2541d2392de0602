import RunModel
import TraceLanguage

/// The generators and coroutines whose last reference went away while they
/// were suspended inside a `try` (or `with`) block, waiting to be closed.
///
/// CPython's reference counting finalizes such an object the moment its last
/// reference goes (`_PyGen_Finalize`): `close()` throws `GeneratorExit` in,
/// which runs its `finally` blocks and `except GeneratorExit` handlers. vloop's
/// values are counted by Swift's ARC, so the moment is the same, but a
/// Swift `deinit` must not run Python code wherever a release happens to be.
/// So `PyGenerator.deinit` only queues the frame here (the frame outlives the
/// generator object), and the interpreter closes it at its next safe point:
/// right after the `STORE_FAST` or `POP_TOP` that dropped the reference,
/// after any other instruction, after a call from native code, and when a
/// generator or coroutine returns and its locals go (docs/LANGUAGE.md,
/// "Generators closed when dropped", says what is exact).
///
/// A suspended generator with no block open needs nothing: `GeneratorExit`
/// would leave it at once, running no code; it is never queued.
package final class PendingCloses {
    /// A suspended frame to close, with what its generator object was.
    struct Entry {
        let frame: Frame
        let name: String
        let isCoroutine: Bool
    }

    /// Invariant: true exactly when `entries` is not empty. The one field the
    /// interpreter's loop reads on its hot paths.
    @exclusivity(unchecked) package var pending = false
    /// False once the run is over: objects released by the teardown of a
    /// finished run are not closed (their frames go with them).
    @exclusivity(unchecked) package var accepting = true
    /// Oldest first. Entries leave it by `takeAll`, which moves them out: no
    /// frame is ever freed while the array is being changed (a freed frame's
    /// locals may queue more, from their deinits).
    @exclusivity(unchecked) var entries: [Entry] = []

    package init() {}

    /// Called by a deinit: remembers the frame, runs nothing.
    func add(_ frame: Frame, name: String, isCoroutine: Bool) {
        guard accepting else { return }
        entries.append(Entry(frame: frame, name: name, isCoroutine: isCoroutine))
        pending = true
    }

    /// Everything queued, oldest first, moved out of the queue.
    func takeAll() -> [Entry] {
        var taken: [Entry] = []
        swap(&taken, &entries)
        pending = false
        return taken
    }

    /// The run is over: drop what is queued and queue nothing more.
    package func stop() {
        accepting = false
        // Taken out first: the frames go when `dropped` does, not inside removeAll.
        let dropped = entries
        entries = []
        pending = false
        _ = dropped
    }
}

extension Interpreter {
    /// Closes every queued generator, oldest first, each one completely
    /// before the next, as CPython finalizes them one decref at a time: what
    /// closing one drops (its own locals, freed with its frame) is closed
    /// before the next in line, by the safe points inside its close and
    /// here. An exception a `close()` raises is reported ("Exception ignored
    /// in: ...", `_PyGen_Finalize`'s unraisable hook) and goes no further.
    @inline(never)
    package func runPendingCloses() throws {
        var batch = pendingCloses.takeAll()
        batch.reverse()
        while !batch.isEmpty {
            // A temporary, consumed by the call: the entry (and its frame) is
            // gone once the call returns, not at the end of the loop's body.
            try closeDropped(batch.removeLast())
            // Its frame is gone now: what only it held is queued, and closed first.
            if pendingCloses.pending { try runPendingCloses() }
        }
    }

    /// Closes one dropped generator; its frame goes when this returns.
    private func closeDropped(_ e: consuming PendingCloses.Entry) throws {
        // The object CPython finalizes; this one is not queued again if it
        // ignores GeneratorExit (CPython then just clears the frame).
        let g =
            e.isCoroutine
            ? PyCoroutine(frame: e.frame, name: e.name, vm: self, closer: nil)
            : PyGenerator(frame: e.frame, name: e.name, closer: nil)
        g.started = true
        do {
            try g.close(self)
        } catch let r as PyRaise {
            let repr = (try? g.repr(self)) ?? g.typeName
            host?.noteSink.add("Exception ignored in: \(repr): \(r.exception.summary(self))")
        }
    }
}
