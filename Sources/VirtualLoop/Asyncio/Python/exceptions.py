# From CPython 3.11.7: Lib/asyncio/exceptions.py
#
# The exceptions that are Python classes: SendfileNotAvailableError and
# BrokenBarrierError. CancelledError, InvalidStateError, TimeoutError,
# IncompleteReadError, LimitOverrunError, QueueEmpty and QueueFull are
# native. Changes: no docstrings.

class SendfileNotAvailableError(RuntimeError):
    __module__ = 'asyncio.exceptions'


class BrokenBarrierError(RuntimeError):
    __module__ = 'asyncio.exceptions'
