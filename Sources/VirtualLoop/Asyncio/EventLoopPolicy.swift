import PyRuntime
import RunModel
import TraceLanguage

extension World {
    package func nextTaskSerial() -> Int {
        asyncio.taskSerial += 1
        return asyncio.taskSerial
    }

    package func runningLoop() throws -> EventLoop {
        guard let l = runningLoopOrNil else { throw vm.error(.runtimeError, "no running event loop") }
        return l
    }

    /// `events._get_event_loop()`: the running loop, else the policy's (created on first use).
    package func getEventLoop() throws -> EventLoop {
        if let l = runningLoopOrNil { return l }
        if let worker = threads.currentWorker {
            // The policy's loop belongs to the main thread.
            throw vm.error(.runtimeError, "There is no current event loop in thread '\(worker.threadName)'.")
        }
        if asyncio.policyLoop == nil && !asyncio.policySetCalled {
            asyncio.policySetCalled = true
            asyncio.policyLoop = makeLoop()
        }
        guard let l = asyncio.policyLoop else {
            throw vm.error(.runtimeError, "There is no current event loop in thread 'MainThread'.")
        }
        return l
    }
}
