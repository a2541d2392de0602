# From CPython 3.11.7: Lib/asyncio/mixins.py
#
# _LoopBoundMixin, the base of locks.py's and queues.py's classes. Changes:
#   - it is the one base class `_LoopBound` (a prelude class has a single
#     base; locks.py's _ContextManagerMixin derives from it);
#   - no _global_lock (one thing runs at a time), so no double check;
#   - `events._get_running_loop()` is the native `_get_running_loop()`;
#   - `__module__` is set by hand, as in every class of the prelude.

class _LoopBound:
    __module__ = 'asyncio.mixins'
    _loop = None

    def _get_loop(self):
        loop = _get_running_loop()
        if self._loop is None:
            self._loop = loop
        if loop is not self._loop:
            raise RuntimeError(f'{self!r} is bound to a different event loop')
        return loop
