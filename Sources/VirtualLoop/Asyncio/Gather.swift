import PyRuntime
import RunModel

/// `tasks._GatheringFuture`: cancelling it cancels the children.
package final class GatheringFuture: PyFuture {
    @exclusivity(unchecked) package var children: [PyFuture] = []
    @exclusivity(unchecked) package var cancelRequested = false

    package override var typeName: String { "_GatheringFuture" }
    package override func dropReferences(into teardown: ObjectTeardown) {
        super.dropReferences(into: teardown)
        for c in children { teardown.add(c) }
        children = []
    }

    package override func cancel(_ msg: Value, _ vm: Interpreter) throws -> Bool {
        if isDone { return false }
        var ret = false
        for child in children where try child.cancel(msg, vm) { ret = true }
        if ret { cancelRequested = true }
        return ret
    }
}

extension World {
    /// `asyncio.gather(*aws, return_exceptions=...)`, following `tasks.py`.
    package func gather(_ args: [Value], returnExceptions: Bool, _ vm: Interpreter) throws -> PyFuture {
        if args.isEmpty {
            let loop = try getEventLoop()
            let outer = loop.createFuture()
            try outer.setResult(.obj(PyList()), vm)
            return outer
        }
        final class State {
            @exclusivity(unchecked) var children: [PyFuture] = []
            @exclusivity(unchecked) var nfuts = 0
            @exclusivity(unchecked) var nfinished = 0
            @exclusivity(unchecked) var outer: GatheringFuture?
        }
        let st = State()
        let doneCallback: (PyFuture) throws -> Void = { fut in
            st.nfinished += 1
            guard let outer = st.outer, !outer.isDone else {
                if fut.state != .cancelled { _ = try fut.exceptionValue(vm) }
                return
            }
            if !returnExceptions {
                if fut.state == .cancelled {
                    try outer.setException(.obj(fut.makeCancelledError()), vm)
                    return
                }
                if let e = fut.exception {
                    fut.logTraceback = false
                    try outer.setException(.obj(e), vm)
                    return
                }
            }
            if st.nfinished == st.nfuts {
                var results: [Value] = []
                for child in st.children {
                    if child.state == .cancelled {
                        let msg: Value = child.cancelMessage.isNone ? .str("") : child.cancelMessage
                        results.append(.obj(PyException(type: .cancelledError, args: [msg])))
                    } else {
                        child.logTraceback = false
                        results.append(child.exception.map { .obj($0) } ?? child.result)
                    }
                }
                if outer.cancelRequested {
                    try outer.setException(.obj(fut.makeCancelledError()), vm)
                } else {
                    try outer.setResult(.obj(PyList(results)), vm)
                }
            }
        }
        let callback = NativeDoneCallback(doneCallback)
        // Sized for every argument at once: growing rehashes every key so far.
        var argToFut = [HashKey: PyFuture](minimumCapacity: args.count)
        st.children.reserveCapacity(args.count)
        var loop: EventLoop?
        for arg in args {
            let key = try HashKey.of(arg, vm)
            if let f = argToFut[key] {
                st.children.append(f)
                continue
            }
            let fut = try ensureFuture(arg, loop: loop, vm)
            if loop == nil { loop = fut.loop }
            if let t = fut as? PyTask, !(arg.object is PyFuture) { t.logDestroyPending = false }
            st.nfuts += 1
            argToFut[key] = fut
            try fut.addDoneCallback(.native(callback))
            st.children.append(fut)
        }
        let outer = GatheringFuture(loop: loop!)
        outer.children = st.children
        st.outer = outer
        return outer
    }
}
