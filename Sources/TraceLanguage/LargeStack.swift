import Foundation

/// Runs work that recurses over a trace's syntax tree (parsing, scope
/// analysis, compiling, and freeing the tree) on a thread whose stack is
/// large enough for the tallest tree the parser accepts (`Parser.maxDepth`
/// levels of expression on `Parser.maxDepth` levels of statements), in a
/// debug build as in a release one, whatever thread the caller is on: a
/// test's or a worker's thread may have far less stack than the main one.
enum LargeStack {
    /// 256 MiB (times `sanitizerStackFactor`): a debug build's compiler takes
    /// several KiB per level of the tree. The stack is reserved, not touched,
    /// and freed with the thread.
    static let size = (1 << 28) * sanitizerStackFactor

    static func run<T>(_ body: @escaping () -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = size
        thread.start()
        done.wait()
        return box.value!
    }

    /// The result, written by the thread before it signals and read by the
    /// caller after the signal.
    private final class Box<T>: @unchecked Sendable {
        var value: T?
    }
}
