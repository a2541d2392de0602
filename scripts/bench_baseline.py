#!/usr/bin/env python3
"""The benchmark's baseline: run a trace under CPython's stock asyncio.

Usage: python3 scripts/bench_baseline.py TRACE

Stock means the C accelerated Task and Future (`_asyncio`), CPython's own
`_run_once`, no event log and no hooks per callback. The only changes are
the ones a virtual clock needs: the loop's time() reads a float, and the
selector never waits but jumps that clock by the select timeout (a run that
would block forever stops as a deadlock). `sim` and `expect` are no-op stubs,
so the trace's own prints are its only output (`from vloop import sim,
expect` gets the same stubs, and the trace's folder is first on sys.path,
for its own modules). Timed as a whole process by scripts/bench and
scripts/bench-suite (interpreter start-up and parsing included). A trace that
needs the simulated world (threads that sleep, sim.peer) cannot run here:
scripts/bench-suite runs those under the CPython reference instead.
"""
import os
import sys
import types

if tuple(sys.version_info[:3]) != (3, 11, 7):
    sys.exit('bench_baseline: CPython 3.11.7 is required, this is ' + sys.version.split()[0])

import asyncio
import selectors
from asyncio import selector_events, tasks, futures

assert tasks.Task is tasks._CTask and futures.Future is futures._CFuture, 'C _asyncio is not in use'

clock = 0.0


class Deadlock(Exception):
    pass


class JumpingSelector(selectors._BaseSelectorImpl):
    def select(self, timeout=None):
        global clock
        if timeout is None:
            raise Deadlock('deadlock: nothing scheduled and no external event')
        clock = clock + timeout
        return []


class VirtualClockLoop(selector_events.BaseSelectorEventLoop):
    def __init__(self):
        super().__init__(selector=JumpingSelector())
        self._clock_resolution = 1e-09

    def time(self):
        return clock

    def _make_self_pipe(self):
        self._ssock = self._csock = None

    def _close_self_pipe(self):
        pass

    def _write_to_self(self):
        pass


class Policy(asyncio.DefaultEventLoopPolicy):
    _loop_factory = VirtualClockLoop


class _Stub:
    cpu_count = 4
    epoch = 1_700_000_000.0

    def __getattr__(self, name):
        return lambda *a, **k: None


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: bench_baseline.py TRACE')
    path = sys.argv[1]
    with open(path, encoding='utf-8') as f:
        source = f.read()
    code = compile(source, path, 'exec')
    asyncio.set_event_loop_policy(Policy())
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    stubs = types.ModuleType('vloop')
    stubs.sim, stubs.expect = _Stub(), _Stub()
    sys.modules['vloop'] = stubs
    g = {'__name__': '__main__', '__file__': path, 'sim': stubs.sim, 'expect': stubs.expect}
    exec(code, g)


if __name__ == '__main__':
    main()
