#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An OS thread with a stack of a chosen size, for a simulated worker.
///
/// Started with `pthread_create` rather than Foundation's `Thread`, whose
/// `start()` ignores a failure to create the thread: a worker whose thread
/// never starts would leave the run waiting for it forever. Here the failure
/// is an error the caller turns into Python's `RuntimeError: can't start new
/// thread`. The thread is joinable: `join()` waits for it to end and frees its
/// stack, so that runs leave no threads behind.
package final class NativeThread {
    /// Why a thread did not start: `pthread_create`'s error number (EAGAIN
    /// when the system lacks the resources, such as the address space for
    /// its stack), or nil when the run's own budget of threads refused it.
    package struct StartFailure: Error, Equatable {
        package let errorNumber: Int32?
    }

    #if canImport(Darwin)
    private let handle: pthread_t?
    #else
    private let handle: pthread_t
    #endif
    /// Whether `join()` has run; a thread is joined at most once.
    private var joined = false

    #if canImport(Darwin)
    private init(_ handle: pthread_t?) { self.handle = handle }
    #else
    private init(_ handle: pthread_t) { self.handle = handle }
    #endif

    /// Starts `body` on a new thread with `stackSize` bytes of stack.
    package static func start(stackSize: Int, _ body: @escaping () -> Void) throws(StartFailure) -> NativeThread {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        let sizeError = pthread_attr_setstacksize(&attributes, stackSize)
        if sizeError != 0 { throw StartFailure(errorNumber: sizeError) }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        #if canImport(Darwin)
        var handle: pthread_t?
        #else
        var handle = pthread_t()
        #endif
        let error = pthread_create(
            &handle, &attributes,
            { context in
                #if canImport(Darwin)
                let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
                #else
                let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
                #endif
                body.run()
                return nil
            }, context)
        if error != 0 {
            Unmanaged<Body>.fromOpaque(context).release()
            throw StartFailure(errorNumber: error)
        }
        return NativeThread(handle)
    }

    /// A thread dropped without `join()` is detached, so that it frees itself when it ends.
    deinit {
        guard !joined else { return }
        #if canImport(Darwin)
        if let handle { pthread_detach(handle) }
        #else
        pthread_detach(handle)
        #endif
    }

    /// Waits for the thread to end and frees it. Must not be called from the thread itself.
    package func join() {
        guard !joined else { return }
        joined = true
        #if canImport(Darwin)
        if let handle { pthread_join(handle, nil) }
        #else
        pthread_join(handle, nil)
        #endif
    }

    /// The closure a thread runs, boxed to pass through `pthread_create`'s context pointer.
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
}
