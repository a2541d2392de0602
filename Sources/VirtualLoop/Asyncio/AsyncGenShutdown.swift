import PyRuntime

/// A loop's weak reference to an async generator (CPython keeps them in a
/// `weakref.WeakSet`, so that the loop never keeps one alive).
package struct WeakAsyncGenerator {
    weak var generator: PyAsyncGenerator?
}

/// The loop as its async generator hooks see it: a generator keeps its
/// finalizer after the loop is gone, and the loop's deinit clears `loop`.
package final class AsyncGenLoopLink {
    unowned(unsafe) var loop: EventLoop?
}

// The loop's side of async generators (base_events.py): the hooks
// `run_forever` installs with `sys.set_asyncgen_hooks`, and what
// `shutdown_asyncgens` closes. `_asyncgens` keeps insertion order (a
// WeakSet iterates in hash order in CPython; see TRACE_LANGUAGE.md, "Where
// CPython is not deterministic").
extension EventLoop {
    /// `_asyncgen_firstiter_hook` and `_asyncgen_finalizer_hook`, bound to this loop
    /// through `asyncGenLink`.
    func asyncGenHooks() -> AsyncGenHooks {
        let link = asyncGenLink
        link.loop = self
        let firstiter = PyBuiltin("_asyncgen_firstiter_hook") { args, vm in
            guard let self = link.loop, args.count == 1, case .obj(let o) = args[0], let agen = o as? PyAsyncGenerator
            else {
                return .none
            }
            if !self.asyncgens.contains(where: { $0.generator === agen }) {
                self.asyncgens.append(WeakAsyncGenerator(generator: agen))
            }
            return .none
        }
        let finalizer = PyBuiltin("_asyncgen_finalizer_hook") { args, vm in
            guard let self = link.loop, args.count == 1, case .obj(let o) = args[0], let agen = o as? PyAsyncGenerator
            else {
                return .none
            }
            self.asyncgens.removeAll { $0.generator == nil || $0.generator === agen }
            if !self.closed {
                let aclose = try agen.callMethod("aclose", Args(), vm)
                let createTask = try vm.getAttr(.obj(self), "create_task")
                _ = try self.callMethod("call_soon_threadsafe", Args([createTask, aclose]), vm)
            }
            return .none
        }
        return AsyncGenHooks(firstiter: .obj(firstiter), finalizer: .obj(finalizer))
    }

    /// `list(self._asyncgens)` then `self._asyncgens.clear()`, for `shutdown_asyncgens`.
    func takeAsyncgens() -> [Value] {
        let live = asyncgens.compactMap { $0.generator.map { Value.obj($0) } }
        asyncgens = []
        return live
    }
}
