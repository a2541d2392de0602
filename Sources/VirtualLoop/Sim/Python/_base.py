# From CPython 3.11.7: Lib/concurrent/futures/_base.py
#
# The constants and states, Future and Executor, over the native primitives
# of SimThreads.swift (see pools.py). Changes:
#   - no locks or conditions (one thing runs at a time); a blocking wait in
#     result() and exception() is `_block_until(self.done, timeout)`;
#   - no waiters: concurrent.futures' wait and as_completed are not here;
#   - `__get_result` is `_get_result`; Executor has no map, and submit no `/`;
#   - `self.__class__` is `type(self)`; the set displays of state checks are
#     lists (`in [CANCELLED, ...]`);
#   - repr() shows the fixed address 0x7f0000000000;
#   - a callback's error is a note (`_note`) instead of LOGGER.exception;
#   - CancelledError, TimeoutError and InvalidStateError are native.

PENDING = 'PENDING'
RUNNING = 'RUNNING'
CANCELLED = 'CANCELLED'
CANCELLED_AND_NOTIFIED = 'CANCELLED_AND_NOTIFIED'
FINISHED = 'FINISHED'
FIRST_COMPLETED = 'FIRST_COMPLETED'
FIRST_EXCEPTION = 'FIRST_EXCEPTION'
ALL_COMPLETED = 'ALL_COMPLETED'

_STATE_TO_DESCRIPTION_MAP = {
    PENDING: 'pending',
    RUNNING: 'running',
    CANCELLED: 'cancelled',
    CANCELLED_AND_NOTIFIED: 'cancelled',
    FINISHED: 'finished',
}


class Future:
    __module__ = 'concurrent.futures._base'

    def __init__(self):
        self._state = PENDING
        self._result = None
        self._exception = None
        self._done_callbacks = []

    def _invoke_callbacks(self):
        for callback in self._done_callbacks:
            try:
                callback(self)
            except Exception as e:
                _note(f'exception calling callback for {self!r}: {type(e).__name__}: {e}')

    def __repr__(self):
        if self._state == FINISHED:
            if self._exception:
                return '<%s at 0x7f0000000000 state=%s raised %s>' % (
                    type(self).__name__, _STATE_TO_DESCRIPTION_MAP[self._state],
                    type(self._exception).__name__)
            else:
                return '<%s at 0x7f0000000000 state=%s returned %s>' % (
                    type(self).__name__, _STATE_TO_DESCRIPTION_MAP[self._state],
                    type(self._result).__name__)
        return '<%s at 0x7f0000000000 state=%s>' % (
            type(self).__name__, _STATE_TO_DESCRIPTION_MAP[self._state])

    def cancel(self):
        if self._state in [RUNNING, FINISHED]:
            return False
        if self._state in [CANCELLED, CANCELLED_AND_NOTIFIED]:
            return True
        self._state = CANCELLED
        self._invoke_callbacks()
        return True

    def cancelled(self):
        return self._state in [CANCELLED, CANCELLED_AND_NOTIFIED]

    def running(self):
        return self._state == RUNNING

    def done(self):
        return self._state in [CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED]

    def _get_result(self):
        if self._exception:
            raise self._exception
        else:
            return self._result

    def add_done_callback(self, fn):
        if self._state not in [CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED]:
            self._done_callbacks.append(fn)
            return
        try:
            fn(self)
        except Exception as e:
            _note(f'exception calling callback for {self!r}: {type(e).__name__}: {e}')

    def result(self, timeout=None):
        if self._state in [CANCELLED, CANCELLED_AND_NOTIFIED]:
            raise CancelledError()
        elif self._state == FINISHED:
            return self._get_result()
        _block_until(self.done, timeout)
        if self._state in [CANCELLED, CANCELLED_AND_NOTIFIED]:
            raise CancelledError()
        elif self._state == FINISHED:
            return self._get_result()
        else:
            raise TimeoutError()

    def exception(self, timeout=None):
        if self._state in [CANCELLED, CANCELLED_AND_NOTIFIED]:
            raise CancelledError()
        elif self._state == FINISHED:
            return self._exception
        _block_until(self.done, timeout)
        if self._state in [CANCELLED, CANCELLED_AND_NOTIFIED]:
            raise CancelledError()
        elif self._state == FINISHED:
            return self._exception
        else:
            raise TimeoutError()

    def set_running_or_notify_cancel(self):
        if self._state == CANCELLED:
            self._state = CANCELLED_AND_NOTIFIED
            return False
        elif self._state == PENDING:
            self._state = RUNNING
            return True
        else:
            raise RuntimeError('Future in unexpected state')

    def set_result(self, result):
        if self._state in [CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED]:
            raise InvalidStateError('{}: {!r}'.format(self._state, self))
        self._result = result
        self._state = FINISHED
        self._invoke_callbacks()

    def set_exception(self, exception):
        if self._state in [CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED]:
            raise InvalidStateError('{}: {!r}'.format(self._state, self))
        self._exception = exception
        self._state = FINISHED
        self._invoke_callbacks()


class Executor:
    __module__ = 'concurrent.futures._base'

    def submit(self, fn, *args, **kwargs):
        raise NotImplementedError()

    def shutdown(self, wait=True, *, cancel_futures=False):
        pass

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.shutdown(wait=True)
        return False
