import CSupport
import PyRuntime
import RunModel

// Software prefetching for the ready queue. A loop with many tasks touches,
// for each callback it runs, objects that were last used long ago: the
// task, its coroutine and frame, the frame's values, the iterator of the
// loop it is in, the timer and future of its sleep. One after another,
// each would be a cache miss. So a task records, when it suspends, where its
// next step will read (`StepHints`), and `runOnce` prefetches a few
// callbacks ahead in two levels: the task (or the future) a callback names,
// then what that object's hints point to. The misses of several callbacks
// then overlap instead of queueing.
//
// Prefetching never changes what runs or in which order. The walks read
// only through `Unmanaged` references that retain nothing (a retain writes
// to the object: the very miss this avoids), and only objects that the
// callback keeps alive; hinted addresses are only ever prefetched, never read
// through, so a stale one costs nothing (a prefetch does not fault).

/// Where the next step of a suspended task reads first.
package struct StepHints {
    package var coroutine: UnsafeRawPointer?
    package var frame: UnsafeRawPointer?
    /// The frame's locals and its stack up to the top.
    package var values: UnsafeRawPointer?
    package var valueBytes = 0
    /// The object on top of the frame's stack (a `for` loop's iterator).
    package var top: UnsafeRawPointer?
    /// A native sleep's timer and future.
    package var timer: UnsafeRawPointer?
    package var future: UnsafeRawPointer?

    package init() {}

    /// The hints of a task whose coroutine runs `f` and has just suspended.
    package init(coroutine: UnsafeRawPointer, frame f: Frame) {
        self.coroutine = coroutine
        frame = address(f)
        values = UnsafeRawPointer(f.locals)
        valueBytes = max(1, (f.localCount + f.sp) * MemoryLayout<Value>.stride)
        if f.sp > 0 {
            let top = f.stack + f.sp - 1
            if !top.pointee.isTrivial {
                // The first word of a reference case is the reference.
                self.top = UnsafeRawPointer(bitPattern: UnsafeRawPointer(top).load(as: UInt.self))
            }
        }
        if f.nativeAwait == SleepStage.awaiting.rawValue,
            let state = unsafeBitCast(f.hostState, to: UnsafeRawPointer?.self)
        {
            // The frame waits in a native sleep (Sleep.swift): its future and
            // the future's timer, read without retaining what the frame holds.
            future = state
            Unmanaged<SleepFuture>.fromOpaque(state)._withUnsafeGuaranteedRef { fut in
                timer = fut.timer.map(address)
            }
        }
    }

    @inline(__always) package func prefetch() {
        prefetchSpan(coroutine, PrefetchSize.coroutine)
        prefetchSpan(frame, PrefetchSize.frame)
        prefetchSpan(values, valueBytes)
        prefetchSpan(top, 64)
        prefetchSpan(timer, PrefetchSize.timer)
        prefetchSpan(future, PrefetchSize.future)
    }
}

/// Sizes of the objects a step reads (rounded up: a few bytes too many cost nothing).
package enum PrefetchSize {
    package static let task = 256
    package static let future = 160
    package static let frame = 208
    package static let timer = 112
    package static let coroutine = 64
}

/// Every cache line that `bytes` bytes from `start` touch (objects are
/// 16-byte aligned, not 64: the last line is asked for on its own).
@inline(__always) package func prefetchSpan(_ start: UnsafeRawPointer?, _ bytes: Int) {
    guard let start else { return }
    var offset = 0
    while offset < bytes {
        vloop_prefetch(start + offset)
        offset += 64
    }
    vloop_prefetch(start + (bytes - 1))
}

@inline(__always) package func address(_ object: AnyObject) -> UnsafeRawPointer {
    UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque())
}

extension Handle {
    /// The number of levels `prefetch(level:)` knows.
    package static let prefetchLevels = 2

    /// Prefetches level `level` of the memory that running this handle reads,
    /// once the level above it is (or is about to be) in the cache: the task
    /// or future the callback names, then what that object's hints point to.
    @inline(__always) package func prefetch(level: Int) {
        if let task = hintTask {
            if level == 0 {
                prefetchSpan(UnsafeRawPointer(task.toOpaque()), PrefetchSize.task)
            } else {
                task._withUnsafeGuaranteedRef { $0.hints.prefetch() }
            }
        } else if let future = hintFuture {
            if level == 0 {
                prefetchSpan(UnsafeRawPointer(future.toOpaque()), PrefetchSize.future)
            } else if let task = future._withUnsafeGuaranteedRef({ $0.hintWaiter }) {
                prefetchSpan(UnsafeRawPointer(task.toOpaque()), PrefetchSize.task)
            }
        }
    }
}
