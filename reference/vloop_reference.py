#!/usr/bin/env python3
# vloop reference prelude and runner.
#
# Runs a trace (shared/TRACE_LANGUAGE.md) under CPython 3.11.7's own asyncio
# and prints its event log as JSON Lines. CPython does all the scheduling:
# `_run_once`, handles, timers, tasks and futures are CPython's, untouched.
# This file only hooks what the simulated world and the event log need:
#
#   clock     VirtualLoop.time() and the patched time.time/monotonic/perf_counter
#             read one float, World.clock (0.0 at start).
#   selector  VirtualSelector.select(timeout) never waits: it jumps the clock
#             to now + timeout (a float sum), or reports a deadlock when
#             timeout is None and nothing external is pending.
#   steps     events.Handle._run is wrapped: it counts callbacks (--max-steps),
#             measures how far each advanced the clock (expect.max_blocking)
#             and unwinds the run once it has been stopped.
#   tasks     the C accelerator `_asyncio` is blocked before asyncio is
#             imported, so every Future/Task (gather's, sleep's, run's) is the
#             pure-Python class; the moment a task's state changes is observed
#             in Future.__schedule_callbacks, before any callback is scheduled.
#   print     an injected `print` writes one `print` event per call.
#   logging   basicConfig installs an event handler; asyncio's own logger and
#             warnings become notes on stderr.
#   executors concurrent.futures.ThreadPoolExecutor/ProcessPoolExecutor are
#             simulated pools whose workers are real threads run one at a time
#             by a strict hand-off: a job's time.sleep is an external event,
#             its completion another; blocking waits in the loop's thread
#             (time.sleep, shutdown(wait=True), Future.result) let the workers
#             run; shutdown_default_executor resolves when its last job ends.
#   network   socket.socket and socket.getaddrinfo are simulated: peers
#             declared with sim.peer, connects, replies and closes as external
#             events; the VirtualSelector reports ready sockets in the spec's
#             order, under CPython's own sock_connect, transport and streams.
#   sets      set displays, set comprehensions and the name `set` are rewritten
#             to an insertion-ordered set; tasks.all_tasks/wait/as_completed and
#             TaskGroup.__init__ (its children) are recompiled with it;
#             tasks._all_tasks keeps creation order.
#   modules   the trace's folder and the --path folders go first on sys.path,
#             and a path hook loads the user's modules and packages from them
#             through the same rewriting, with the same `print`, `sim` and
#             `expect` (a standard library name is never looked up there);
#             `vloop` (`from vloop import expect, sim`) is this run's.
#
#   sandbox   --sandbox (vloop verify): vloop_sandbox.py, beside this file,
#             confines an untrusted trace (limits, vloop's modules and
#             builtins only, an audit hook against file, process and network
#             access) once everything above is installed.
#
# Usage: python3 reference/vloop_reference.py [--max-steps N] [--max-time T]
#                                              [--seed S] [--check] [--path DIR]...
#                                              [--sandbox --allow-modules M,... --allow-builtins B,...
#                                               --cpu-seconds N --max-memory BYTES] TRACE
# Exit status: 0 (without --check: the trace ran, whatever its status; with
# --check: every property held and the status was expected), 1 (--check: a
# property failed or the run ended with a status nothing expected), 2 (the
# runner itself could not run: wrong Python, unreadable trace, bad flags),
# 3 (--sandbox: the sandbox stopped the trace; the reason is on stderr).

import sys

REQUIRED_VERSION = (3, 11, 7)
if tuple(sys.version_info[:3]) != REQUIRED_VERSION:
    sys.stderr.write(
        'vloop_reference: CPython %d.%d.%d is required (the reference of the '
        'conformance rule); this is %s at %s. Run it with the pyenv python3 '
        '(/root/.pyenv/versions/3.11.7/bin/python3).\n'
        % (REQUIRED_VERSION + (sys.version.split()[0], sys.executable)))
    sys.exit(2)

# Block the C accelerator so that asyncio binds its pure-Python Future, Task,
# _GatheringFuture base, current_task/_enter_task and get_running_loop.
sys.modules['_asyncio'] = None

import argparse
import ast
import collections.abc
import builtins
import io
import json
import os
import re
import threading
import time
import traceback
import warnings
import logging
import random
import inspect
import operator
import selectors
import socket
import heapq
import collections
import concurrent.futures
import weakref
import __future__
import textwrap
import types
import importlib.abc
import importlib.machinery

import asyncio
from asyncio import base_events, events, futures, tasks, runners, taskgroups
from asyncio import selector_events
from asyncio.log import logger as asyncio_logger

# The real clock functions, kept for nothing but reference.
_real_sleep = time.sleep

SET_NAME = '__vloop_set__'


class StopRun(SystemExit):
    """Raised by the hooks to unwind the run at once.

    A SystemExit subclass: asyncio's Handle._run and Task.__step re-raise
    SystemExit instead of routing it to the exception handler, so the run
    unwinds straight to the top-level statement that started it."""


# --------------------------------------------------------------------------
# Insertion-ordered set


class OrderedSet:
    """A set that iterates in insertion order (the spec's `set`).

    Operators keep the left operand's elements first, then the right's;
    pop() removes the first inserted element."""

    __slots__ = ('_d',)
    __hash__ = None

    def __init__(self, iterable=()):
        self._d = dict.fromkeys(iterable)

    def add(self, x):
        self._d[x] = None

    def discard(self, x):
        self._d.pop(x, None)

    def remove(self, x):
        try:
            del self._d[x]
        except KeyError:
            raise KeyError(x) from None

    def pop(self):
        if not self._d:
            raise KeyError('pop from an empty set')
        x = next(iter(self._d))
        del self._d[x]
        return x

    def clear(self):
        self._d.clear()

    def copy(self):
        return OrderedSet(self._d)

    def update(self, *others):
        for o in others:
            for x in o:
                self._d[x] = None

    def difference_update(self, *others):
        for o in others:
            for x in o:
                self._d.pop(x, None)

    def __contains__(self, x):
        return x in self._d

    def __len__(self):
        return len(self._d)

    def __iter__(self):
        return iter(self._d)

    def __bool__(self):
        return bool(self._d)

    def union(self, *others):
        r = OrderedSet(self._d)
        r.update(*others)
        return r

    def intersection(self, *others):
        r = OrderedSet(self._d)
        for o in others:
            o = o if isinstance(o, (OrderedSet, set, frozenset, dict)) else OrderedSet(o)
            r = OrderedSet(x for x in r if x in o)
        return r

    def difference(self, *others):
        r = OrderedSet(self._d)
        r.difference_update(*others)
        return r

    def issubset(self, other):
        return all(x in other for x in self)

    def issuperset(self, other):
        return all(x in self for x in other)

    def isdisjoint(self, other):
        return not any(x in self for x in other)

    @staticmethod
    def _setlike(o):
        return isinstance(o, (OrderedSet, set, frozenset))

    def __or__(self, o):
        if not self._setlike(o):
            return NotImplemented
        return self.union(o)

    def __ror__(self, o):
        if not self._setlike(o):
            return NotImplemented
        return OrderedSet(o).union(self)

    def __and__(self, o):
        if not self._setlike(o):
            return NotImplemented
        return OrderedSet(x for x in self if x in o)

    def __rand__(self, o):
        if not self._setlike(o):
            return NotImplemented
        return OrderedSet(x for x in o if x in self)

    def __sub__(self, o):
        if not self._setlike(o):
            return NotImplemented
        return OrderedSet(x for x in self if x not in o)

    def __rsub__(self, o):
        if not self._setlike(o):
            return NotImplemented
        return OrderedSet(x for x in o if x not in self)

    def __xor__(self, o):
        if not self._setlike(o):
            return NotImplemented
        return OrderedSet([x for x in self if x not in o] + [x for x in o if x not in self])

    def __rxor__(self, o):
        if not self._setlike(o):
            return NotImplemented
        return OrderedSet(o) ^ self

    def __ior__(self, o):
        if not self._setlike(o):
            return NotImplemented
        self.update(o)
        return self

    def __isub__(self, o):
        if not self._setlike(o):
            return NotImplemented
        self.difference_update(o)
        return self

    def __iand__(self, o):
        if not self._setlike(o):
            return NotImplemented
        self._d = dict.fromkeys(x for x in self if x in o)
        return self

    def __ixor__(self, o):
        if not self._setlike(o):
            return NotImplemented
        self._d = dict.fromkeys([x for x in self if x not in o] + [x for x in o if x not in self])
        return self

    def __eq__(self, o):
        if not self._setlike(o):
            return NotImplemented
        return len(self) == len(o) and all(x in o for x in self)

    def __ne__(self, o):
        r = self.__eq__(o)
        return r if r is NotImplemented else not r

    def __le__(self, o):
        return self.issubset(o)

    def __ge__(self, o):
        return self.issuperset(o)

    def __lt__(self, o):
        return len(self) < len(o) and self.issubset(o)

    def __gt__(self, o):
        return len(self) > len(o) and self.issuperset(o)

    def __repr__(self):
        if not self._d:
            return 'set()'
        return '{' + ', '.join(repr(x) for x in self._d) + '}'


# Error messages name the type as CPython's own set would ("unsupported operand
# type(s) for &: 'bool' and 'set'"), so the ordered set takes that name.
OrderedSet.__name__ = OrderedSet.__qualname__ = 'set'
# A set is a collections.abc.MutableSet (CPython registers its set type).
collections.abc.MutableSet.register(OrderedSet)


class SetRewriter(ast.NodeTransformer):
    """Rewrites set displays, set comprehensions and the name `set`."""

    def visit_Set(self, node):
        self.generic_visit(node)
        new = ast.Call(func=ast.Name(id=SET_NAME, ctx=ast.Load()),
                       args=[ast.List(elts=node.elts, ctx=ast.Load())], keywords=[])
        return ast.copy_location(new, node)

    def visit_SetComp(self, node):
        self.generic_visit(node)
        if any(g.is_async for g in node.generators) or any(
                isinstance(n, ast.Await) for n in ast.walk(node)):
            # An asynchronous comprehension: a list comprehension is
            # awaited in place, as the set comprehension would be.
            comp = ast.ListComp(elt=node.elt, generators=node.generators)
            new = ast.Call(func=ast.Name(id=SET_NAME, ctx=ast.Load()), args=[comp], keywords=[])
            return ast.copy_location(new, node)
        gen = ast.GeneratorExp(elt=node.elt, generators=node.generators)
        new = ast.Call(func=ast.Name(id=SET_NAME, ctx=ast.Load()), args=[gen], keywords=[])
        return ast.copy_location(new, node)

    def visit_Name(self, node):
        if node.id == 'set' and isinstance(node.ctx, ast.Load):
            return ast.copy_location(ast.Name(id=SET_NAME, ctx=ast.Load()), node)
        return node


class OrderedTaskRegistry:
    """tasks._all_tasks in creation order, holding its tasks strongly
    (the harness has no garbage collection: a task nobody references stays
    in all_tasks, and asyncio.run cancels it)."""

    def __init__(self):
        self._d = {}

    def add(self, t):
        self._d[t] = None

    def discard(self, t):
        self._d.pop(t, None)

    def __iter__(self):
        return iter(list(self._d))

    def __len__(self):
        return len(self._d)


# --------------------------------------------------------------------------
# The world: clock, recorder, run state


def exc_text(exc):
    """`Type: message`, or `Type` when the message is empty, without module."""
    name = type(exc).__name__
    try:
        msg = str(exc)
    except Exception:
        msg = '<exception str() failed>'
    return f'{name}: {msg}' if msg else name


class World:
    def __init__(self, max_steps, max_time):
        self.clock = 0.0
        self.max_steps = max_steps
        self.max_time = max_time
        self.steps = 0
        self.events = []
        self.notes = []
        self.stopped = False
        self.status = None
        self.status_value = None
        self.exception = None
        self.last_result = None
        self.in_runner_close = 0
        self.blocking = []      # (advance, start time, label) per callback that advanced the clock
        self.max_advance = 0.0
        self.current_line = 0
        # External events (workers, peers): a heap of (due, seq, kind, action).
        self.external = []
        self.seq = 0
        # The simulated worker running now (None: the loop's thread), the
        # semaphore the loop's thread waits on while one runs, the pools.
        self.current = None
        self.main_sem = threading.Semaphore(0)
        self.pools = []
        self.pool_counter = 0
        self.next_pid = 1001
        self.worker_steps = 0

    # -- recording
    def ctx(self):
        if self.current is not None:
            return self.current.name
        loop = events._get_running_loop()
        if loop is not None:
            t = tasks._current_tasks.get(loop)
            if t is not None:
                return t.get_name()
        return 'MainThread'

    def record(self, ev):
        if not self.stopped:
            self.events.append(ev)

    def note(self, text):
        self.notes.append(text)
        sys.stderr.write('note: ' + text + '\n')

    # -- stopping
    def stop(self, status, value):
        if self.stopped:
            return
        self.status = status
        # A limit's value is the repr of its name ('max-time'), as the spec's event log says.
        self.status_value = repr(value) if status == 'limit' else value
        self.stopped = True

    def check_stopped(self):
        if self.stopped:
            raise StopRun()

    def pending_task_names(self):
        return [t.get_name() for t in tasks._all_tasks if not t.done()]

    # -- time
    def advance_to(self, new):
        """Move the clock to `new`, or stop the run if that passes --max-time."""
        if new > self.max_time:
            self.stop('limit', 'max-time')
            raise StopRun()
        self.clock = new

    # -- external events: (due, seq, kind, action); kind 'worker' or 'network'
    def schedule(self, due, kind, action):
        self.seq += 1
        heapq.heappush(self.external, (due, self.seq, kind, action))

    def deliver_due(self):
        """Every external event due by now, in order of (due, scheduling),
        including those that the deliveries schedule for this instant."""
        while self.external and self.external[0][0] <= self.clock:
            _, _, _, action = heapq.heappop(self.external)
            action()
            if self.stopped:
                raise StopRun()

    def block_until(self, done, until=None):
        """A blocking wait in the loop's thread: worker threads keep running,
        each of their events at its own instant, until `done()` holds (or the
        clock would pass `until`). Network events wait for the next select."""
        while not done():
            nxt = None
            for ev in sorted(self.external):
                if ev[2] == 'worker':
                    nxt = ev
                    break
            if nxt is None or (until is not None and nxt[0] > until):
                return False
            self.external.remove(nxt)
            heapq.heapify(self.external)
            self.advance_to(max(self.clock, nxt[0]))
            nxt[3]()
            if self.stopped:
                raise StopRun()
        return True

    def sleep(self, secs):
        if self.stopped:
            raise StopRun()
        if secs < 0:
            raise ValueError('sleep length must be non-negative')
        if self.current is not None:
            worker_sleep(self.current, secs)
            return
        target = self.clock + secs
        if target > self.max_time:
            self.stop('limit', 'max-time')
            raise StopRun()
        self.block_until(lambda: False, until=target)
        self.clock = target

    def select(self, timeout, selector):
        """The virtual select: returns the ready sockets, those already ready
        first (then it does not wait), then those that the deliveries of this
        step made ready, in that order, each once."""
        if self.stopped:
            raise StopRun()
        NET.newly_ready = []
        already = NET.ready_sockets(selector)
        if already:
            timeout = 0
        if self.external and (timeout is None or self.external[0][0] <= self.clock + timeout):
            self.advance_to(max(self.clock, self.external[0][0]))
            self.deliver_due()
        elif timeout is None:
            self.stop('deadlock', repr(self.pending_task_names()))
            raise StopRun()
        else:
            self.advance_to(self.clock + timeout)
        order = list(already)
        for s in NET.newly_ready:
            if s not in order:
                order.append(s)
        ready = []
        for s in order:
            key = selector._fd_to_key.get(s.fd)
            if key is None:
                continue
            mask = 0
            if key.events & selectors.EVENT_READ and s.readable():
                mask |= selectors.EVENT_READ
            if key.events & selectors.EVENT_WRITE and s.writable:
                mask |= selectors.EVENT_WRITE
            if mask:
                ready.append((key, mask))
        return ready

    # -- who runs
    def thread_name(self):
        return self.current.thread_name if self.current is not None else 'MainThread'

    def pid(self):
        return self.current.pid if self.current is not None else 1000


W = None  # the World of this run


def sleep_length(secs):
    """time.sleep's argument checked as CPython's _PyTime_FromSecondsObject
    checks it (the real time.sleep would wait): NaN, a float past the 64-bit
    nanosecond range (infinities included) or an int past it is an error;
    the sign is checked after, by World.sleep."""
    if isinstance(secs, float):
        if secs != secs:
            raise ValueError('Invalid value NaN (not a number)')
        if not (-9223372036854775808.0 <= secs * 1e9 < 9223372036854775808.0):
            raise OverflowError('timestamp out of range for platform time_t')
        return secs
    i = operator.index(secs)
    if not (-2**63 <= i * 10**9 < 2**63):
        raise OverflowError('timestamp too large to convert to C _PyTime_t')
    return i


# --------------------------------------------------------------------------
# The loop: CPython's selector loop with a virtual clock and no self-pipe


class VirtualSelector(selectors._BaseSelectorImpl):
    def select(self, timeout=None):
        return W.select(timeout, self)


class OrderedWeakSet:
    """loop._asyncgens in insertion order: CPython's WeakSet iterates in hash
    (address) order, which decides the order in which shutdown_asyncgens
    closes the async generators still alive at the end of asyncio.run."""

    def __init__(self):
        self._refs = {}

    def add(self, item):
        key = id(item)
        if key not in self._refs:
            def gone(ref, key=key, refs=self._refs):
                if refs.get(key) is ref:
                    del refs[key]
            self._refs[key] = weakref.ref(item, gone)

    def discard(self, item):
        self._refs.pop(id(item), None)

    def _live(self):
        return [x for x in (r() for r in list(self._refs.values())) if x is not None]

    def __len__(self):
        return len(self._live())

    def __iter__(self):
        return iter(self._live())

    def clear(self):
        self._refs.clear()


class VirtualLoop(selector_events.BaseSelectorEventLoop):
    def __init__(self):
        super().__init__(selector=VirtualSelector())
        self._clock_resolution = 1e-09
        self._asyncgens = OrderedWeakSet()

    def time(self):
        return W.clock

    # No self-pipe: call_soon_threadsafe only appends to the ready queue.
    def _make_self_pipe(self):
        self._ssock = None
        self._csock = None

    def _close_self_pipe(self):
        pass

    def _write_to_self(self):
        pass


class VirtualPolicy(asyncio.DefaultEventLoopPolicy):
    _loop_factory = VirtualLoop


# --------------------------------------------------------------------------
# Executors: simulated worker threads and processes
#
# A worker is a real thread that runs only while the thread that resumed it
# waits (a strict hand-off), so one thing runs at a time and every run is the
# same. A job runs on its worker up to its first time.sleep(d), which schedules
# the worker's wake-up as an external event at now + d and hands control back.
# When the job returns or raises, its completion is an external event at that
# instant: it sets the concurrent future (whose callbacks, asyncio's
# _call_set_state among them, run "in the worker": call_soon_threadsafe), and
# the worker takes the next queued job at once.


class SimWorker:
    def __init__(self, pool, index, name, thread_name, pid):
        self.pool = pool
        self.index = index
        self.name = name                # ctx of its events
        self.thread_name = thread_name  # %(threadName)s
        self.pid = pid                  # %(process)d
        self.sem = threading.Semaphore(0)
        self.resumer = None
        self.job = None
        self.thread = None

    def main(self):
        while True:
            job = self.job
            try:
                result = job.fn(*job.args, **job.kwargs)
                outcome = (result, None)
            except StopRun:
                raise
            except BaseException as exc:
                outcome = (None, exc)
            W.schedule(W.clock, 'worker', lambda job=job, outcome=outcome: self.pool.complete(self, job, outcome))
            yield_back(self)


def switch_to(worker):
    """Runs `worker` until it sleeps or finishes its job; the caller waits."""
    W.worker_steps += 1
    if W.worker_steps > W.max_steps:
        W.stop('limit', 'max-steps')
        raise StopRun()
    me = W.current
    worker.resumer = me
    W.current = worker
    if worker.thread is None:
        worker.thread = threading.Thread(target=worker.main, name=worker.thread_name, daemon=True)
        worker.thread.start()
    else:
        worker.sem.release()
    (me.sem if me is not None else W.main_sem).acquire()
    W.current = me
    if W.stopped:
        raise StopRun()


def yield_back(worker):
    r = worker.resumer
    (r.sem if r is not None else W.main_sem).release()
    worker.sem.acquire()


def worker_sleep(worker, secs):
    W.schedule(W.clock + secs, 'worker', lambda: switch_to(worker))
    yield_back(worker)
    if W.stopped:
        raise StopRun()


# A pool's largest max_workers (vloop's Sim/Python/pools.py, docs/LIMITS.md,
# "Worker pools"): past it, making the pool is a ValueError.
MAX_WORKERS = 256


def check_max_workers(max_workers):
    if max_workers <= 0:
        raise ValueError('max_workers must be greater than 0')
    if max_workers > MAX_WORKERS:
        raise ValueError('max_workers must be at most %d' % MAX_WORKERS)


class SimJob:
    def __init__(self, future, fn, args, kwargs):
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs


class SimPool(concurrent.futures.Executor):
    """What ThreadPoolExecutor and ProcessPoolExecutor share: workers taken
    lowest index first, a FIFO queue, completions as external events."""

    processes = False

    def _init(self, max_workers):
        self._max_workers = max_workers
        self._workers = []
        self._queue = collections.deque()
        self._shutdown = False
        self._idle_callbacks = []
        W.pools.append(self)

    def _new_worker(self):
        raise NotImplementedError

    def _idle_worker(self):
        for w in self._workers:
            if w.job is None:
                return w
        return None

    def submit(self, fn, /, *args, **kwargs):
        if self._shutdown:
            raise RuntimeError('cannot schedule new futures after shutdown')
        f = concurrent.futures.Future()
        job = SimJob(f, fn, args, kwargs)
        self._start_workers()
        worker = self._idle_worker()
        if worker is None and len(self._workers) < self._max_workers:
            worker = self._new_worker()
        if worker is not None and f.set_running_or_notify_cancel():
            worker.job = job
            switch_to(worker)
        else:
            self._queue.append(job)
        return f

    def _start_workers(self):
        pass

    def complete(self, worker, job, outcome):
        prev = W.current
        W.current = worker     # the future's callbacks run in the worker
        try:
            result, exc = outcome
            if exc is not None:
                job.future.set_exception(exc)
            else:
                job.future.set_result(result)
        finally:
            W.current = prev
        worker.job = None
        while self._queue:
            nxt = self._queue.popleft()
            if nxt.future.set_running_or_notify_cancel():
                worker.job = nxt
                switch_to(worker)
                break
        self._check_idle()

    def idle(self):
        return not self._queue and all(w.job is None for w in self._workers)

    def _check_idle(self):
        if self._idle_callbacks and self.idle():
            cbs, self._idle_callbacks = self._idle_callbacks, []
            for cb in cbs:
                cb()

    def when_idle(self, cb):
        """Calls `cb` once no job is queued or running (at once if none is)."""
        self._idle_callbacks.append(cb)
        self._check_idle()

    def shutdown(self, wait=True, *, cancel_futures=False):
        self._shutdown = True
        if cancel_futures:
            while self._queue:
                self._queue.popleft().future.cancel()
        if wait:
            if W.current is not None:
                raise RuntimeError(f'a job cannot wait for another job or a pool (in {W.current.name})')
            W.block_until(self.idle)


class SimThreadPoolExecutor(SimPool):
    def __init__(self, max_workers=None, thread_name_prefix='', initializer=None, initargs=()):
        if max_workers is None:
            max_workers = min(32, (SIM.cpu_count or 1) + 4)
        check_max_workers(max_workers)
        if not thread_name_prefix:
            thread_name_prefix = 'ThreadPoolExecutor-%d' % W.pool_counter
            W.pool_counter += 1
        self._thread_name_prefix = thread_name_prefix
        self._init(max_workers)

    def _new_worker(self):
        name = '%s_%d' % (self._thread_name_prefix, len(self._workers))
        w = SimWorker(self, len(self._workers), name, name, 1000)
        self._workers.append(w)
        return w


class SimProcessPoolExecutor(SimPool):
    def __init__(self, max_workers=None, mp_context=None, initializer=None, initargs=(), *,
                 max_tasks_per_child=None):
        if max_workers is None:
            max_workers = SIM.cpu_count or 1
        check_max_workers(max_workers)
        self._init(max_workers)

    def _start_workers(self):
        # Every process starts at the first submission.
        while len(self._workers) < self._max_workers:
            pid = W.next_pid
            W.next_pid += 1
            self._workers.append(SimWorker(self, len(self._workers), f'PID {pid}', 'MainThread', pid))

    def _new_worker(self):
        return None


# ThreadPoolExecutor is what set_default_executor checks for.
SimProcessPoolExecutor.__name__ = SimProcessPoolExecutor.__qualname__ = 'ProcessPoolExecutor'
SimThreadPoolExecutor.__name__ = SimThreadPoolExecutor.__qualname__ = 'ThreadPoolExecutor'


def install_executors():
    concurrent.futures.ThreadPoolExecutor = SimThreadPoolExecutor
    concurrent.futures.ProcessPoolExecutor = SimProcessPoolExecutor

    # A blocking wait on a concurrent future: in the loop's thread, workers
    # run until it is done; in a job, it is an error (the spec's rule).
    Future = concurrent.futures.Future
    for name in ('result', 'exception'):
        orig = getattr(Future, name)

        def wait_then(self, timeout=None, _orig=orig):
            if not self.done():
                if W.current is not None:
                    raise RuntimeError(f'a job cannot wait for another job or a pool (in {W.current.name})')
                until = None if timeout is None else W.clock + timeout
                W.block_until(self.done, until)
                if not self.done():
                    # The thread waited the whole timeout.
                    if until is not None and until > W.clock:
                        W.advance_to(until)
                    raise TimeoutError()
            return _orig(self, timeout=0)
        setattr(Future, name, wait_then)

    # shutdown_default_executor: CPython's shutdown thread joins the default
    # executor's workers, then call_soon_threadsafe(future.set_result, None);
    # here that happens when its last job completes (at once when none runs).
    async def shutdown_default_executor(self):
        self._executor_shutdown_called = True
        if self._default_executor is None:
            return
        future = self.create_future()
        executor = self._default_executor
        executor._shutdown = True

        def joined():
            if not self.is_closed():
                self.call_soon_threadsafe(future.set_result, None)
        executor.when_idle(joined)
        await future
    base_events.BaseEventLoop.shutdown_default_executor = shutdown_default_executor


def finish_pools():
    """The interpreter's exit hook: every pool finishes its jobs."""
    W.block_until(lambda: all(p.idle() for p in W.pools))


# --------------------------------------------------------------------------
# The network: peers declared with sim.peer, simulated sockets under CPython's
# own sock_connect, selector transport and streams.


class SimPeer:
    def __init__(self, host, port, connect, dns, replies, close):
        self.host = host
        self.port = port
        self.connect = connect
        self.dns = dns
        self.replies = replies
        self.close = close


def _is_ipv4(host):
    """What inet_pton(AF_INET, host) accepts: four decimal parts up to 255, no leading zeros."""
    parts = host.split('.') if isinstance(host, str) else []
    return len(parts) == 4 and all(p.isdigit() and p.isascii() and len(p) <= 3 and int(p) <= 255
                                   and not (len(p) > 1 and p[0] == '0') for p in parts)


class SimNetwork:
    def __init__(self):
        self.peers = []
        self.addresses = {}
        self.next_fd = 7
        self.sockets = {}
        self.ready_serial = 0
        self.newly_ready = []
        # Connection attempts so far to each (address, port): see peer_answering.
        self.attempts = {}

    def address_of(self, host):
        if _is_ipv4(host):
            return host
        if host not in self.addresses:
            self.addresses[host] = '198.51.100.%d' % (len(self.addresses) + 1)
        return self.addresses[host]

    def dns_delay(self, host):
        for p in self.peers:
            if p.host == host:
                return p.dns
        return 0

    def peer_answering(self, ip, port):
        """Who answers a connection attempt to ip:port, which this counts: the
        n-th attempt there (refused ones too) is answered by the n-th peer
        declared at that address and port, and the last one declared answers
        every later attempt. A host name and the IP literal it resolves to are
        one address."""
        n = self.attempts.get((ip, port), 0)
        self.attempts[(ip, port)] = n + 1
        declared = [p for p in self.peers if p.port == port and self.address_of(p.host) == ip]
        return declared[min(n, len(declared) - 1)] if declared else None

    def declare(self, host, port, connect=0.0, dns=0.0, replies=(), close=None):
        if not isinstance(host, str) or not host:
            raise TypeError('sim.peer() needs a host name or address (a non-empty str)')
        if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
            raise ValueError('sim.peer(): port must be an int from 1 to 65535')

        def seconds(name, v):
            if v < 0 or v != v or v == float('inf'):
                raise ValueError(f'sim.peer(): {name} must be >= 0, not {v!r}')
            return float(v)
        connect = seconds('connect', connect)
        dns = seconds('dns', dns)
        if close is not None:
            close = seconds('close', close)
        parsed = []
        for k, reply in enumerate(replies):
            def chunk(c):
                if not isinstance(c, tuple) or len(c) != 2:
                    raise TypeError(f"sim.peer(): reply {k} must be (delay, nbytes), (delay, b'...') or a list of them, not {c!r}")
                d, data = c
                if d < 0 or d != d or d == float('inf'):
                    raise ValueError(f'sim.peer(): the delay of reply {k} must be >= 0, not {d!r}')
                if isinstance(data, bool) or not isinstance(data, (int, bytes)):
                    raise TypeError(f'sim.peer(): the data of reply {k} must be an int (a count of bytes) or bytes')
                if isinstance(data, int):
                    if data < 0:
                        raise ValueError(f'sim.peer(): reply {k} cannot have {data} bytes')
                    data = bytes(data)
                return (float(d), data)
            parsed.append([chunk(c) for c in reply] if isinstance(reply, list) else [chunk(reply)])
        if not _is_ipv4(host):
            self.address_of(host)
        self.peers.append(SimPeer(host, port, connect, dns, parsed, close))

    def ready_sockets(self, selector):
        ready = []
        for fd, key in selector._fd_to_key.items():
            s = self.sockets.get(fd)
            if s is None:
                continue
            since = None
            if key.events & selectors.EVENT_READ and s.readable():
                since = s.readable_since
            if key.events & selectors.EVENT_WRITE and s.writable:
                since = s.writable_since if since is None else min(since, s.writable_since)
            if since is not None:
                ready.append((since, s))
        ready.sort(key=lambda x: x[0])
        return [s for _, s in ready]


class SimSocket:
    """What socket.socket() gives asyncio's _connect_sock."""

    def __init__(self, family=socket.AF_INET, type=socket.SOCK_STREAM, proto=0, fileno=None):
        self.family = socket.AF_INET
        self.type = socket.SOCK_STREAM
        self.proto = socket.IPPROTO_TCP
        self.fd = NET.next_fd
        NET.next_fd += 1
        NET.sockets[self.fd] = self
        self.peer = None
        self.remote = None
        self.writable = False
        self.so_error = 0
        self.connected = False
        self.inbox = b''
        self.eof = False
        self.closed = False
        self.writes = 0
        self.readable_since = 0
        self.writable_since = 0

    def readable(self):
        return bool(self.inbox) or self.eof

    def update(self, change):
        was_r, was_w = self.readable(), self.writable
        change()
        if self.readable() and not was_r:
            NET.ready_serial += 1
            self.readable_since = NET.ready_serial
        if self.writable and not was_w:
            NET.ready_serial += 1
            self.writable_since = NET.ready_serial
        if ((self.readable() and not was_r) or (self.writable and not was_w)) and self not in NET.newly_ready:
            NET.newly_ready.append(self)

    def fileno(self):
        return -1 if self.closed else self.fd

    def setblocking(self, flag):
        pass

    def settimeout(self, t):
        pass

    def gettimeout(self):
        return 0.0

    def setsockopt(self, *args):
        pass

    def getsockopt(self, level, opt, *args):
        return self.so_error

    def shutdown(self, how):
        pass

    def close(self):
        self.closed = True

    def detach(self):
        self.closed = True
        return self.fd

    def getsockname(self):
        return ('10.0.0.1', 40000 + self.fd)

    def getpeername(self):
        if not self.connected:
            raise OSError(107, 'Transport endpoint is not connected')
        return self.remote

    def connect(self, address):
        ip, port = address
        self.remote = (ip, port)
        self.peer = NET.peer_answering(ip, port)
        delay = self.peer.connect if self.peer is not None else 0.0

        def done():
            def change():
                self.writable = True
                if self.peer is not None:
                    self.connected = True
                else:
                    self.so_error = 111
            self.update(change)
            if self.peer is not None and not self.peer.replies and self.peer.close is not None:
                self.schedule_close(self.peer.close)
        W.schedule(W.clock + delay, 'network', done)
        raise BlockingIOError(115, 'Operation now in progress')

    def schedule_close(self, seconds):
        def close():
            self.update(lambda: setattr(self, 'eof', True))
        W.schedule(W.clock + seconds, 'network', close)

    def send(self, data):
        if not self.connected or self.peer is None:
            raise BrokenPipeError(32, 'Broken pipe')
        data = bytes(data)
        if not data:
            return 0
        k = self.writes
        self.writes += 1
        if k < len(self.peer.replies):
            now = W.clock
            last = 0.0
            for delay, chunk in self.peer.replies[k]:
                last = max(last, delay)

                def arrive(chunk=chunk):
                    self.update(lambda: setattr(self, 'inbox', self.inbox + chunk))
                W.schedule(now + delay, 'network', arrive)
            if k == len(self.peer.replies) - 1 and self.peer.close is not None:
                W.schedule(now + last + self.peer.close, 'network',
                           lambda: self.update(lambda: setattr(self, 'eof', True)))
        return len(data)

    def recv(self, n):
        if not self.inbox:
            if self.eof:
                return b''
            raise BlockingIOError(11, 'Resource temporarily unavailable')
        out, self.inbox = self.inbox[:n], self.inbox[n:]
        return out


NET = None


def sim_getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """socket.getaddrinfo, run on the default executor: blocks its worker for the DNS delay."""
    W.sleep(NET.dns_delay(host))
    return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, '', (NET.address_of(host), port))]


def install_network():
    global NET
    NET = SimNetwork()
    socket.socket = SimSocket
    socket.getaddrinfo = sim_getaddrinfo
    # Garbage collection is absent from the simulated world: dropping a
    # writer or a transport closes nothing.
    from asyncio import streams
    streams.StreamWriter.__del__ = lambda self: None
    selector_events._SelectorTransport.__del__ = lambda self, _warn=None: None


# --------------------------------------------------------------------------
# Hooks


def install_c_future_texts():
    """The pure-Python Future raises CPython's default (C) futures' texts.

    The reference runs the pure-Python Future (the C accelerator is blocked),
    whose InvalidStateError texts differ from the C Future's, which is what a
    program gets under a plain `python3`: result() and exception() of a
    pending future say 'Result is not set.' and 'Exception is not set.',
    set_result()/set_exception() on a done future say 'invalid state'
    (Modules/_asynciomodule.c). Only the texts change; the state checks and
    everything else stay the pure-Python code's."""
    Future = futures._PyFuture
    orig_result, orig_set_result, orig_set_exception = Future.result, Future.set_result, Future.set_exception

    def result(self):
        if self._state == futures._PENDING:
            raise asyncio.InvalidStateError('Result is not set.')
        return orig_result(self)

    def set_result(self, result):
        if self._state != futures._PENDING:
            raise asyncio.InvalidStateError('invalid state')
        return orig_set_result(self, result)

    def set_exception(self, exception):
        if self._state != futures._PENDING:
            raise asyncio.InvalidStateError('invalid state')
        return orig_set_exception(self, exception)

    Future.result, Future.set_result, Future.set_exception = result, set_result, set_exception


def install_hooks():
    # Everything must be the pure-Python classes.
    assert futures.Future is futures._PyFuture
    assert tasks.Task is tasks._PyTask
    assert asyncio.Future is futures._PyFuture and asyncio.Task is tasks._PyTask
    assert issubclass(tasks._GatheringFuture, futures._PyFuture)
    assert tasks._enter_task is tasks._py_enter_task
    assert tasks._register_task is tasks._py_register_task
    assert events.get_running_loop is events._py_get_running_loop

    asyncio.set_event_loop_policy(VirtualPolicy())
    install_c_future_texts()

    # Handles: count, measure, unwind.
    orig_run = events.Handle._run

    def _run(self):
        w = W
        if w.stopped:
            raise StopRun()
        w.steps += 1
        if w.steps > w.max_steps:
            w.stop('limit', 'max-steps')
            raise StopRun()
        before = w.clock
        try:
            orig_run(self)
        finally:
            adv = w.clock - before
            if adv > 0:
                cb = self._callback
                owner = getattr(cb, '__self__', None)
                if isinstance(owner, tasks._PyTask):
                    label = owner.get_name()
                else:
                    label = getattr(cb, '__qualname__', repr(cb))
                w.blocking.append((adv, before, label))
        if w.stopped:
            raise StopRun()
    events.Handle._run = _run

    # The moment a task's state changes.
    orig_sched = futures._PyFuture._Future__schedule_callbacks

    def schedule_callbacks(self):
        if isinstance(self, tasks._PyTask) and not W.stopped:
            if self._state == futures._CANCELLED:
                exc = self._cancelled_exc
                if exc is not None:
                    msg = str(exc)
                else:
                    msg = self._cancel_message
                    msg = '' if msg is None else str(msg)
                value = 'CancelledError: ' + msg if msg else 'CancelledError'
                state = 'cancelled'
            elif self._exception is not None:
                value = exc_text(self._exception)
                state = 'exception'
            else:
                value = repr(self._result)
                state = 'result'
            W.record({'t': W.clock, 'ctx': self.get_name(), 'kind': 'task_done',
                      'state': state, 'value': value})
        orig_sched(self)
    futures._PyFuture._Future__schedule_callbacks = schedule_callbacks

    # all_tasks in creation order; wait/as_completed with ordered sets.
    tasks._all_tasks = OrderedTaskRegistry()
    tasks.__dict__[SET_NAME] = OrderedSet
    for fname in ('all_tasks', 'wait', '_wait', 'as_completed'):
        fn = getattr(tasks, fname)
        src = inspect.getsource(fn)
        tree = ast.parse(src)
        tree = ast.fix_missing_locations(SetRewriter().visit(tree))
        ast.increment_lineno(tree, fn.__code__.co_firstlineno - 1)
        exec(compile(tree, tasks.__file__, 'exec'), tasks.__dict__)
        if hasattr(asyncio, fname):
            setattr(asyncio, fname, tasks.__dict__[fname])

    # TaskGroup keeps its children in a plain set (self._tasks, made in
    # __init__): _abort iterates it to cancel them, so the order in which a
    # failing child's siblings (or all children, when the parent is cancelled)
    # get cancelled, and so the order of their CancelledError handlers and of
    # the sub-exceptions, would follow hash (address) order. Recompile
    # TaskGroup.__init__ with the ordered set (whose discard() serves
    # _on_task_done). locks.py, queues.py and timeouts.py keep their waiters
    # in deques and lists; tasks.shield and wait_for use no sets.
    taskgroups.__dict__[SET_NAME] = OrderedSet
    for cls, mname in ((taskgroups.TaskGroup, '__init__'),):
        fn = getattr(cls, mname)
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        tree = ast.fix_missing_locations(SetRewriter().visit(tree))
        ast.increment_lineno(tree, fn.__code__.co_firstlineno - 1)
        ns = {}
        exec(compile(tree, taskgroups.__file__, 'exec'), taskgroups.__dict__, ns)
        ns[mname].__qualname__ = fn.__qualname__
        setattr(cls, mname, ns[mname])

    # The last run/run_until_complete's value (not asyncio.run's cleanup).
    orig_ruc = base_events.BaseEventLoop.run_until_complete

    def run_until_complete(self, future):
        r = orig_ruc(self, future)
        if not W.in_runner_close:
            W.last_result = r
        return r
    base_events.BaseEventLoop.run_until_complete = run_until_complete

    orig_close = runners.Runner.close

    def runner_close(self):
        W.in_runner_close += 1
        try:
            return orig_close(self)
        finally:
            W.in_runner_close -= 1
    runners.Runner.close = runner_close

    # time
    time.sleep = lambda secs: W.sleep(sleep_length(secs))
    install_executors()
    install_network()
    time.time = lambda: W.clock + SIM.epoch
    time.monotonic = lambda: W.clock
    time.perf_counter = lambda: W.clock

    # random: deterministic (outside the conformance rule)
    random.seed(ARGS.seed)

    # warnings -> notes
    def showwarning(message, category, filename, lineno, file=None, line=None):
        W.note(f'{category.__name__}: {message} ({os.path.basename(filename)}:{lineno})')
    warnings.showwarning = showwarning
    install_logging()


class EventHandler(logging.Handler):
    """One `log` event per record that passes the level."""

    def emit(self, record):
        if W.stopped:
            return
        try:
            text = self.format(record)
        except RecursionError:
            raise
        except Exception as e:
            # As CPython's StreamHandler.emit: the record is dropped, its error
            # written to stderr by handleError (here one note), and the program goes on.
            W.note(logging_error_text(exc_text(e), repr(record.msg), str(record.args)))
            return
        W.record({'t': W.clock, 'ctx': W.ctx(), 'kind': 'log', 'text': text})


def logging_error_text(error, message, arguments):
    """The note for a record that could not be formatted: what CPython's
    `Handler.handleError` writes to stderr, on one line, without the traceback
    into logging's own code."""
    return f'--- Logging error --- {error}; Message: {message}; Arguments: {arguments}'


class NoteHandler(logging.Handler):
    def emit(self, record):
        try:
            W.note('asyncio: ' + self.format(record))
        except Exception:
            pass


def _format_exception_last_line(self, ei):
    exc = ei[1]
    if exc is None:
        return 'NoneType: None'
    return exc_text(exc)


def install_logging():
    logging.Formatter.converter = time.gmtime
    logging.Formatter.formatException = _format_exception_last_line

    orig_factory = logging.getLogRecordFactory()

    def factory(*a, **kw):
        r = orig_factory(*a, **kw)
        r.process = W.pid()
        r.threadName = W.thread_name()
        return r
    logging.setLogRecordFactory(factory)

    orig_basic = logging.basicConfig
    root = logging.getLogger()

    def basicConfig(**kwargs):
        kwargs.pop('stream', None)   # sys.stdout / sys.stderr: the event log either way
        kwargs.pop('filename', None)
        kwargs.pop('filemode', None)
        kwargs['stream'] = io.StringIO()
        before = list(root.handlers)
        orig_basic(**kwargs)
        for i, h in enumerate(list(root.handlers)):
            if h not in before:
                eh = EventHandler(h.level)
                eh.setFormatter(h.formatter)
                root.handlers[i] = eh
                h.close()
    logging.basicConfig = basicConfig

    last = EventHandler(logging.WARNING)
    logging.lastResort = last

    asyncio_logger.propagate = False
    nh = NoteHandler()
    nh.setFormatter(logging.Formatter('%(message)s'))
    asyncio_logger.addHandler(nh)


def trace_print(*args, sep=' ', end='\n', file=None, flush=False):
    buf = io.StringIO()
    builtins.print(*args, sep=sep, end=end, file=buf)
    if W.stopped:
        return
    text = buf.getvalue()
    if end is None or end == '\n':
        text = text[:-1]
    W.record({'t': W.clock, 'ctx': W.ctx(), 'kind': 'print', 'text': text})


class Sim:
    """The simulated world's knobs (`sim` in a trace)."""

    def __init__(self):
        self._cpu_count = 4
        self._epoch = 1_700_000_000.0

    @property
    def epoch(self):
        return self._epoch

    @epoch.setter
    def epoch(self, e):
        # Bounded, as in vloop, so that clock readings and log timestamps stay finite and fit.
        if not isinstance(e, (int, float)):
            raise TypeError(f'sim.epoch must be a real number, not {type(e).__name__}')
        if not (-1e10 <= e <= 1e10):
            raise ValueError(f'sim.epoch must be a finite number of seconds from -1e10 to 1e10, not {e!r}')
        self._epoch = float(e)

    @property
    def cpu_count(self):
        return self._cpu_count

    @cpu_count.setter
    def cpu_count(self, n):
        # None (or 0) stands for an unknown count, as os.cpu_count() may return.
        if n is not None:
            if isinstance(n, bool) or not isinstance(n, int):
                raise TypeError(f"'{type(n).__name__}' object cannot be interpreted as an integer")
            if n < 0:
                raise ValueError(f'sim.cpu_count must be None or at least 0, not {n}')
        self._cpu_count = n

    def explore(self, runs=200, jitter=0.5, timer_jitter=0.0, timer_lateness=None, shuffle_ready=False,
                strategy="portfolio", depth=3):
        # Exploration is vloop's job; the reference replays run 0 only.
        return None

    def peer(self, host, port, connect=0.0, dns=0.0, replies=(), close=None):
        NET.declare(host, port, connect, dns, replies, close)


SIM = None
ARGS = None


# --------------------------------------------------------------------------
# Properties


def compile_glob(pat):
    if not isinstance(pat, str):
        pat = str(pat)
    out = []
    for ch in pat:
        if ch == '*':
            out.append('.*')
        elif ch == '?':
            out.append('.')
        else:
            out.append(re.escape(ch))
    return re.compile(''.join(out), re.DOTALL)


PATTERN_KEYS = ('ctx', 'text', 'kind', 'state', 'value')


class Pattern:
    def __init__(self, p):
        self.raw = p
        if isinstance(p, dict):
            bad = [k for k in p if k not in PATTERN_KEYS]
            if bad:
                raise ValueError(f'pattern keys must be among {PATTERN_KEYS}, not {bad}')
            self.fields = {k: compile_glob(v) for k, v in p.items()}
            self.text = None
        else:
            self.fields = None
            self.text = compile_glob(p)

    def matches(self, ev):
        if self.fields is None:
            return ev['kind'] in ('print', 'log') and self.text.fullmatch(ev['text']) is not None
        for k, rx in self.fields.items():
            if k not in ev or rx.fullmatch(str(ev[k])) is None:
                return False
        return True

    def first(self, log):
        for i, ev in enumerate(log):
            if self.matches(ev):
                return i
        return None

    def all(self, log):
        return [i for i, ev in enumerate(log) if self.matches(ev)]

    def __repr__(self):
        return repr(self.raw)


def describe(ev):
    if ev['kind'] in ('print', 'log'):
        return f"{ev['kind']} {ev['text']!r} by {ev['ctx']} at t={ev['t']!r}"
    if ev['kind'] == 'task_done':
        return f"task_done {ev['ctx']} {ev['state']} {ev['value']} at t={ev['t']!r}"
    return f"run_end {ev['status']} {ev['value']} at t={ev['t']!r}"


def vacuous_flag_problem(vacuous):
    """What is wrong with a `vacuous=` argument (the property then fails, as in vloop), or None."""
    if not isinstance(vacuous, bool):
        return f'vacuous must be True or False, not {type(vacuous).__name__} {vacuous!r}'
    return None


def unmatched_message(patterns, log):
    """None when every pattern matches an event; else the property holds only
    vacuously, which fails it (vloop's Vacuity: the closest texts are vloop's alone)."""
    missing = [p for p in patterns if p.first(log) is None]
    if not missing:
        return None
    return ('holds only vacuously: ' + '; '.join(f'{p!r} matched no event' for p in missing)
            + ' in the run; add vacuous=True if it is meant to match nothing')


class Property:
    def __init__(self, name, line, check):
        self.name = name
        self.line = line
        self.check = check   # log, world -> None (holds) or a string (what was seen)


class Expect:
    """`expect` in a trace: each call records a property, checked at the end."""

    def __init__(self):
        self.props = []

    def _line(self):
        f = sys._getframe(3)
        if f.f_code.co_name == '<module>':
            return W.current_line
        return f.f_lineno

    def _add(self, name, check):
        self.props.append(Property(name, self._line(), check))

    def output(self, lines):
        want = list(lines)

        def check(log, w):
            got = [e['text'] for e in log if e['kind'] in ('print', 'log')]
            if got == want:
                return None
            for i, (a, b) in enumerate(zip(got, want)):
                if a != b:
                    return f'text {i + 1} is {a!r}, expected {b!r} (got {got!r})'
            return f'{len(got)} texts instead of {len(want)}: {got!r}'
        self._add('expect.output', check)

    def order(self, *pats, vacuous=False):
        ps = [Pattern(p) for p in pats]

        def check(log, w):
            if vacuous_flag_problem(vacuous):
                return vacuous_flag_problem(vacuous)
            prev = None
            for p in ps:
                i = p.first(log)
                if i is None:
                    return None if vacuous else f'no event matches {p!r}'
                if prev is not None and i <= prev[1]:
                    return (f'first {p!r} ({describe(log[i])}) does not come after '
                            f'first {prev[0]!r} ({describe(log[prev[1]])})')
                prev = (p, i)
            return None
        self._add('expect.order', check)

    def before(self, a, b, *, vacuous=False):
        pa, pb = Pattern(a), Pattern(b)

        def check(log, w):
            if vacuous_flag_problem(vacuous):
                return vacuous_flag_problem(vacuous)
            ia, ib = pa.all(log), pb.all(log)
            if not ia or not ib:
                return None if vacuous else unmatched_message([pa, pb], log)
            if max(ia) < min(ib):
                return None
            return f'{describe(log[min(ib)])} matches {b!r} but comes before {describe(log[max(ia)])}'
        self._add('expect.before', check)

    def never(self, a):
        pa = Pattern(a)

        def check(log, w):
            i = pa.first(log)
            return None if i is None else f'{describe(log[i])}'
        self._add('expect.never', check)

    def at(self, a, t, tolerance=None):
        pa = Pattern(a)

        def check(log, w):
            i = pa.first(log)
            if i is None:
                return f'no event matches {a!r}'
            got = log[i]['t']
            if tolerance is None:
                ok = got == t
            else:
                ok = abs(got - t) <= tolerance
            return None if ok else f'first {a!r} at t={got!r}, expected {t!r}'
        self._add('expect.at', check)

    def elapsed(self, t=None, max=None, min=None, tolerance=None):
        def check(log, w):
            d = w.clock
            if t is not None:
                ok = d == t if tolerance is None else abs(d - t) <= tolerance
                if not ok:
                    return f'the run lasted {d!r}, expected {t!r}'
            if max is not None and d > max:
                return f'the run lasted {d!r}, more than max={max!r}'
            if min is not None and d < min:
                return f'the run lasted {d!r}, less than min={min!r}'
            return None
        self._add('expect.elapsed', check)

    def concurrency(self, start, end, max, *, vacuous=False):
        ps, pe = Pattern(start), Pattern(end)
        limit = max

        def check(log, w):
            if vacuous_flag_problem(vacuous):
                return vacuous_flag_problem(vacuous)
            open_ = {}
            total = 0
            for ev in log:
                if pe.matches(ev):
                    c = ev.get('ctx')
                    total -= open_.pop(c, 0)
                if ps.matches(ev):
                    c = ev.get('ctx')
                    open_[c] = open_.get(c, 0) + 1
                    total += 1
                    if total > limit:
                        return f'{total} intervals open at {describe(ev)}'
            return None if vacuous else unmatched_message([ps, pe], log)
        self._add('expect.concurrency', check)

    def max_blocking(self, d):
        def check(log, w):
            worst = None
            for b in w.blocking:
                if b[0] > d and (worst is None or b[0] > worst[0]):
                    worst = b
            if worst is None:
                return None
            return f'a callback of {worst[2]} blocked the loop for {worst[0]!r} s from t={worst[1]!r}'
        self._add('expect.max_blocking', check)

    def result(self, value):
        def check(log, w):
            if w.last_result == value:
                return None
            return f'the last run returned {w.last_result!r}'
        self._add('expect.result', check)

    def raises(self, name):
        want = str(name).split('.')[-1]

        def check(log, w):
            if w.status == 'exception' and type(w.exception).__name__ == want:
                return None
            return f'the run ended with status {w.status!r}: {w.status_value}'
        self._add('expect.raises', check)

    def all_done(self):
        def check(log, w):
            p = w.pending_task_names()
            return None if not p else f'tasks left pending: {p!r}'
        self._add('expect.all_done', check)

    def status(self, s):
        def check(log, w):
            return None if w.status == s else f'the run ended with status {w.status!r}: {w.status_value}'
        self._add('expect.status', check)


# --------------------------------------------------------------------------
# Running the trace


def is_main_guard(stmt):
    if not isinstance(stmt, ast.If):
        return False
    t = stmt.test
    if not (isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq)):
        return False
    sides = [t.left, t.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == '__name__']
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == '__main__']
    return len(names) == 1 and len(consts) == 1


def top_level_statements(body):
    for stmt in body:
        if is_main_guard(stmt):
            yield from top_level_statements(stmt.body)
        else:
            yield stmt


def is_expect(stmt):
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute)
            and isinstance(stmt.value.func.value, ast.Name)
            and stmt.value.func.value.id == 'expect')


# --------------------------------------------------------------------------
# The user's modules


EXPECT = None  # the `expect` of the running trace
# The builtins the trace and its modules run with: CPython's, or under
# --sandbox only those vloop provides (vloop_sandbox.py).
TRACE_BUILTINS = builtins


def harness_names():
    """What the trace and every module it imports see without importing it."""
    return {'print': trace_print, 'sim': SIM, 'expect': EXPECT, SET_NAME: OrderedSet}


class UserModuleLoader(importlib.abc.Loader):
    """Runs a user's module as the trace runs: set displays rewritten, the
    harness's names in its globals. Its path as found (the search folder
    joined with its name) is its `__file__` and the file its tracebacks name."""

    def __init__(self, path):
        self.path = path

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        with open(self.path, encoding='utf-8') as f:
            source = f.read()
        tree = ast.parse(source, filename=self.path)
        tree = ast.fix_missing_locations(SetRewriter().visit(tree))
        module.__dict__.update(harness_names())
        module.__dict__['__builtins__'] = TRACE_BUILTINS
        exec(compile(tree, self.path, 'exec'), module.__dict__)



class UserModuleFinder(importlib.abc.PathEntryFinder):
    """Finds modules in one folder as CPython's FileFinder does for `.py`
    files: a package (folder with __init__.py), then NAME.py, then a portion
    of a namespace package. Standard library names are left to CPython."""

    def __init__(self, folder):
        self.folder = folder

    def find_spec(self, fullname, target=None):
        if fullname.partition('.')[0] in sys.stdlib_module_names or fullname.partition('.')[0] == 'vloop':
            return None
        tail = fullname.rpartition('.')[2]
        base = tail if self.folder in ('', '.') else os.path.join(self.folder, tail)
        if os.path.isdir(base):
            init = os.path.join(base, '__init__.py')
            if os.path.isfile(init):
                spec = importlib.machinery.ModuleSpec(
                    fullname, UserModuleLoader(init), origin=init, is_package=True)
                spec.submodule_search_locations = [base]
                spec.has_location = True
                return spec
        if os.path.isfile(base + '.py'):
            spec = importlib.machinery.ModuleSpec(fullname, UserModuleLoader(base + '.py'), origin=base + '.py')
            spec.has_location = True
            return spec
        if os.path.isdir(base):
            spec = importlib.machinery.ModuleSpec(fullname, None, is_package=True)
            spec.submodule_search_locations = [base]
            return spec
        return None

    def invalidate_caches(self):
        pass


def install_module_path(folders):
    """Puts `folders` first on sys.path and loads the user's modules from
    them (and from the packages in them) with UserModuleFinder."""
    roots = [os.path.realpath(f) for f in folders]

    def hook(entry):
        real = os.path.realpath(entry)
        if any(real == r or real.startswith(r + os.sep) for r in roots):
            return UserModuleFinder(entry)
        raise ImportError('not a vloop module folder')
    sys.path_hooks.insert(0, hook)
    sys.path[:0] = folders
    for f in folders:
        sys.path_importer_cache.pop(f, None)


def install_vloop_module(expect):
    """`vloop`: `from vloop import expect, sim` gives this run's. The installed
    package (pip install .) is used when it is the one imported."""
    m = sys.modules.get('vloop')
    if m is None:
        m = types.ModuleType('vloop')
        sys.modules['vloop'] = m
    m.expect = expect
    m.sim = SIM


def run_trace(path, source):
    global EXPECT
    tree = ast.parse(source, filename=path)
    tree = ast.fix_missing_locations(SetRewriter().visit(tree))
    expect = Expect()
    EXPECT = expect
    install_vloop_module(expect)
    # The trace's globals are those of a module installed as __main__, as
    # when CPython runs a file: code that looks its module up in sys.modules
    # (dataclasses resolving string annotations, pickle) finds them.
    main = type(sys)('__main__')
    g = main.__dict__
    del g['__doc__'], g['__loader__']
    g.update({
        '__name__': '__main__',
        '__file__': path,
        '__builtins__': TRACE_BUILTINS,
        '__package__': None,
        '__spec__': None,
    })
    g.update(harness_names())
    sys.modules['__main__'] = main
    # Each statement compiles on its own: `from __future__ import
    # annotations` must reach the ones after it as a flag.
    flags = 0
    for stmt in top_level_statements(tree.body):
        if W.stopped and not is_expect(stmt):
            continue
        W.current_line = stmt.lineno
        if (isinstance(stmt, ast.ImportFrom) and stmt.module == '__future__'
                and any(a.name == 'annotations' for a in stmt.names)):
            flags |= __future__.annotations.compiler_flag
        code = compile(ast.Module(body=[stmt], type_ignores=[]), path, 'exec', flags=flags)
        try:
            exec(code, g)
        except StopRun:
            if not W.stopped:   # cannot happen: only the hooks raise it
                W.stop('exception', 'StopRun')
        except BaseException as e:
            if W.stopped:
                # An expect.* line after the stop failed to evaluate.
                expect.props.append(Property('expect', stmt.lineno,
                                             lambda log, w, e=e: f'could not evaluate: {exc_text(e)}'))
            else:
                W.exception = e
                W.stop('exception', exc_text(e))
        if W.stopped and W.events is not None and not getattr(W, 'ended', False):
            write_run_end()
    if not W.stopped:
        try:
            finish_pools()
        except StopRun:
            pass
    if not W.stopped:
        W.stop('ok', repr(W.last_result))
    if not getattr(W, 'ended', False):
        write_run_end()
    return expect


def trace_traceback(exc, folders):
    """The traceback of `exc` as vloop prints it: only the frames of the
    trace's own files (the trace and the modules in its folders), each with
    its source line; then the exception's line and its notes."""
    roots = [os.path.abspath(f) for f in folders]
    own = {'vloop_reference.py', 'vloop_sandbox.py'}

    def is_trace_file(name):
        name = os.path.abspath(name)
        if os.path.basename(name) in own:
            return False
        return any(name.startswith(r + os.sep) for r in roots)

    lines = ['Traceback (most recent call last):']
    # Lines are looked up only for the trace's own frames: the sandbox lets
    # nothing else be read.
    for frame in traceback.StackSummary.extract(traceback.walk_tb(exc.__traceback__), lookup_lines=False):
        if not is_trace_file(frame.filename):
            continue
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append('    ' + frame.line.strip())
    lines += [l.rstrip('\n') for l in traceback.format_exception_only(type(exc), exc)]
    return '\n'.join(lines) + '\n'


def write_run_end():
    W.ended = True
    W.events.append({'t': W.clock, 'kind': 'run_end', 'status': W.status, 'value': W.status_value})


def end_notes():
    for t in list(tasks._all_tasks):
        if t.done():
            if t._log_traceback:
                t._log_traceback = False
                W.note(f'Task exception was never retrieved: {t.get_name()}: {exc_text(t._exception)}')
        else:
            t._log_destroy_pending = False
            W.note(f'Task was destroyed but it is pending: {t.get_name()}')


def install_sandbox(folders):
    """--sandbox: vloop_sandbox.py (beside this file) armed for the trace."""
    global TRACE_BUILTINS
    import importlib.util
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location('vloop_sandbox', os.path.join(here, 'vloop_sandbox.py'))
    sandbox = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sandbox)
    names = lambda text: [n for n in text.split(',') if n]
    TRACE_BUILTINS = sandbox.install(
        folders, ARGS.trace, names(ARGS.allow_modules), names(ARGS.allow_builtins), ARGS.cpu_seconds,
        ARGS.max_memory)


def main(argv=None):
    global W, SIM, ARGS
    ap = argparse.ArgumentParser(prog='vloop_reference.py',
                                 description='Run a vloop trace under CPython asyncio; print its event log.')
    ap.add_argument('--max-steps', type=int, default=10_000_000)
    ap.add_argument('--max-time', type=float, default=86400.0)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--check', action='store_true',
                    help='evaluate the expect.* properties; PASS/FAIL lines on stderr, exit 1 on failure')
    ap.add_argument('--path', action='append', default=[], metavar='DIR',
                    help="a folder to import the trace's modules from, after the trace's own (repeatable)")
    ap.add_argument('--sandbox', action='store_true',
                    help="run the trace as vloop verify does (vloop_sandbox.py): only vloop's modules and "
                         "builtins, no file, process or network access, resource limits")
    ap.add_argument('--allow-modules', default='', metavar='NAMES',
                    help='--sandbox: the modules vloop provides, comma-separated dotted names')
    ap.add_argument('--allow-builtins', default='', metavar='NAMES',
                    help='--sandbox: the builtins vloop provides, comma-separated')
    ap.add_argument('--cpu-seconds', type=int, default=0, metavar='N',
                    help='--sandbox: the CPU time limit (RLIMIT_CPU); 0 for none')
    ap.add_argument('--max-memory', type=int, default=0, metavar='BYTES',
                    help='--sandbox: the address-space limit (RLIMIT_AS); 0 for none')
    ap.add_argument('--traceback', metavar='FILE',
                    help="write the traceback of the exception that ended the run, through the trace's own "
                         "files only, as vloop prints it (empty when the run did not end with an exception)")
    ap.add_argument('trace')
    try:
        ARGS = ap.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    if ARGS.traceback and ARGS.sandbox:
        sys.stderr.write('vloop_reference: --traceback writes a file, which --sandbox forbids\n')
        return 2
    traceback_out = open(ARGS.traceback, 'w', encoding='utf-8') if ARGS.traceback else None
    try:
        with open(ARGS.trace, encoding='utf-8') as f:
            source = f.read()
    except OSError as e:
        sys.stderr.write(f'vloop_reference: cannot read {ARGS.trace}: {e.strerror}\n')
        return 2
    try:
        ast.parse(source, filename=ARGS.trace)
    except SyntaxError as e:
        sys.stderr.write(f'{ARGS.trace}:{e.lineno}:{e.offset}: {e.msg}\n')
        return 2

    W = World(ARGS.max_steps, ARGS.max_time)
    SIM = Sim()
    install_hooks()
    folders = [os.path.dirname(ARGS.trace) or '.'] + ARGS.path
    install_module_path(folders)
    if ARGS.sandbox:
        install_sandbox(folders)
    expect = run_trace(ARGS.trace, source)
    end_notes()
    if traceback_out is not None:
        if W.status == 'exception' and getattr(W, 'exception', None) is not None:
            traceback_out.write(trace_traceback(W.exception, folders))
        traceback_out.close()

    out = sys.stdout
    for ev in W.events:
        out.write(json.dumps(ev, separators=(',', ':'), ensure_ascii=False) + '\n')
    out.flush()

    rc = 0
    if ARGS.check:
        log = W.events
        for p in expect.props:
            try:
                bad = p.check(log, W)
            except Exception as e:
                bad = f'could not check: {exc_text(e)}'
            if bad is None:
                sys.stderr.write(f'PASS {p.name} (line {p.line})\n')
            else:
                rc = 1
                sys.stderr.write(f'FAIL {p.name} (line {p.line}): {bad}\n')
        names = [p.name for p in expect.props]
        expected = (W.status == 'ok'
                    or (W.status == 'exception' and 'expect.raises' in names)
                    or any(p.name == 'expect.status' and p.check(log, W) is None
                           for p in expect.props))
        if not expected:
            rc = 1
            sys.stderr.write(f'FAIL run ended with status {W.status!r}: {W.status_value} '
                             f'(no expect.raises/expect.status expects it)\n')
    sys.stderr.flush()
    return rc


if __name__ == '__main__':
    rc = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # No interpreter teardown: garbage collection of leftover tasks and
    # coroutines would run trace code (finally blocks) after the run ended.
    os._exit(rc)
