import CSupport
import RunModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The largest object a trace may make (docs/LIMITS.md, "Sizes and memory"):
/// past it, the operation raises `MemoryError` before allocating anything,
/// as CPython does when the memory is not there.
public enum SizeBounds {
    /// The most items a list, tuple, dict, set, deque or bytes may hold, and
    /// the most bytes of UTF-8 a str may hold: 2^28 (268,435,456).
    public static let maxItems = 1 << 28
}

/// The run's memory budget (`RunLimits.maxMemory`, `--max-memory`).
///
/// Two kinds of check keep it, neither per instruction:
///   - every `memoryCheckInterval` instructions the interpreter's instruction
///     count passes a checkpoint (the comparison it makes anyway for
///     `maxInstructions`), and the process's resident memory is read;
///   - an operation that allocates in proportion to an argument or to an
///     object (repetition, concatenation, `join`, padding, a growing list)
///     first says how many bytes it needs (`willAllocate`): a request that
///     would pass the budget is refused before it is made, and once the
///     requests since the last check add up to `allocationCheckBytes` the
///     memory is read again.
/// Past the budget, the run stops with status `limit` and value
/// `'max-memory'` (a `RunStop`, which no `try` of the trace catches).
extension Interpreter {
    /// Instructions between two reads of the process's memory.
    public static let memoryCheckInterval = 1 << 20
    /// Bytes that `willAllocate` lets through between two reads of the process's memory.
    public static let allocationCheckBytes = 64 << 20

    /// CPython's `MemoryError`: no message.
    public func memoryError() -> PyRaise {
        raise(PyException(type: .memoryError, args: []))
    }

    /// Starts the budget of a run: what the process holds now is not the run's.
    public func startMemoryBudget(_ bytes: Int) {
        maxMemory = bytes
        memoryBaseline = bytes == Int.max ? 0 : residentBytes()
        allocatedSinceCheck = 0
        memoryCheckAt = Interpreter.memoryCheckInterval
        instructionCheck = min(maxInstructions, memoryCheckAt)
    }

    /// Starts counting the instructions of a new step (or `expect` statement);
    /// those of the step before still count toward the next memory check.
    @inlinable
    public func beginCounting() {
        memoryCheckAt &-= _instructions
        _instructions = 0
        instructionCheck = min(maxInstructions, memoryCheckAt)
    }

    /// Raises `MemoryError` when an object of `count` items (bytes of UTF-8
    /// for a str) is past `SizeBounds.maxItems`, and stops the run when its
    /// `count * bytesEach` bytes would pass the budget.
    public func checkSize(_ count: Int, bytesEach: Int) throws {
        if count > SizeBounds.maxItems { throw memoryError() }
        try willAllocate(count &* bytesEach)
    }

    /// The bytes of `count` values (a list's, a tuple's buffer).
    public func checkValues(_ count: Int) throws {
        try checkSize(count, bytesEach: MemoryLayout<Value>.stride)
    }

    /// Before a list's buffer of `capacity` values grows to hold `count`:
    /// `MemoryError` past `SizeBounds.maxItems`, and the grown buffer against
    /// the budget. Nothing to do while the buffer has room.
    @inline(__always)
    public func willGrowList(to count: Int, capacity: Int) throws {
        if count > capacity { try growing(to: count, capacity: capacity, bytesEach: MemoryLayout<Value>.stride) }
    }

    /// Before a dict's or set's table grows by one entry (`OrderedTable.isFull`).
    public func willGrowTable(_ table: OrderedTable) throws {
        if table.isFull {
            // An entry: its key and value, and its place in the index.
            try growing(to: table.count &+ 1, capacity: table.keys.capacity, bytesEach: 4 * MemoryLayout<Value>.stride)
        }
    }

    @inline(never)
    private func growing(to count: Int, capacity: Int, bytesEach: Int) throws {
        if count > SizeBounds.maxItems { throw memoryError() }
        try willAllocate(max(count, capacity &* 2) &* bytesEach)
    }

    /// Bytes that an operation fills or copies for one instruction of the
    /// budget (`maxInstructions`): about what one instruction takes to run.
    public static let bytesPerInstruction = 64

    /// Says that an operation is about to allocate `bytes` (not negative): the
    /// run stops (`'max-memory'`) when they would pass the budget. Filling or
    /// copying them is work that no instruction counts, so it is charged to
    /// the step's instruction budget, one instruction per
    /// `bytesPerInstruction` bytes: a loop that copies a large list at every
    /// iteration ends with the limit 'max-instructions' in about the time a
    /// loop of instructions would, not hours later.
    @inline(__always)
    public func willAllocate(_ bytes: Int) throws {
        allocatedSinceCheck &+= bytes
        _instructions &+= bytes / Interpreter.bytesPerInstruction
        if _instructions > maxInstructions { throw nativeLimitStop() }
        if allocatedSinceCheck > Interpreter.allocationCheckBytes { try checkMemory(requesting: bytes) }
    }

    /// Reads the process's memory and stops the run when what the run added,
    /// with `bytes` more, passes the budget.
    @inline(never)
    package func checkMemory(requesting bytes: Int) throws {
        allocatedSinceCheck = 0
        guard maxMemory != Int.max else { return }
        if fits(bytes) { return }
        // Freed memory the allocator kept is not the run's: hand it back and look again.
        releaseFreeMemory()
        if fits(bytes) { return }
        var position: RunStop.Position?
        if let f = currentFrame {
            position = .init(function: f.code.qualifiedName, path: f.code.sourcePath, line: f.location.line)
        }
        throw RunStop(reason: .limit("max-memory"), position: position)
    }

    private func fits(_ bytes: Int) -> Bool {
        let used = max(0, residentBytes() - memoryBaseline)
        return used <= maxMemory && bytes <= maxMemory - used
    }
}

/// The process's resident memory in bytes (`/proc/self/statm`); 0 where
/// there is no such file (the budget then holds each request alone).
package func residentBytes() -> Int {
    #if os(Linux)
    let fd = open("/proc/self/statm", O_RDONLY)
    if fd < 0 { return 0 }
    defer { close(fd) }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 96) { buffer -> Int in
        let n = read(fd, buffer.baseAddress, buffer.count)
        guard n > 0 else { return 0 }
        // "size resident shared text lib data dt", in pages.
        var field = 0
        var pages = 0
        for i in 0..<n {
            let c = buffer[i]
            if c == UInt8(ascii: " ") {
                field += 1
                if field > 1 { break }
            } else if field == 1, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                pages = pages &* 10 &+ Int(c - UInt8(ascii: "0"))
            }
        }
        return pages &* Int(sysconf(Int32(_SC_PAGESIZE)))
    }
    #else
    return 0
    #endif
}

/// Hands the allocator's free memory back to the system (glibc's `malloc_trim`).
private func releaseFreeMemory() {
    vloop_release_free_memory()
}
