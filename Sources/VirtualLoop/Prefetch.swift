import CPrefetch

// Software prefetching for the ready queue. A loop with many tasks touches,
// for each callback it runs, a chain of objects that were last used long
// ago: the task, its coroutine and frame, the frame's locals and stack, the
// timer and futures of its sleeps. One after another, each is a cache miss.
// Before running a batch of ready callbacks, `runOnce` walks the batch once
// per level of that chain and prefetches the level, so that the misses of a
// whole batch overlap instead of queueing. Prefetching never changes what
// runs or in which order: the walks only read pointers, through `Unmanaged`
// hints that retain nothing (a retain writes to the object: the very miss
// this avoids).

/// Up to three spans of memory to prefetch, each a start and a length in bytes.
struct PrefetchSpans {
    var a: UnsafeRawPointer?
    var aBytes = 0
    var b: UnsafeRawPointer?
    var bBytes = 0
    var c: UnsafeRawPointer?
    var cBytes = 0

    @inline(__always) func issue() {
        if let a { PrefetchSpans.prefetch(a, aBytes) }
        if let b { PrefetchSpans.prefetch(b, bBytes) }
        if let c { PrefetchSpans.prefetch(c, cBytes) }
    }

    /// Every cache line that `bytes` bytes from `start` touch (objects are
    /// 16-byte aligned, not 64: the last line is asked for on its own).
    @inline(__always) static func prefetch(_ start: UnsafeRawPointer, _ bytes: Int) {
        var offset = 0
        while offset < bytes {
            vloop_prefetch(start + offset)
            offset += 64
        }
        vloop_prefetch(start + (bytes - 1))
    }
}

/// Sizes of the objects a step reads (rounded up; a few bytes too many cost nothing).
enum PrefetchSize {
    static let task = 256
    static let future = 160
    static let frame = 208
    static let timer = 112
    static let coroutine = 64
}

@inline(__always) func address(_ object: AnyObject) -> UnsafeRawPointer {
    UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque())
}

extension Handle {
    /// The number of levels `prefetchSpans(depth:)` knows.
    static let prefetchDepth = 4

    /// Level `depth` of the memory that running this handle reads, assuming
    /// the levels above it are (or are about to be) in the cache.
    @inline(__always) func prefetchSpans(depth: Int) -> PrefetchSpans {
        var s = PrefetchSpans()
        if let task = hintTask {
            task._withUnsafeGuaranteedRef { $0.prefetchSpans(depth: depth, into: &s) }
        } else if let future = hintFuture {
            switch depth {
            case 0:
                s.a = UnsafeRawPointer(future.toOpaque())
                s.aBytes = PrefetchSize.future
            case 1:
                if let task = future._withUnsafeGuaranteedRef({ $0.hintWaiter }) {
                    s.a = UnsafeRawPointer(task.toOpaque())
                    s.aBytes = PrefetchSize.task
                }
            default:
                break
            }
        }
        return s
    }
}

extension PyTask {
    /// Level `depth` of what a step of this task reads: the task; its
    /// coroutine and frame; the frame's values and its sleep's timer and
    /// futures; the value on top of its stack (a loop's iterator).
    @inline(__always) func prefetchSpans(depth: Int, into s: inout PrefetchSpans) {
        guard depth > 0 else {
            s.a = address(self)
            s.aBytes = PrefetchSize.task
            return
        }
        guard let frame = hintFrame else { return }
        frame._withUnsafeGuaranteedRef { f in
            switch depth {
            case 1:
                s.a = address(coro)
                s.aBytes = PrefetchSize.coroutine
                s.b = UnsafeRawPointer(frame.toOpaque())
                s.bBytes = PrefetchSize.frame
            case 2:
                s.a = UnsafeRawPointer(f.locals)
                s.aBytes = max(1, (f.localCount + f.sp) * MemoryLayout<Value>.stride)
                s.b = f.hintSleep.0
                s.bBytes = PrefetchSize.timer
                s.c = f.hintSleep.1
                s.cBytes = PrefetchSize.future
            case 3:
                s.a = f.hintSleep.2
                s.aBytes = PrefetchSize.future
                if f.sp > 0 {
                    let top = f.stack + f.sp - 1
                    if !top.pointee.isTrivial {
                        s.b = UnsafeRawPointer(bitPattern: UnsafeRawPointer(top).load(as: UInt.self))
                        s.bBytes = 64
                    }
                }
            default:
                break
            }
        }
    }
}
