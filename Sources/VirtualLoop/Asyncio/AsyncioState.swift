import PyRuntime
import RunModel

/// What asyncio keeps for a whole run beyond its loops: every task (for
/// `all_tasks`, the notes at the end and the records), the counters that
/// name them, and the event loop policy's loop. (The task running now is
/// `World.currentTask`, read on every step.)
package final class AsyncioState {
    /// The event loop policy's loop (`set_event_loop`), and whether it was ever set.
    @exclusivity(unchecked) package var policyLoop: EventLoop?
    @exclusivity(unchecked) package var policySetCalled = false
    /// The `N` of the last `Task-N` name given out.
    @exclusivity(unchecked) package var taskNameCounter = 0
    /// The serial of the last task created (for the step log).
    @exclusivity(unchecked) package var taskSerial = 0
    /// Every task, in creation order (`_all_tasks`); done ones are dropped
    /// lazily. (Their waiting states are invariants: `PyTask.futureWaiter`.)
    @exclusivity(unchecked) package var tasks: [PyTask] = []
    /// Every task ever created, in creation order, for the notes at the end.
    @exclusivity(unchecked) package var allTasks: [PyTask] = []

    package init() {}
}
