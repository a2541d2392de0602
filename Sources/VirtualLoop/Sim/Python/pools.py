# In place of CPython 3.11.7: Lib/concurrent/futures/thread.py (and process.py)
#
# Not a transcription: the simulated pools of TRACE_LANGUAGE.md's
# "Executors", the same code as reference/vloop_reference.py's SimPool, over
# the native primitives of SimThreads.swift:
#   _new_thread(name, thread_name, pid)  a simulated worker
#   _run_on(worker, fn)                  run fn() on it now, until it sleeps or returns
#   _complete_later(fn)                  an external event, due now, that calls fn()
#   _as_worker(worker, fn, arg)          fn(arg) with the worker as the events' ctx
#   _block_until(pred, timeout)          a blocking wait in the loop's thread
#   _cpu_count(), _next_pool_number(), _next_pid(), _note(text)
#   _job_queued(pool, fn, args, kwargs), _job_started(job, worker), _job_finished(job, raised)
#                                        the recorder's jobs (Recording.swift)
# A job goes to the idle worker with the lowest index, else to a new thread
# while the pool has fewer than max_workers, else to a FIFO queue; a worker
# that finishes a job takes the next queued one at the same instant.
#
# Departures for bounded runs (docs/LIMITS.md, "Worker pools"): max_workers
# past _MAX_WORKERS is a ValueError where the pool is made (CPython starts
# threads only as jobs need them and sets no bound); a worker whose thread
# cannot start is CPython's RuntimeError at the submission, with the job left
# queued, as CPython's submit queues it before it starts a thread.

_MAX_WORKERS = 256


def _check_max_workers(max_workers):
    if max_workers <= 0:
        raise ValueError('max_workers must be greater than 0')
    if max_workers > _MAX_WORKERS:
        raise ValueError('max_workers must be at most %d' % _MAX_WORKERS)

class _Job:
    def __init__(self, future, fn, args, kwargs, record):
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.record = record


class _Pool(Executor):
    __module__ = 'concurrent.futures._base'

    def _init(self, max_workers):
        self._max_workers = max_workers
        self._workers = []
        self._busy = []
        self._queue = []
        self._shutdown = False
        self._idle_callbacks = []
        _register_pool(self)

    def _idle_worker(self):
        for i in range(len(self._workers)):
            if self._busy[i] is None:
                return i
        return None

    def submit(self, fn, *args, **kwargs):
        if self._shutdown:
            raise RuntimeError('cannot schedule new futures after shutdown')
        f = Future()
        job = _Job(f, fn, args, kwargs, _job_queued(self._name, fn, args, kwargs))
        try:
            self._start_workers()
            i = self._idle_worker()
            if i is None and len(self._workers) < self._max_workers:
                i = self._new_worker()
        except RuntimeError:
            self._queue.append(job)
            raise
        if i is not None and f.set_running_or_notify_cancel():
            self._start(i, job)
        else:
            self._queue.append(job)
        return f

    def _start(self, i, job):
        self._busy[i] = job
        worker = self._workers[i]
        _job_started(job.record, worker)

        def run():
            result = None
            exc = None
            try:
                result = job.fn(*job.args, **job.kwargs)
            except BaseException as e:
                exc = e
            _job_finished(job.record, exc is not None)
            _complete_later(lambda: self._complete(i, job, result, exc))

        _run_on(worker, run)

    def _complete(self, i, job, result, exc):
        worker = self._workers[i]
        if exc is not None:
            _as_worker(worker, job.future.set_exception, exc)
        else:
            _as_worker(worker, job.future.set_result, result)
        self._busy[i] = None
        while self._queue:
            nxt = self._queue.pop(0)
            if nxt.future.set_running_or_notify_cancel():
                self._start(i, nxt)
                break
        self._check_idle()

    def _start_workers(self):
        pass

    def _idle(self):
        return not self._queue and all(j is None for j in self._busy)

    def _check_idle(self):
        if self._idle_callbacks and self._idle():
            callbacks = self._idle_callbacks
            self._idle_callbacks = []
            for cb in callbacks:
                cb()

    def _when_idle(self, cb):
        self._idle_callbacks.append(cb)
        self._check_idle()

    def shutdown(self, wait=True, *, cancel_futures=False):
        self._shutdown = True
        if cancel_futures:
            while self._queue:
                self._queue.pop(0).future.cancel()
        if wait:
            _block_until(self._idle, None)


class ThreadPoolExecutor(_Pool):
    __module__ = 'concurrent.futures.thread'

    def __init__(self, max_workers=None, thread_name_prefix='', initializer=None, initargs=()):
        if max_workers is None:
            max_workers = min(32, (_cpu_count() or 1) + 4)
        _check_max_workers(max_workers)
        if initializer is not None:
            raise TypeError('initializer is not supported in a trace')
        self._thread_name_prefix = thread_name_prefix or ('ThreadPoolExecutor-%d' % _next_pool_number())
        self._name = self._thread_name_prefix
        self._init(max_workers)

    def _new_worker(self):
        i = len(self._workers)
        name = '%s_%d' % (self._thread_name_prefix, i)
        self._workers.append(_new_thread(name, name, 1000))
        self._busy.append(None)
        return i


class ProcessPoolExecutor(_Pool):
    __module__ = 'concurrent.futures.process'

    def __init__(self, max_workers=None, mp_context=None, initializer=None, initargs=(), *,
                 max_tasks_per_child=None):
        if max_workers is None:
            max_workers = _cpu_count() or 1
        _check_max_workers(max_workers)
        if initializer is not None:
            raise TypeError('initializer is not supported in a trace')
        global _process_pools
        self._name = 'ProcessPoolExecutor-%d' % _process_pools
        _process_pools += 1
        self._init(max_workers)

    def _start_workers(self):
        # Every worker process starts at the first submission.
        while len(self._workers) < self._max_workers:
            pid = _next_pid()
            self._workers.append(_new_thread('PID %d' % pid, 'MainThread', pid))
            self._busy.append(None)

    def _new_worker(self):
        return None


_pools = []
_process_pools = 0


def _register_pool(pool):
    _pools.append(pool)


def _finish_pools():
    """The interpreter's exit hook: every pool finishes its jobs."""
    _block_until(lambda: all(p._idle() for p in _pools), None)
