/// What the recorder keeps about a run beside its event log: each task's
/// lifecycle, each executor job, each connection's traffic, the callbacks
/// that blocked the loop and the tasks left pending. These are not events
/// (the event log's format is fixed by TRACE_LANGUAGE.md and compared byte
/// for byte with CPython's); they feed the run store and the reports.

/// How much one callback or task step kept the loop busy (only the ones that did).
public struct Blocking: Sendable {
    public var start: Double
    public var duration: Double
    public var ctx: String

    public init(start: Double, duration: Double, ctx: String) {
        self.start = start
        self.duration = duration
        self.ctx = ctx
    }
}

/// One task's lifecycle on the virtual clock.
public struct TaskRecord: Sendable, Equatable, Codable {
    /// The task's name at the end of the run (`Task-3`, or the name given).
    public var name: String
    /// When the task was created.
    public var created: Double
    /// When its first step ran; nil when it never ran.
    public var firstStep: Double?
    /// When it finished; nil when it was still pending at the end.
    public var done: Double?
    /// `result`, `exception`, `cancelled` or `pending`.
    public var state: String
    /// How many steps it took (calls of `Task.__step`).
    public var steps: Int
    /// The distinct instants at which it stepped, in order; between two of
    /// them the task was waiting.
    public var stepTimes: [Double]
    /// The call that made its coroutine (`fetch('b', 0.15)`; objects other
    /// than numbers and text by their type, `<Conn>`); nil when not known
    /// (another awaitable, or a run recorded by an older vloop).
    public var coroutine: String?
    /// How it ended when it raised: `KeyError: 'b'`.
    public var exception: String?
    /// What created it (Causality.swift); nil when not recorded.
    public var creator: Cause?
    /// The step (loop callback) during which it was created, and during
    /// which it finished; nil when not recorded (or, for `doneStep`, pending).
    public var createdStep: Int?
    public var doneStep: Int?
    /// Each of its steps and what woke it, in order; empty when not recorded.
    public var wakes: [Wake]

    public init(
        name: String, created: Double, firstStep: Double?, done: Double?, state: String,
        steps: Int, stepTimes: [Double], coroutine: String? = nil, exception: String? = nil,
        creator: Cause? = nil, createdStep: Int? = nil, doneStep: Int? = nil, wakes: [Wake] = []
    ) {
        self.coroutine = coroutine
        self.exception = exception
        self.creator = creator
        self.createdStep = createdStep
        self.doneStep = doneStep
        self.wakes = wakes
        self.name = name
        self.created = created
        self.firstStep = firstStep
        self.done = done
        self.state = state
        self.steps = steps
        self.stepTimes = stepTimes
    }

    /// `Task-3 fetch('b')`: the name, and the call when it says more.
    public var label: String { taskLabel(name, call: coroutine) }
}

/// How every report names a task: `Task-3 fetch('b')`, the name alone when
/// the call is not known (nil or empty).
public func taskLabel(_ name: String, call: String?) -> String {
    guard let call, !call.isEmpty else { return name }
    return "\(name) \(call)"
}

/// A job of a pool: when it was queued, started on which worker, and finished.
public struct JobRecord: Sendable, Equatable, Codable {
    /// The pool: a thread pool's name prefix (`asyncio`, `ThreadPoolExecutor-0`)
    /// or `ProcessPoolExecutor-K`.
    public var executor: String
    /// The call, as `blocks(3)` or `download('a.com', 0.5)`.
    public var job: String
    /// The worker's name (`asyncio_0`, `PID 1001`); nil while queued.
    public var worker: String?
    public var queued: Double
    public var started: Double?
    /// When the function returned or raised.
    public var finished: Double?
    /// False when the job raised.
    public var succeeded: Bool?
    /// The steps (loop callbacks, Causality.swift) during which it was
    /// queued, started and finished; nil when not recorded or not yet.
    public var queuedStep: Int?
    public var startedStep: Int?
    public var finishedStep: Int?

    public init(
        executor: String, job: String = "", worker: String? = nil, queued: Double, started: Double? = nil,
        finished: Double? = nil, succeeded: Bool? = nil, queuedStep: Int? = nil, startedStep: Int? = nil,
        finishedStep: Int? = nil
    ) {
        self.queuedStep = queuedStep
        self.startedStep = startedStep
        self.finishedStep = finishedStep
        self.executor = executor
        self.job = job
        self.worker = worker
        self.queued = queued
        self.started = started
        self.finished = finished
        self.succeeded = succeeded
    }
}

/// One connection: where to, when it connected (or was refused), and the
/// bytes sent and delivered over time.
public struct ConnectionRecord: Sendable, Equatable {
    public struct Transfer: Sendable, Equatable {
        public var t: Double
        public var bytes: Int

        public init(t: Double, bytes: Int) {
            self.t = t
            self.bytes = bytes
        }
    }

    /// The peer's host as declared (or the address, for an undeclared one).
    public var host: String
    public var address: String
    public var port: Int
    public var opened: Double
    public var connected: Double?
    public var refused: Double?
    public var sent: [Transfer] = []
    public var delivered: [Transfer] = []
    /// When the peer closed its side.
    public var peerClosed: Double?
    /// When the trace closed the socket.
    public var closed: Double?

    public init(
        host: String, address: String, port: Int, opened: Double, connected: Double? = nil,
        refused: Double? = nil, sent: [Transfer] = [], delivered: [Transfer] = [],
        peerClosed: Double? = nil, closed: Double? = nil
    ) {
        self.host = host
        self.address = address
        self.port = port
        self.opened = opened
        self.connected = connected
        self.refused = refused
        self.sent = sent
        self.delivered = delivered
        self.peerClosed = peerClosed
        self.closed = closed
    }
}

/// A task left pending when the run ended, and what it was waiting for.
public struct PendingTask: Sendable, Equatable {
    public var name: String
    public var awaiting: String

    public init(name: String, awaiting: String) {
        self.name = name
        self.awaiting = awaiting
    }
}
