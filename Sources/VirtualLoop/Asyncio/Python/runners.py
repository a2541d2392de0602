# From CPython 3.11.7: Lib/asyncio/runners.py
#
# Runner (asyncio.run is native, and does what Runner does). Changes:
#   - the _State members are their values, strs ('created', ...), compared
#     with == rather than `is`;
#   - no signals: run() installs no SIGINT handler (a trace gets no signals),
#     so there is no _on_sigint and no KeyboardInterrupt path;
#   - no contextvars: `context` must be None;
#   - close()'s _cancel_all_tasks and its two run_until_complete calls are
#     the native `_runner_close(loop)`, the same calls, whose results are
#     not the run's last result (TRACE_LANGUAGE.md, run_end).

class Runner:
    __module__ = 'asyncio.runners'

    def __init__(self, *, debug=None, loop_factory=None):
        self._state = 'created'
        self._debug = debug
        self._loop_factory = loop_factory
        self._loop = None
        self._interrupt_count = 0
        self._set_event_loop = False

    def __enter__(self):
        self._lazy_init()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()

    def close(self):
        if self._state != 'initialized':
            return
        try:
            loop = self._loop
            _runner_close(loop)
        finally:
            if self._set_event_loop:
                set_event_loop(None)
            loop.close()
            self._loop = None
            self._state = 'closed'

    def get_loop(self):
        self._lazy_init()
        return self._loop

    def run(self, coro, *, context=None):
        if not iscoroutine(coro):
            raise ValueError("a coroutine was expected, got {!r}".format(coro))
        if _get_running_loop() is not None:
            raise RuntimeError(
                "Runner.run() cannot be called from a running event loop")
        if context is not None:
            raise TypeError('Runner.run(context=...) is not simulated: a trace has no context variables')
        self._lazy_init()
        task = self._loop.create_task(coro)
        self._interrupt_count = 0
        return self._loop.run_until_complete(task)

    def _lazy_init(self):
        if self._state == 'closed':
            raise RuntimeError("Runner is closed")
        if self._state == 'initialized':
            return
        if self._loop_factory is None:
            self._loop = new_event_loop()
            if not self._set_event_loop:
                set_event_loop(self._loop)
                self._set_event_loop = True
        else:
            self._loop = self._loop_factory()
        if self._debug is not None:
            self._loop.set_debug(self._debug)
        self._state = 'initialized'
