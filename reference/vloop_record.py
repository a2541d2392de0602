"""vloop record: run a real asyncio program under CPython and write a trace
that vloop replays deterministically.

    python3 vloop_record.py [--out FILE] [--resolution S] [--timeout S]
                            [--model] [--recording FILE] [--vloop BINARY]
                            [--path DIR]... [--] PROGRAM [ARGS...]

(`--vloop` names the vloop that replays the trace once it is written, to
tell races from orders the world decides; `--path`, its module folders.)

`vloop record -- python3 PROGRAM [ARGS]` runs this file (it is built into
vloop). Standard library only. The program runs unchanged, as `__main__`,
with real time, real threads and real sockets; the recorder watches:

- tasks (pure-Python `asyncio.Task`, so the moment each one finishes is
  seen exactly, as vloop's reference prelude sees it), their names and
  creators, and what each step waited for;
- executor jobs: the function, its arguments, the worker, the queued,
  started and finished times, the result or exception, the time slept in
  it, and the modules it called into;
- connections made with `asyncio.open_connection`: host, port, DNS and
  connect time or refusal, every write, every chunk that arrived and when,
  and the peer's close;
- prints and log records, with their times and contexts;
- the lateness of every `asyncio.sleep`, as the run's scheduling noise.

It then writes a trace (see docs/RECORD.md): the simulated world as
observed, the program run from its own module, and `expect` lines that pin
the recorded order. With `--model` it writes one straight-line coroutine
per task instead, for programs whose code vloop cannot run.

Exit status: 0 when the program ran to its end and the trace is complete;
2 when it failed, exited early, ran past `--timeout`, used something the
recorder cannot instrument, or the command line was wrong (a partial trace
is written when anything was recorded, marked PARTIAL in its header).
"""

import sys

# Pure-Python futures and tasks, as the reference prelude uses them: their
# completion can be observed at the exact moment, where the C ones cannot.
# This must happen before anything imports asyncio.
if 'asyncio' in sys.modules:  # pragma: no cover - only when imported oddly
    raise SystemExit('vloop record: asyncio was imported before the recorder')
sys.modules['_asyncio'] = None

import ast
import builtins
import contextvars
import datetime
import functools
import io
import json
import keyword
import logging
import os
import platform
import signal
import threading
import time
import traceback
import types

import asyncio
import concurrent.futures
from asyncio import base_events, events, futures, selector_events, streams, tasks

PARTIAL_EXIT = 2

# Modules vloop runs (docs/LANGUAGE.md); a job that calls into anything else
# that does I/O, or into a package outside the standard library, is replaced
# by a stand-in.
IO_MODULES = (
    'socket', '_socket', 'ssl', '_ssl', 'http', 'urllib.request', 'urllib.error', 'urllib.response',
    'select', 'selectors', 'subprocess', '_posixsubprocess', 'os', 'posix', 'nt', 'io', '_io',
    'sqlite3', '_sqlite3', 'shutil', 'pathlib', 'tempfile', 'glob', 'multiprocessing', 'threading',
    '_thread', 'queue', 'email', 'smtplib', 'ftplib', 'zlib', 'gzip', 'bz2', 'lzma', 'zipfile',
    'tarfile', 'pickle', '_pickle', 'ctypes', 'fcntl', 'mmap', 'signal',
)
# Event loops the recorder cannot watch: they replace asyncio's own.
FOREIGN_LOOPS = ('uvloop', 'trio', 'curio', 'gevent', 'eventlet', 'twisted', 'tornado.platform')


def now():
    return time.perf_counter()


def count(n, word):
    return f'{n} {word}' if n == 1 else f'{n} {word}s'


class Job:
    def __init__(self, ident, func, args, kwargs, executor, ctx, queued):
        self.id = ident
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.executor = executor
        self.ctx = ctx
        self.queued = queued
        self.started = None
        self.finished = None
        self.worker = None
        self.outcome = None  # ('return', value) or ('raise', exc)
        self.slept = 0.0
        self.modules = set()
        self.prints = []  # (t, text)
        self.dns = False
        self.delivered = None  # when the loop saw it finish


class Connection:
    def __init__(self, ident, host, port, ctx, started):
        self.id = ident
        self.host = host
        self.port = port
        self.ctx = ctx
        self.started = started
        self.dns = None  # seconds
        self.connect_start = None
        self.connected = None
        self.refused = None  # the exception's text
        self.writes = []  # (t, bytes)
        self.arrivals = []  # (t, bytes)
        self.eof = None
        self.early = []


class Recorder:
    def __init__(self, resolution):
        self.resolution = resolution
        self.origin = None  # perf_counter at the start of the first loop iteration
        self.lock = threading.Lock()
        self.events = []  # dicts as vloop's event log: t, ctx, kind, text/state/value
        self.tasks = {}  # name -> dict
        self.task_order = []
        self.jobs = []
        self.connections = []
        self.lateness = []  # (ctx, seconds) of every asyncio.sleep
        self.work = 0.0  # seconds the loop worked, outside select (vloop counts none)
        self.waited = 0.0  # seconds the loop waited in select
        self.callbacks = []  # (how, qualname, ctx, t) of the program's own loop callbacks
        self.shutdowns = []  # (ctx, seconds) the loop waited for its default executor's threads to end
        self.problems = []  # (what, detail): what the trace cannot say faithfully
        self.pools = {}  # id(executor) -> (index, max_workers, prefix)
        self.steps = {}  # task name -> list of actions, for --model
        self.waiting = {}  # task name -> what it awaits that the recorder already wrote down
        self.last_job = None
        # Loop iterations: an event's iteration, and the iterations that
        # began with something from outside (I/O, a job's completion, a
        # timer): only those can reorder what the replay rounds together.
        self.iteration = 0
        self.external = []  # the times of those iterations
        self.external_iterations = set()
        self.main_thread = threading.main_thread()
        self.status = 'running'
        self.started_wall = datetime.datetime.now(datetime.timezone.utc)
        self.started = now()

    # -- clock and context

    def t(self, at=None):
        at = now() if at is None else at
        if self.origin is None:
            return 0.0
        return max(0.0, at - self.origin)

    def ctx(self):
        thread = threading.current_thread()
        if thread is not self.main_thread:
            return thread.name
        loop = events._get_running_loop()
        if loop is not None:
            task = tasks._current_tasks.get(loop)
            if task is not None:
                return task.get_name()
        return 'MainThread'

    def current_task(self):
        if threading.current_thread() is not self.main_thread:
            return None
        loop = events._get_running_loop()
        return None if loop is None else tasks._current_tasks.get(loop)

    def record(self, ev):
        if threading.current_thread() is self.main_thread:
            ev['iteration'] = self.iteration
        with self.lock:
            self.events.append(ev)

    def act(self, action):
        """Appends an action of the current task (for --model)."""
        task = self.current_task()
        if task is not None:
            self.steps.setdefault(task.get_name(), []).append(action)

    def problem(self, what, detail):
        with self.lock:
            if (what, detail) not in self.problems:
                self.problems.append((what, detail))


R = None  # the Recorder of this process
CONNECTION = contextvars.ContextVar('vloop_record_connection', default=None)
JOB = threading.local()


# -- instrumentation -------------------------------------------------------

def install():
    orig_print = builtins.print

    def recording_print(*args, sep=' ', end='\n', file=None, flush=False):
        with unprofiled():
            _recording_print(*args, sep=sep, end=end, file=file, flush=flush)

    def _recording_print(*args, sep=' ', end='\n', file=None, flush=False):
        buf = io.StringIO()
        orig_print(*args, sep=sep, end=end, file=buf)
        text = buf.getvalue()
        if end is None or end == '\n':
            text = text[:-1]
        t = R.t()
        job = getattr(JOB, 'job', None)
        if job is not None:
            job.prints.append((t, text))
        R.record({'t': t, 'ctx': R.ctx(), 'kind': 'print', 'text': text})
        R.act(('print', text))
        orig_print(*args, sep=sep, end=end, file=file, flush=flush)
    builtins.print = recording_print

    orig_emit = logging.StreamHandler.emit

    def emit(self, record):
        try:
            text = self.format(record)
        except Exception:
            text = None
        if text is not None:
            R.record({'t': R.t(), 'ctx': R.ctx(), 'kind': 'log', 'text': text})
            R.act(('log', text))
        orig_emit(self, record)
    logging.StreamHandler.emit = emit

    def watch_selector(loop):
        """Notes the iterations that begin with something from outside."""
        selector = loop._selector
        orig_select = selector.select

        def select(timeout=None):
            # Waiting is what the loop was told to do: up to the timeout
            # (for none, all of it). Beyond it, the process was not run: noise.
            start = now()
            try:
                ready = orig_select(timeout)
            finally:
                spent = now() - start
                R.waited += spent if timeout is None else min(spent, max(0.0, timeout))
            due = loop._scheduled and loop._scheduled[0]._when <= loop.time() + loop._clock_resolution
            if ready or due:
                R.external.append(R.t())
                R.external_iterations.add(R.iteration)
            return ready
        selector.select = select
        loop._vloop_watched = True

    orig_shutdown = base_events.BaseEventLoop.shutdown_default_executor

    async def shutdown_default_executor(self):
        start = now()
        try:
            return await orig_shutdown(self)
        finally:
            R.shutdowns.append((R.ctx(), now() - start))
    base_events.BaseEventLoop.shutdown_default_executor = shutdown_default_executor

    orig_run_once = base_events.BaseEventLoop._run_once

    def run_once(self):
        # An iteration's time, but for the wait in select, is the loop's
        # own work and the program's callbacks: virtual time counts none of it.
        if R.origin is None:
            # The clock's origin: the loop's first iteration (imports and
            # setting the loop up take real time that vloop does not count).
            R.origin = now()
        R.iteration += 1
        if not getattr(self, '_vloop_watched', False) and getattr(self, '_selector', None) is not None:
            watch_selector(self)
        start = now()
        waited = R.waited
        try:
            orig_run_once(self)
        finally:
            R.work += (now() - start) - (R.waited - waited)
    base_events.BaseEventLoop._run_once = run_once

    # Tasks: creation, and the exact moment each finishes.
    orig_create_task = base_events.BaseEventLoop.create_task

    def create_task(self, coro, *, name=None, context=None):
        creator = R.ctx()
        task = orig_create_task(self, coro, name=name, context=context)
        tname = task.get_name()
        code = getattr(coro, 'cr_code', None) or getattr(coro, 'gi_code', None)
        R.tasks[tname] = {
            'name': tname, 'named': name is not None, 'coro': getattr(coro, '__qualname__', repr(coro)),
            'created': R.t(), 'creator': creator, 'code': code,
        }
        R.task_order.append(tname)
        R.act(('create', tname))
        return task
    base_events.BaseEventLoop.create_task = create_task

    orig_sched = futures._PyFuture._Future__schedule_callbacks

    def schedule_callbacks(self):
        if isinstance(self, tasks._PyTask):
            if self._state == futures._CANCELLED:
                msg = self._cancel_message
                value = 'CancelledError: ' + str(msg) if msg else 'CancelledError'
                state = 'cancelled'
            elif self._exception is not None:
                exc = self._exception
                value = f'{type(exc).__name__}: {exc}' if str(exc) else type(exc).__name__
                state = 'exception'
            else:
                value = safe_repr(self._result)
                state = 'result'
            name = self.get_name()
            R.record({'t': R.t(), 'ctx': name, 'kind': 'task_done', 'state': state, 'value': value})
            info = R.tasks.get(name)
            if info is not None:
                info['done'] = R.t()
                info['state'] = state
                info['result'] = self._result if state == 'result' else None
        orig_sched(self)
    futures._PyFuture._Future__schedule_callbacks = schedule_callbacks

    # Callbacks the program schedules itself (call_soon, call_later, call_at):
    # its code runs them in a replay; a model has no place for them.
    orig_call_at = base_events.BaseEventLoop.call_at
    orig_call_soon = base_events.BaseEventLoop.call_soon

    def note_callback(callback, how):
        fn = callback.func if isinstance(callback, functools.partial) else callback
        fn = getattr(fn, '__func__', fn)
        code = getattr(fn, '__code__', None)
        if code is not None and code.co_filename != __file__ \
                and not code.co_filename.startswith(os.path.dirname(asyncio.__file__) + os.sep) \
                and not code.co_filename.startswith(os.path.dirname(concurrent.futures.__file__) + os.sep):
            R.callbacks.append((how, getattr(fn, '__qualname__', safe_repr(fn)), R.ctx(), R.t()))

    def call_at(self, when, callback, *args, context=None):
        note_callback(callback, 'call_at')
        return orig_call_at(self, when, callback, *args, context=context)
    base_events.BaseEventLoop.call_at = call_at

    def call_soon(self, callback, *args, context=None):
        note_callback(callback, 'call_soon')
        return orig_call_soon(self, callback, *args, context=context)
    base_events.BaseEventLoop.call_soon = call_soon

    # What each step of a task waited for (for --model).
    orig_step = tasks._PyTask._Task__step

    def step(self, exc=None):
        name = self.get_name()
        acts = R.steps.get(name)
        if acts and acts[-1][0] == 'await' and not acts[-1][4]:
            acts[-1][4].append(R.t())  # when the await it ended its last step with was over
        orig_step(self, exc)
        waiter = self._fut_waiter
        if waiter is not None and not self.done() and name not in R.waiting:
            R.steps.setdefault(name, []).append(('await', waiter, R.t(), safe_repr(waiter), []))
    tasks._PyTask._Task__step = step

    # asyncio.sleep: the lateness of each timer is the run's scheduling noise.
    orig_sleep = tasks.sleep

    async def sleep(delay, result=None):
        R.act(('sleep', delay))
        start = now()
        task = R.current_task()
        if task is not None:
            R.waiting[task.get_name()] = 'sleep'
        try:
            return await orig_sleep(delay, result)
        finally:
            if task is not None:
                R.waiting.pop(task.get_name(), None)
            if delay > 0:
                R.lateness.append((R.ctx(), max(0.0, now() - start - delay)))
    functools.update_wrapper(sleep, orig_sleep)
    tasks.sleep = sleep
    asyncio.sleep = sleep

    # time.sleep: how long a job slept (the rest of its time was work).
    orig_time_sleep = time.sleep

    def time_sleep(secs):
        with unprofiled():
            _time_sleep(secs)

    def _time_sleep(secs):
        job = getattr(JOB, 'job', None)
        if job is not None:
            job.slept += secs
        elif threading.current_thread() is R.main_thread:
            R.act(('block', secs))
        orig_time_sleep(secs)
    time.sleep = time_sleep

    # Executor jobs (run_in_executor and submit both come here).
    orig_submit = concurrent.futures.ThreadPoolExecutor.submit

    def submit(self, fn, /, *args, **kwargs):
        with R.lock:
            ident = len(R.jobs)
            if id(self) not in R.pools:
                R.pools[id(self)] = (len(R.pools), self._max_workers, self._thread_name_prefix)
        job = Job(ident, fn, args, kwargs, id(self), R.ctx(), R.t())
        job.dns = fn is socket_getaddrinfo()
        with R.lock:
            R.jobs.append(job)
        if not job.dns:
            R.act(('job', job))
        R.last_job = job
        return orig_submit(self, run_job, job)
    concurrent.futures.ThreadPoolExecutor.submit = submit

    orig_run_in_executor = base_events.BaseEventLoop.run_in_executor

    def run_in_executor(self, executor, func, *args):
        R.last_job = None
        fut = orig_run_in_executor(self, executor, func, *args)
        job = fut._vloop_job = R.last_job
        if job is not None:
            def delivered(_):
                job.delivered = R.t()
            fut.add_done_callback(delivered)
        return fut
    base_events.BaseEventLoop.run_in_executor = run_in_executor

    def foreign_process_pool(self, *a, **k):
        R.problem('process pool', 'ProcessPoolExecutor jobs are not recorded (they run in other processes)')
        return orig_pp_submit(self, *a, **k)
    orig_pp_submit = concurrent.futures.ProcessPoolExecutor.submit
    concurrent.futures.ProcessPoolExecutor.submit = foreign_process_pool

    # Connections made with asyncio.open_connection.
    orig_open = streams.open_connection

    async def open_connection(host=None, port=None, **kwds):
        conn = Connection(len(R.connections), host, port, R.ctx(), R.t())
        R.connections.append(conn)
        R.act(('connect', conn))
        token = CONNECTION.set(conn)
        task = R.current_task()
        if task is not None:
            R.waiting[task.get_name()] = 'connect'
        try:
            reader, writer = await orig_open(host, port, **kwds)
        except OSError as e:
            conn.refused = f'{type(e).__name__}: {e}'
            raise
        finally:
            CONNECTION.reset(token)
            if task is not None:
                R.waiting.pop(task.get_name(), None)
        if conn.connected is None:
            conn.connected = R.t()
        reader._vloop_conn = conn
        writer._vloop_conn = conn
        for ev in getattr(reader, '_vloop_early', ()):
            conn.early.append(ev)
        return reader, writer
    functools.update_wrapper(open_connection, orig_open)
    streams.open_connection = open_connection
    asyncio.open_connection = open_connection

    orig_getaddrinfo = base_events.BaseEventLoop.getaddrinfo

    async def getaddrinfo(self, host, *a, **k):
        conn = CONNECTION.get()
        start = now()
        try:
            return await orig_getaddrinfo(self, host, *a, **k)
        finally:
            if conn is not None and conn.dns is None:
                conn.dns = now() - start
    base_events.BaseEventLoop.getaddrinfo = getaddrinfo

    orig_sock_connect = selector_events.BaseSelectorEventLoop.sock_connect

    async def sock_connect(self, sock, address):
        conn = CONNECTION.get()
        if conn is not None:
            conn.connect_start = R.t()
        try:
            return await orig_sock_connect(self, sock, address)
        finally:
            if conn is not None:
                conn.connected = R.t()
    selector_events.BaseSelectorEventLoop.sock_connect = sock_connect

    orig_create_connection = base_events.BaseEventLoop.create_connection

    async def create_connection(self, protocol_factory, host=None, port=None, **kwds):
        if CONNECTION.get() is None:
            R.problem('connection', f'a connection to {host}:{port} made with loop.create_connection '
                      '(not asyncio.open_connection) is not recorded')
        return await orig_create_connection(self, protocol_factory, host, port, **kwds)
    base_events.BaseEventLoop.create_connection = create_connection

    orig_start_server = base_events.BaseEventLoop.create_server

    async def create_server(self, *a, **k):
        R.problem('server', 'the program runs a server; vloop simulates clients of peers only, so '
                  'connections to it are not recorded')
        return await orig_start_server(self, *a, **k)
    base_events.BaseEventLoop.create_server = create_server

    orig_feed_data = streams.StreamReader.feed_data

    def feed_data(self, data):
        t = R.t()
        conn = getattr(self, '_vloop_conn', None)
        if data:
            if conn is not None:
                conn.arrivals.append((t, bytes(data)))
            else:
                self.__dict__.setdefault('_vloop_early', []).append((t, bytes(data)))
        orig_feed_data(self, data)
    streams.StreamReader.feed_data = feed_data

    orig_feed_eof = streams.StreamReader.feed_eof

    def feed_eof(self):
        conn = getattr(self, '_vloop_conn', None)
        if conn is not None and conn.eof is None:
            conn.eof = R.t()
        orig_feed_eof(self)
    streams.StreamReader.feed_eof = feed_eof

    for name in ('read', 'readline', 'readexactly', 'readuntil'):
        install_read(name)

    orig_write = streams.StreamWriter.write

    def write(self, data):
        conn = getattr(self, '_vloop_conn', None)
        if conn is not None and data:
            conn.writes.append((R.t(), bytes(data)))
            R.act(('write', conn, bytes(data)))
        orig_write(self, data)
    streams.StreamWriter.write = write

    def writelines(self, data):
        self.write(b''.join(data))
    streams.StreamWriter.writelines = writelines

    orig_wait_closed = streams.StreamWriter.wait_closed

    async def wait_closed(self):
        conn = getattr(self, '_vloop_conn', None)
        task = R.current_task()
        if conn is not None:
            R.act(('wait_closed', conn))
            if task is not None:
                R.waiting[task.get_name()] = 'wait_closed'
        try:
            return await orig_wait_closed(self)
        finally:
            if conn is not None and task is not None:
                R.waiting.pop(task.get_name(), None)
    streams.StreamWriter.wait_closed = wait_closed

    orig_close = streams.StreamWriter.close

    def close(self):
        conn = getattr(self, '_vloop_conn', None)
        if conn is not None:
            R.act(('close', conn))
        orig_close(self)
    streams.StreamWriter.close = close



class unprofiled:
    """Leaves the recorder's own work out of a job's profile."""

    def __enter__(self):
        self.profile = sys.getprofile()
        if self.profile is not None:
            sys.setprofile(None)

    def __exit__(self, *exc):
        if self.profile is not None:
            sys.setprofile(self.profile)


def install_read(name):
    orig = getattr(streams.StreamReader, name)

    async def read(self, *a, **k):
        conn = getattr(self, '_vloop_conn', None)
        task = R.current_task()
        # read() reads through read(n): only the outer call is the program's.
        outer = conn is not None and (task is None or task.get_name() not in R.waiting)
        if outer:
            R.act(('read', conn, name, a, k))
            if task is not None:
                R.waiting[task.get_name()] = 'read'
        try:
            return await orig(self, *a, **k)
        finally:
            if outer and task is not None:
                R.waiting.pop(task.get_name(), None)
    functools.update_wrapper(read, orig)
    setattr(streams.StreamReader, name, read)


def socket_getaddrinfo():
    import socket
    return socket.getaddrinfo


def foreign_loop():
    """The first imported module that replaces asyncio's event loop."""
    for name in sorted(sys.modules):
        if any(name == m or name.startswith(m + '.') for m in FOREIGN_LOOPS):
            return name
    return None


def run_job(job):
    job.started = R.t()
    job.worker = threading.current_thread().name
    JOB.job = job
    touched = job.modules

    def profile(frame, event, arg):
        try:
            if frame.f_globals is RECORDER:
                return  # the recorder's own hooks (print, time.sleep)
            if event == 'call':
                touched.add(frame.f_globals.get('__name__', '?'))
            elif event == 'c_call':
                mod = getattr(arg, '__module__', None)
                if mod is None:
                    owner = getattr(arg, '__self__', None)
                    if isinstance(owner, types.ModuleType):
                        mod = owner.__name__
                    elif owner is not None:
                        mod = type(owner).__module__
                if isinstance(mod, str):
                    touched.add(mod)
        except Exception:  # never disturb the job
            pass
    if not job.dns:
        sys.setprofile(profile)
    try:
        value = job.func(*job.args, **job.kwargs)
    except BaseException as e:
        sys.setprofile(None)
        job.outcome = ('raise', e)
        job.finished = R.t()
        raise
    finally:
        sys.setprofile(None)
        JOB.job = None
    job.outcome = ('return', value)
    job.finished = R.t()
    return value


def safe_repr(v):
    try:
        return repr(v)
    except Exception:
        return f'<{type(v).__name__}>'


# -- running the program ---------------------------------------------------

def run_program(program, argv, timeout, finish):
    """Runs PROGRAM as __main__; returns (status, text) where status is
    'ok', 'failed' or 'exited'. A timeout, and `os._exit` in the program,
    call `finish` at once."""
    sys.argv = [program] + argv
    sys.path.insert(0, os.path.dirname(os.path.abspath(program)))
    module = types.ModuleType('__main__')
    module.__file__ = program
    module.__builtins__ = builtins
    sys.modules['__main__'] = module
    code = compile(open(program, 'rb').read(), program, 'exec', dont_inherit=True)

    real_exit = os._exit

    def program_exit(status):
        finish('exited', f'the program called os._exit({status!r})')
        real_exit(status)
    os._exit = program_exit
    if timeout:
        def alarm(signum, frame):
            finish('timeout', f'the program was still running after --timeout {timeout:g} s')
        signal.signal(signal.SIGALRM, alarm)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})  # a parent may have blocked it
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        exec(code, module.__dict__)
        return 'ok', None
    except SystemExit as e:
        if e.code in (None, 0):
            return 'ok', None
        return 'exited', f'the program exited with status {e.code!r}'
    except KeyboardInterrupt:
        return 'failed', 'the program was interrupted'
    except BaseException as e:
        tb = traceback.extract_tb(e.__traceback__)
        frames = [f for f in tb if os.path.abspath(f.filename) != os.path.abspath(__file__)]
        where = ''
        if frames:
            f = frames[-1]
            where = f' at {f.filename}:{f.lineno}'
        return 'failed', f'the program raised {type(e).__name__}: {e}{where}'
    finally:
        os._exit = real_exit
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)


# -- what the trace says ---------------------------------------------------

def rounded(x, res):
    """x rounded to the resolution, written as short as it reads."""
    v = round(x / res) * res
    digits = max(0, -int(f'{res:e}'.split('e')[1]))
    return float(f'{v:.{digits}f}')


LITERAL_TYPES = (type(None), bool, int, float, str, bytes)


def literal(v, depth=0):
    """The source of `v` when it is a literal vloop reads back equal, else None."""
    if depth > 20:
        return None
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float('inf'), float('-inf')) else None
    if type(v) in LITERAL_TYPES:
        return repr(v)
    if type(v) in (list, tuple):
        parts = [literal(x, depth + 1) for x in v]
        if any(p is None for p in parts):
            return None
        if type(v) is tuple:
            return '(' + ', '.join(parts) + (',)' if len(parts) == 1 else ')')
        return '[' + ', '.join(parts) + ']'
    if type(v) is dict:
        items = [(literal(k, depth + 1), literal(x, depth + 1)) for k, x in v.items()]
        if any(a is None or b is None for a, b in items):
            return None
        return '{' + ', '.join(f'{a}: {b}' for a, b in items) + '}'
    return None


BUILTIN_EXCEPTIONS = {n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)}


def exception_source(e, modules):
    """Source that raises an exception of the same type name and text as
    `e`, and the class statement it needs when vloop cannot import that
    type (a class of the same name, derived from the nearest built-in
    exception it derives from)."""
    args = [literal(a) for a in e.args]
    if any(a is None for a in args):
        args = [repr(str(e))]
    call = '(' + ', '.join(args) + ')'
    name = type(e).__name__
    if type(e).__module__ == 'builtins' and name in BUILTIN_EXCEPTIONS:
        return name + call, None
    mod = modules.get(type(e).__module__)
    if mod is not None:
        return f'{mod}.{type(e).__qualname__}{call}', None
    base = next(b for b in type(e).__mro__[1:] if b.__module__ == 'builtins')
    if not name.isidentifier() or keyword.iskeyword(name) or name in BUILTIN_EXCEPTIONS:
        name = '_Recorded' + name.strip('_')
    return name + call, f'class {name}({base.__name__}):  # {type(e).__module__}.{type(e).__qualname__}, ' \
        'which vloop does not provide\n    pass'


def glob_text(text):
    """A glob that matches `text` (only `*` and `?` are special and cannot
    be escaped: each becomes `?`, which matches it)."""
    return text.replace('*', '?')


class Writer:
    def __init__(self, rec, program, out, model):
        self.rec = rec
        self.program = program
        self.out = out
        self.model = model
        self.res = rec.resolution
        self.lines = []
        self.classes = []  # exception classes written for stand-ins
        self.replayed = None  # vloop's replay of the trace: its events, once replayed
        folder = os.path.dirname(os.path.abspath(program))
        self.program_dir = folder
        stem = os.path.splitext(os.path.basename(program))[0]
        self.module = stem
        # The program's own modules: files under its folder (main is the program).
        self.user_modules = {'__main__': stem}
        for name, m in list(sys.modules.items()):
            f = getattr(m, '__file__', None)
            if name != '__main__' and f and os.path.abspath(f).startswith(folder + os.sep):
                self.user_modules[name] = name

    def w(self, line=''):
        self.lines.append(line)

    def sec(self, x):
        return repr(rounded(x, self.res))

    # -- the pieces

    def noise(self):
        """The real run's scheduling noise: the largest lateness of one
        timer or job, the largest lateness summed along one task, and how
        many were measured. A job is late by the time it waited for its
        worker to start it plus, when the replay runs its body, the time it
        spent other than in `time.sleep` (vloop's virtual time does not
        count work)."""
        lat = list(self.rec.lateness)
        free = {}  # worker -> when it finished its last job
        for j in sorted((j for j in self.rec.jobs if j.started is not None), key=lambda j: j.started):
            ready = max(j.queued, free.get(j.worker, j.queued))
            free[j.worker] = j.finished if j.finished is not None else float('inf')
            if j.dns or j.finished is None:
                continue
            # Waiting for a busy pool is simulated; only the hand-off is noise.
            late = max(0.0, j.started - ready)
            if j.delivered is not None:
                late += max(0.0, j.delivered - j.finished)
            if not any(self.unrunnable(m) for m in j.modules):
                late += max(0.0, j.finished - j.started - j.slept)
            lat.append((j.ctx, late))
        lat.extend(self.rec.shutdowns)
        if not lat:
            return 0.0, 0.0, 0
        return max(x for _, x in lat), sum(x for _, x in lat), len(lat)

    def header(self, status, text, argv):
        rec = self.rec
        py = platform.python_version()
        one, summed, n = self.noise()
        jobs = [j for j in rec.jobs if not j.dns]
        rounded = self.rounded_on_chain()
        self.tolerance = self.res + rounded * self.res / 2 + summed + rec.work
        w = self.w
        w(f'# Recorded by vloop record from `python3 {" ".join([os.path.basename(self.program)] + argv)}`')
        w(f'# on {rec.started_wall.strftime("%Y-%m-%d %H:%M:%S UTC")}, with CPython {py} ({sys.executable}), '
          f'{platform.system()} {platform.machine()}.')
        if status != 'ok':
            w(f'# PARTIAL: {text}; what follows is what was recorded until then.')
        lines = sum(1 for e in rec.events if e['kind'] in ('print', 'log'))
        w(f'# Recorded: {count(len(rec.tasks), "task")}, {count(len(jobs), "executor job")}, '
          f'{count(len(rec.connections), "connection")}, {count(lines, "printed or logged line")}, '
          f'in {now() - rec.started:.3f} s of real time.')
        w(f'# Durations are rounded to {self.res:g} s (--resolution). Scheduling noise of the real run: '
          f'timers and jobs were {summed * 1000:.2f} ms late in all ({n} measured, at most {one * 1000:.2f} ms each),')
        w(f'# and the program\'s code ran {rec.work * 1000:.2f} ms in the loop\'s thread (virtual time does not count it): '
          f'with the rounding of {rounded} durations along the longest chain of tasks, '
          f'a replay\'s events should be within {self.tolerance * 1000:.2f} ms of the recorded times.')
        if self.model:
            w('# Mode: --model (one straight-line coroutine per recorded task; the program\'s code is not run).')
        path = ''
        if os.path.dirname(os.path.abspath(self.out)) != self.program_dir and not self.model:
            path = f'--path {os.path.relpath(self.program_dir)} '
        w(f'# Replay with `vloop run {path}{self.out}`; explore with `vloop run {path}--runs 200 {self.out}`'
          + (' (the program\'s modules are in that folder).' if path else '.'))

    def rounded_on_chain(self):
        """The most rounded durations (a connect, a DNS lookup, a reply, a
        close, a stand-in's time) that one chain of tasks waits on: a task's
        own, plus the most of the tasks it created. Each rounding is off by
        up to half the resolution."""
        rec = self.rec
        own = {}
        for c in rec.connections:
            own[c.ctx] = own.get(c.ctx, 0) + 1 + (c.dns is not None) + len(c.writes) + (c.eof is not None)
        for j in rec.jobs:
            if not j.dns and any(self.unrunnable(m) for m in j.modules):
                own[j.ctx] = own.get(j.ctx, 0) + 1
        children = {}
        for name in rec.task_order:
            children.setdefault(rec.tasks[name]['creator'], []).append(name)

        def chain(task, depth=0):
            if depth > 100:
                return own.get(task, 0)
            return own.get(task, 0) + max((chain(c, depth + 1) for c in children.get(task, ())), default=0)
        return chain('MainThread')

    def problems(self):
        if self.rec.problems:
            self.w()
            self.w('# Not recorded faithfully:')
            for what, detail in self.rec.problems:
                self.w(f'#   - {what}: {detail}')

    def peers(self):
        rec = self.rec
        conns = [c for c in rec.connections if c.refused is None and c.connected is not None]
        if not rec.connections:
            return
        w = self.w
        w()
        w('# The network as observed: one declaration for each connection, in the order they were made')
        w('# (a peer declared again for the same address answers the next connection).')
        by_addr = {}
        for c in rec.connections:
            by_addr.setdefault((c.host, c.port), []).append(c)
        for (host, port), cs in by_addr.items():
            refused = [c for c in cs if c.refused is not None]
            if refused and len(refused) != len(cs):
                rec.problem('connection', f'{host}:{port} refused {len(refused)} of {len(cs)} connections; '
                            'a replay refuses none of them')
        first_dns = {}
        for c in conns:
            if c.early:
                rec.problem('connection', f'{c.host}:{c.port} sent {sum(len(b) for _, b in c.early)} bytes before the '
                            'first write; the simulated peer only answers writes, so they are left out')
            dns = c.dns or 0.0
            first_dns.setdefault(c.host, dns)
            start = c.connect_start if c.connect_start is not None else c.started
            connect = max(0.0, c.connected - start)
            replies = []
            for k, (wt, _) in enumerate(c.writes):
                nxt = c.writes[k + 1][0] if k + 1 < len(c.writes) else float('inf')
                chunks = [(at - wt, data) for at, data in c.arrivals if wt <= at < nxt]
                replies.append(chunks)
            if not c.writes and c.arrivals:
                rec.problem('connection', f'{c.host}:{c.port} sent bytes without being written to')
            close = None
            if c.eof is not None:
                if replies:
                    last_write = c.writes[-1][0]
                    last = max([d for d, _ in replies[-1]], default=0.0)
                    close = max(0.0, c.eof - last_write - last)
                else:
                    close = max(0.0, c.eof - c.connected)
            reply_src = []
            for chunks in replies:
                reply_src.append('[' + ', '.join(f'({self.sec(d)}, {data!r})' for d, data in chunks) + ']')
            args = [repr(c.host), repr(c.port)]
            if rounded(connect, self.res):
                args.append(f'connect={self.sec(connect)}')
            if first_dns.get(c.host) and c.dns is not None:
                args.append(f'dns={self.sec(c.dns)}')
            if reply_src:
                args.append('replies=[' + ', '.join(reply_src) + ']')
            if close is not None:
                args.append(f'close={self.sec(close)}')
            w(f'sim.peer({", ".join(args)})')

    def stand_ins(self):
        """Writes the stand-ins of the jobs whose bodies vloop cannot run,
        and assigns them over the functions they replace."""
        rec = self.rec
        groups = {}
        for j in rec.jobs:
            if j.dns or j.outcome is None:
                continue
            bad = sorted(m for m in j.modules if self.unrunnable(m))
            if not bad:
                continue
            fn = j.func
            args = j.args
            if isinstance(fn, functools.partial):
                args = fn.args + args
                fn = fn.func
            groups.setdefault(id(fn), (fn, []))[1].append((j, args, bad))
        if not groups:
            return
        w = self.w
        w()
        w('# Executor jobs vloop cannot run (they called into the modules named), replaced by stand-ins that')
        w('# take the recorded time and return (or raise) what the recorded call did.')
        # Private names: the program's `__main__` block imports its own after these.
        self.job_helper('_recorded_job')
        w()
        w('class _Recorded:')
        w('    def __init__(self, calls):')
        w('        self.calls = calls')
        w('')
        w('    def __call__(self, *args, **kwargs):')
        w('        pick = 0')
        w('        for i, call in enumerate(self.calls):')
        w('            if call[0] == (args, kwargs):')
        w('                pick = i')
        w('                break')
        w('        _, seconds, prints, value, error = self.calls.pop(pick)')
        w('        return _recorded_job(seconds, prints, value, error)')
        for fn, calls in groups.values():
            var = '_recorded_' + getattr(fn, '__name__', 'job').strip('_')
            w()
            bad = sorted({m.lstrip('_').split('.')[0] for _, _, b in calls for m in b})
            w(f'# {getattr(fn, "__qualname__", repr(fn))}: {len(calls)} calls; it used {", ".join(bad)}')
            entries = []
            for j, args, _ in calls:
                a = literal((tuple(a for a in args if not self.is_self(fn, a)), j.kwargs))
                kind, v = j.outcome
                value, error, note = 'None', 'None', None
                if kind == 'return':
                    value = literal(v)
                    if value is None:
                        value = 'None'
                        note = f'returned {safe_repr(v)[:80]}, which is not a literal'
                        rec.problem('job', f'{getattr(fn, "__qualname__", fn)} {note}; the stand-in returns None')
                else:
                    error, klass = exception_source(v, self.user_modules)
                    if klass and klass not in self.classes:
                        self.classes.append(klass)
                        w(klass)
                prints = self.job_prints(j)
                dur = self.sec(j.finished - j.started)
                entries.append(f'    ({a or "None"}, {dur}, {prints}, {value}, {error}),'
                               + (f'  # {note}' if note else ''))
            w(f'{var} = _Recorded([')
            for line in entries:
                w(line)
            w('])')
            for target in self.places_of(fn):
                w(f'{target} = {var}')
            if not self.places_of(fn):
                rec.problem('job', f'{getattr(fn, "__qualname__", fn)} could not be found in the program\'s '
                            'modules to be replaced; the replay runs its body')

    def job_helper(self, name):
        """`NAME(seconds, prints, value, error)`: a recorded job's body in the
        trace (a stand-in's, or a model's job)."""
        w = self.w
        w(f'def {name}(seconds, prints, value=None, error=None):')
        w('    """Takes the recorded time, printing what the job printed when it did, and returns')
        w('    (or raises) what it did."""')
        w('    spent = 0.0')
        w('    for at, text in prints:')
        w('        time.sleep(at - spent)')
        w('        spent = at')
        w('        print(text)')
        w('    time.sleep(seconds - spent)')
        w('    if error is not None:')
        w('        raise error')
        w('    return value')

    def job_prints(self, j):
        """A job's prints as `[(seconds after its start, text), ...]`."""
        return '[' + ', '.join(f'({self.sec(t - j.started)}, {text!r})' for t, text in j.prints) + ']'

    @staticmethod
    def is_self(fn, a):
        return getattr(fn, '__self__', None) is a

    def unrunnable(self, module):
        if module in self.user_modules or module == '__main__' or module == '_distutils_hack':
            return False
        if any(module == m or module.startswith(m + '.') for m in IO_MODULES):
            return True
        mod = sys.modules.get(module)
        f = getattr(mod, '__file__', None) or ''
        return 'site-packages' in f or 'dist-packages' in f

    def places_of(self, fn):
        """Where the program names `fn`: module globals and class attributes."""
        if hasattr(fn, '__self__') and hasattr(fn, '__func__'):
            owner = fn.__self__ if isinstance(fn.__self__, type) else type(fn.__self__)
            for klass in owner.__mro__:
                if fn.__func__.__name__ in vars(klass):
                    mod = self.user_modules.get(klass.__module__)
                    if mod is None:
                        return []
                    return [f'{mod}.{klass.__qualname__}.{fn.__func__.__name__}']
            return []
        found = []
        for name, alias in self.user_modules.items():
            m = sys.modules.get(name)
            if m is None:
                continue
            for k, v in vars(m).items():
                if v is fn and k.isidentifier():
                    found.append(f'{alias}.{k}')
        return sorted(set(found))

    def program_lines(self):
        """Runs the program from its own module: `import` it, then run its
        `if __name__ == '__main__':` block."""
        w = self.w
        src = open(self.program, encoding='utf-8').read()
        tree = ast.parse(src, self.program)
        guard = None
        for node in tree.body:
            if isinstance(node, ast.If) and is_main_test(node.test):
                guard = node
        if guard is None:
            return None
        body = []
        for stmt in guard.body:
            seg = ast.get_source_segment(src, stmt, padded=False)
            body.append(seg)
        used = set()
        bound = set()
        for stmt in guard.body:
            for n in ast.walk(stmt):
                if isinstance(n, ast.Name):
                    (used if isinstance(n.ctx, ast.Load) else bound).add(n.id)
        main = sys.modules.get('__main__')
        names = sorted(n for n in used - bound
                       if main is not None and n in vars(main) and not hasattr(builtins, n))
        return names, body

    def expects(self):
        rec = self.rec
        w = self.w
        evs = sorted(rec.events, key=lambda e: e['t'])
        # asyncio.run's own tasks (shutting down async generators and the
        # default executor) are not the program's: their ends are not pinned.
        shown = [e for e in evs if e['kind'] in ('print', 'log')
                 or (e['kind'] == 'task_done' and not self.internal(e['ctx']))]
        if not shown:
            return
        one, _, _ = self.noise()
        close = self.res + one
        # Two events of different contexts that the replay puts within the
        # resolution of each other (or, before a replay, that the real run
        # had closer than the resolution plus the noise), near something
        # that came from outside (I/O, a job's end, a timer), may have been
        # ordered by a race: their order is not pinned.
        externals = rec.external
        ideal = self.ideal_times(shown)

        def raced(a, b):
            if a['ctx'] == b['ctx']:
                return False
            if id(a) in ideal and id(b) in ideal:
                if abs(ideal[id(b)] - ideal[id(a)]) > self.res:
                    return False
            elif b['t'] - a['t'] >= close:
                return False
            ia, ib = a.get('iteration'), b.get('iteration')
            if ia is None or ib is None:
                return True  # a worker thread's event races with the loop's
            if ia is not None and ia == ib and ia not in rec.external_iterations:
                return False  # one pass of the ready queue ordered them
            return any(a['t'] - close <= x <= b['t'] + close for x in externals)
        # Each event once, by a pattern that matches only it: a pattern
        # seen before is left out of the order (its first event is there).
        counts = {}
        for e in shown:
            counts[pattern(e)] = counts.get(pattern(e), 0) + 1
        seen = set()
        groups = []  # runs of events in which each raced with the one before
        previous = None
        for e in shown:
            p = pattern(e)
            if counts[p] > 1 and p in seen:
                continue
            seen.add(p)
            if groups and any(raced(x, e) for x in groups[-1]):
                groups[-1].append(e)
            else:
                groups.append([e])
            previous = e
        w()
        w(f'# The recorded order of prints, log records and task completions ({len(shown)} events).')
        races = [g for g in groups if len(g) > 1]
        how = (f'the replay puts them within {self.res:g} s of each other' if ideal else
               f'the real run had them within {close * 1000:.2f} ms')
        for g in races:
            w('# Not pinned, a race: ' + ', '.join(describe(e) for e in g) + f' ({how}, near something from '
              'outside whose timing decided their order): ' + ' / '.join(pattern(e) for e in g))
        texts = [e['text'] for e in shown if e['kind'] in ('print', 'log')]
        output_raced = any(sum(1 for e in g if e['kind'] != 'task_done') > 1 for g in races)
        if texts and not output_raced:
            w('expect.output([')
            for t in texts:
                w(f'    {t!r},')
            w('])')
        chain = [g[0] for g in groups]
        if len(chain) > 1:
            w('expect.order(')
            for e in chain:
                w(f'    {pattern(e)},')
            w(')')
        for i, g in enumerate(groups):
            # Every event of a group comes after every event of the group
            # before it; the chain above says it for the first events only.
            if i == 0:
                continue
            for a in groups[i - 1]:
                for b in g:
                    if a is groups[i - 1][0] and b is g[0]:
                        continue
                    w(f'expect.before({pattern(a)}, {pattern(b)})')
        if rec.status == 'ok' and all('done' in info for info in rec.tasks.values()):
            w('expect.all_done()')

    def ideal_times(self, shown):
        """id(event) -> its virtual time in the replay, for the recorded
        events the replay also has (the n-th of each kind, context and text
        against the n-th); empty before a replay."""
        if not self.replayed:
            return {}

        def key(e):
            return (e['kind'], e.get('ctx'), e.get('text') if e['kind'] != 'task_done' else e.get('state'))
        times = {}
        for e in self.replayed:
            times.setdefault(key(e), []).append(e['t'])
        seen = {}
        out = {}
        for e in shown:
            k = key(e)
            n = seen.get(k, 0)
            seen[k] = n + 1
            if n < len(times.get(k, ())):
                out[id(e)] = times[k][n]
        return out

    def write(self, status, text, argv):
        self.lines = []
        self.classes = []
        self.header(status, text, argv)
        rec = self.rec
        w = self.w
        w('import sys')
        w('import time')
        self.peers()
        if self.model:
            self.write_model()
        else:
            w()
            w(f'sys.argv = {[os.path.basename(self.program)] + argv!r}')
            prog = self.program_lines()
            if prog is None:
                if self.stand_ins_needed():
                    rec.problem('job', 'the program has no `if __name__ == \'__main__\':` block, so the jobs that '
                                'need stand-ins cannot be replaced before it runs; use --model')
                w('# The program, run from its own module (it has no `if __name__ == \'__main__\':` block).')
                w(f'import {self.module}')
            else:
                w(f'import {self.module}')
                self.stand_ins()
                names, body = prog
                w()
                w('# The program, as its `if __name__ == \'__main__\':` block runs it.')
                if names:
                    w(f'from {self.module} import {", ".join(names)}')
                for seg in body:
                    for line in seg.splitlines():
                        w(line)
        self.expects()
        if status == 'failed' and text and ' raised ' in text:
            exc = text.split(' raised ', 1)[1].split(':', 1)[0]
            w(f'expect.raises({exc!r})')
        self.problems()
        out = '\n'.join(self.lines) + '\n'
        os.makedirs(os.path.dirname(os.path.abspath(self.out)), exist_ok=True)
        with open(self.out, 'w', encoding='utf-8') as f:
            f.write(out)

    def internal(self, task):
        """Whether the task ran asyncio's own code (asyncio.run's shutdown tasks)."""
        info = self.rec.tasks.get(task)
        code_file = getattr(info and info.get('code'), 'co_filename', '') or ''
        return code_file.startswith(os.path.dirname(asyncio.__file__) + os.sep) or code_file == __file__

    def stand_ins_needed(self):
        return any(not j.dns and any(self.unrunnable(m) for m in j.modules) for j in self.rec.jobs)

    # -- --model

    def write_model(self):
        rec = self.rec
        w = self.w
        names = sorted({name for _, name, _, _ in rec.callbacks})
        if names:
            rec.problem('model', f'the program scheduled {len(rec.callbacks)} loop callbacks of its own '
                        f'({", ".join(names[:5])}{", ..." if len(names) > 5 else ""}); the model has no place for '
                        'them: what they printed is in the expect lines, but no task of the model prints it')
        w('import asyncio')
        w('import concurrent.futures')
        w()
        w('# The model: one straight-line coroutine per recorded task, its awaits, sleeps, jobs and I/O in')
        w('# the recorded order, with the recorded durations. The program\'s own code is not run.')
        pools = sorted(rec.pools.items(), key=lambda kv: kv[1][0])
        pool_names = {}
        for key, (index, workers, prefix) in pools:
            if prefix == 'asyncio':
                pool_names[key] = 'None'
                continue
            name = f'pool_{index}'
            pool_names[key] = name
            args = [f'max_workers={workers}']
            if prefix and not prefix.startswith('ThreadPoolExecutor-'):
                args.append(f'thread_name_prefix={prefix!r}')
            w(f'{name} = concurrent.futures.ThreadPoolExecutor({", ".join(args)})')
        w()
        w('tasks = {}  # the tasks the model created, by their recorded names')
        w()
        self.job_helper('job')
        modelled = [n for n in rec.task_order if not self.internal(n)]
        fn_names = {}
        for i, name in enumerate(modelled):
            coro = rec.tasks[name]['coro'].rsplit('.', 1)[-1]
            base = ''.join(ch if ch.isalnum() or ch == '_' else '_' for ch in coro).strip('_') or 'task'
            fn_names[name] = f'{base}_{i + 1}'
        entry = modelled[0] if modelled else None
        for name in modelled:
            info = rec.tasks[name]
            w()
            w()
            w(f'async def {fn_names[name]}():  # {name}: {info["coro"]}, created by {info["creator"]} at '
              f'{info["created"]:.4f} s')
            body = self.model_body(name, fn_names, pool_names)
            if not any(not line.startswith('#') for line in body):
                body.append('pass')
            for line in body:
                w('    ' + line)
        if entry is not None:
            w()
            w()
            w(f'asyncio.run({fn_names[entry]}())')

    def model_body(self, name, fn_names, pool_names):
        rec = self.rec
        out = []
        uses_loop = False
        for action in rec.steps.get(name, []):
            kind = action[0]
            if kind in ('print', 'log'):
                out.append(f'print({action[1]!r})' if kind == 'print' else f'print({action[1]!r})  # a log record')
            elif kind == 'sleep':
                out.append(f'await asyncio.sleep({action[1]!r})')
            elif kind == 'block':
                out.append(f'time.sleep({self.sec(action[1])})  # blocks the loop')
            elif kind == 'create':
                child = action[1]
                info = rec.tasks.get(child, {})
                if child not in fn_names:
                    continue
                var = fn_names[child]
                if info.get('named'):
                    out.append(f'tasks[{child!r}] = asyncio.create_task({var}(), name={child!r})')
                else:
                    out.append(f'tasks[{child!r}] = asyncio.ensure_future({var}())')
            elif kind == 'job':
                j = action[1]
                if not uses_loop:
                    out.append('loop = asyncio.get_running_loop()')
                    uses_loop = True
                if j.outcome is None or j.finished is None:
                    out.append(f'# job {job_name(j)} never finished in the recording')
                    rec.problem('model', f'{name}: the job {job_name(j)} never finished in the recording')
                    continue
                value = 'None'
                if j.outcome[0] == 'return' and literal(j.outcome[1]) is not None:
                    value = literal(j.outcome[1])
                prints = self.job_prints(j)
                pool = pool_names.get(j.executor, 'None')
                out.append(f'loop.run_in_executor({pool}, job, {self.sec(j.finished - j.started)}, {prints}, {value})'
                           f'  # {job_name(j)}')
                out[-1] = f'job_{j.id} = ' + out[-1]
            elif kind == 'connect':
                c = action[1]
                out.append(f'reader_{c.id}, writer_{c.id} = await asyncio.open_connection({c.host!r}, {c.port!r})')
            elif kind == 'write':
                c, data = action[1], action[2]
                out.append(f'writer_{c.id}.write({data!r})')
            elif kind == 'read':
                c, how, a, k = action[1:]
                args = ', '.join([safe_repr(x) for x in a] + [f'{kk}={vv!r}' for kk, vv in k.items()])
                out.append(f'await reader_{c.id}.{how}({args})')
            elif kind == 'close':
                out.append(f'writer_{action[1].id}.close()')
            elif kind == 'wait_closed':
                out.append(f'await writer_{action[1].id}.wait_closed()')
            elif kind == 'await':
                line = self.model_await(name, action, fn_names)
                if line is not None:
                    out.append(line)
        info = rec.tasks.get(name, {})
        if info.get('state') == 'result' and literal(info.get('result')) not in (None, 'None'):
            out.append(f'return {literal(info["result"])}')
        return self.fold_jobs(out)

    def fold_jobs(self, lines):
        """A job's line is `job_N = loop.run_in_executor(...)`; the await
        that follows it is the job's."""
        out = []
        for line in lines:
            if line.startswith('# await job '):
                n = line.split()[-1]
                for i in range(len(out) - 1, -1, -1):
                    if out[i].startswith(f'job_{n} = '):
                        out[i] = 'await ' + out[i][len(f'job_{n} = '):]
                        break
                continue
            out.append(line)
        return out

    def model_await(self, name, action, fn_names):
        rec = self.rec
        _, waiter, began, desc, ended = action
        if isinstance(waiter, tasks._PyTask):
            other = waiter.get_name()
            return f'await tasks[{other!r}]' if other in fn_names else None
        if isinstance(waiter, tasks._GatheringFuture):
            children = [c.get_name() for c in waiter._children if isinstance(c, tasks._PyTask)]
            parts = ', '.join(f'tasks[{c!r}]' for c in children if c in fn_names)
            return f'await asyncio.gather({parts})'
        job = getattr(waiter, '_vloop_job', None)
        if job is not None:
            return f'# await job {job.id}'
        if not ended:
            rec.problem('model', f'{name} awaited {desc[:100]}, which the recorder does not know, and never resumed')
            return f'# {name} awaited {desc[:100]} here, which the recorder does not know, and never resumed'
        waited = self.sec(ended[0] - began)
        rec.problem('model', f'{name} awaited {desc[:100]}, which the recorder does not know; '
                    f'the model sleeps as long as it waited ({waited} s)')
        return (f'await asyncio.sleep({waited})  # {name} awaited {desc[:100]} here, which the recorder '
                'does not know: the model waits as long as it did')


def describe(e):
    if e['kind'] == 'task_done':
        return f'the end of {e["ctx"]}'
    return f'{e["kind"]} {e["text"]!r} ({e["ctx"]})'


def pattern(e):
    if e['kind'] == 'task_done':
        return f"{{'kind': 'task_done', 'ctx': {e['ctx']!r}}}"
    return repr(glob_text(e['text']))


def job_name(j):
    fn = j.func.func if isinstance(j.func, functools.partial) else j.func
    return getattr(fn, '__qualname__', safe_repr(fn))


def is_main_test(test):
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    a, b = test.left, test.comparators[0]
    def is_name(n):
        return isinstance(n, ast.Name) and n.id == '__name__'

    def is_main(n):
        return isinstance(n, ast.Constant) and n.value == '__main__'
    return (is_name(a) and is_main(b)) or (is_main(a) and is_name(b))


# -- the command -----------------------------------------------------------

USAGE = ('usage: vloop_record.py [--out FILE] [--resolution S] [--timeout S] [--model] '
         '[--recording FILE] [--vloop BINARY] [--path DIR]... [--] PROGRAM [ARGS...]')


def fail(text):
    sys.stderr.write(f'vloop record: {text}\n')
    raise SystemExit(PARTIAL_EXIT)


def parse(argv):
    opts = {'out': None, 'resolution': 0.001, 'timeout': 60.0, 'model': False, 'recording': None, 'vloop': None,
            'path': []}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--model':
            opts['model'] = True
            i += 1
        elif a in ('--out', '--resolution', '--timeout', '--recording', '--vloop', '--path'):
            if i + 1 >= len(argv):
                fail(f'{a} needs a value\n{USAGE}')
            v = argv[i + 1]
            if a in ('--resolution', '--timeout'):
                try:
                    v = float(v)
                except ValueError:
                    fail(f'{a} takes seconds, not {v!r}')
                if not (v > 0 and v < float('inf')):
                    fail(f'{a} must be a positive number of seconds, not {argv[i + 1]}')
            if a == '--path':
                opts['path'].append(v)
            else:
                opts[a[2:]] = v
            i += 2
        elif a == '--':
            i += 1
            break
        elif a.startswith('-'):
            fail(f'unknown option {a}\n{USAGE}')
        else:
            break
    rest = argv[i:]
    if not rest:
        fail(f'no program to record\n{USAGE}')
    return opts, rest[0], rest[1:]


def main(argv):
    global R
    opts, program, args = parse(argv)
    if program == '-m':
        fail('recording a module run with -m is not supported; give the program\'s file')
    if not os.path.isfile(program):
        fail(f'{program}: no such file')
    try:
        src = open(program, 'rb').read()
        compile(src, program, 'exec', dont_inherit=True)
    except SyntaxError as e:
        fail(f'{e.filename}:{e.lineno}:{e.offset or 0}: {program} is not a Python program ({e.msg})')
    except ValueError as e:
        fail(f'{program} is not a Python program ({e})')
    stem = os.path.splitext(os.path.basename(program))[0]
    if not opts['model'] and (not stem.isidentifier() or keyword.iskeyword(stem)):
        fail(f'{program}: the trace imports the program as a module, and {stem!r} is not a module name; '
             'rename it or use --model')
    out = opts['out'] or os.path.join(os.path.dirname(program) or '.', f'{stem}.recorded.trace')
    R = Recorder(opts['resolution'])
    if platform.python_implementation() != 'CPython' or platform.python_version() != '3.11.7':
        R.problem('python', f'recorded with {platform.python_implementation()} {platform.python_version()}; '
                  'vloop replays in the order CPython 3.11.7 gives, which other versions may not')
    install()
    real_exit = os._exit
    finishing = []

    def finish(status, text):
        """Writes the trace (PARTIAL unless status is 'ok') and ends the process."""
        if finishing:
            return
        finishing.append(True)
        signal.setitimer(signal.ITIMER_REAL, 0)
        builtins.print = ORIGINAL_PRINT
        R.status = status
        if status == 'ok':
            loop_module = foreign_loop()
            if loop_module is not None:
                status, text = 'unsupported', (f'the program imports {loop_module}, which replaces asyncio\'s '
                                               'event loop; vloop record instruments asyncio\'s own loop only')
                R.status = status
        writer = Writer(R, program, out, opts['model'])
        recorded = bool(R.events or R.tasks or R.jobs or R.connections)
        if status != 'ok' and not recorded:
            sys.stderr.write(f'vloop record: {text}; nothing was recorded, so no trace was written\n')
            sys.stderr.flush()
            real_exit(PARTIAL_EXIT)
        try:
            writer.write(status, text, args)
            if status == 'ok' and opts['vloop']:
                # Replay it once, and write it again with the replay's times:
                # events the replay cannot tell apart are the races.
                writer.replayed = replay(opts['vloop'], out, program, opts['path'])
                if writer.replayed:
                    writer.write(status, text, args)
        except Exception:
            sys.stderr.write('vloop record: could not write the trace (a bug of the recorder):\n'
                             + traceback.format_exc())
            sys.stderr.flush()
            real_exit(PARTIAL_EXIT)
        if opts['recording']:
            with open(opts['recording'], 'w', encoding='utf-8') as f:
                json.dump(raw_recording(R, writer, status, text), f, indent=1)
                f.write('\n')
        for what, detail in R.problems:
            sys.stderr.write(f'vloop record: warning: {what}: {detail}\n')
        jobs = len([j for j in R.jobs if not j.dns])
        counts = (f'{count(len(R.tasks), "task")}, {count(jobs, "job")}, {count(len(R.connections), "connection")}, '
                  f'{count(len(R.events), "event")}')
        if status != 'ok':
            sys.stderr.write(f'vloop record: {text}; wrote a PARTIAL trace to {out} ({counts})\n')
        else:
            sys.stderr.write(f'vloop record: wrote {out} ({counts})\n')
        sys.stdout.flush()
        sys.stderr.flush()
        real_exit(0 if status == 'ok' else PARTIAL_EXIT)

    status, text = run_program(program, args, opts['timeout'], finish)
    finish(status, text)


def replay(vloop, trace, program, paths):
    """The event log of `vloop run` of the trace (None when it cannot run)."""
    import subprocess
    folder = os.path.dirname(os.path.abspath(program))
    command = [vloop, 'run', '--no-store', '--events', '--path', folder]
    for p in paths:
        command += ['--path', p]
    try:
        done = subprocess.run(command + [trace], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    events = []
    for line in done.stdout.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            pass
    ok = any(e.get('kind') == 'run_end' and e.get('status') == 'ok' for e in events)
    return events if ok else None


def raw_recording(rec, writer, status, text):
    """What `--recording FILE` writes: everything observed, with real times
    (seconds from the first loop iteration)."""
    def job(j):
        kind, value = j.outcome if j.outcome is not None else (None, None)
        return {'id': j.id, 'function': job_name(j), 'args': [safe_repr(a) for a in j.args],
                'kwargs': {k: safe_repr(v) for k, v in j.kwargs.items()}, 'task': j.ctx, 'worker': j.worker,
                'queued': j.queued, 'started': j.started, 'finished': j.finished, 'slept': j.slept,
                'dns': j.dns, 'stand_in': any(writer.unrunnable(m) for m in j.modules),
                'returned' if kind == 'return' else 'raised': safe_repr(value) if kind else None}

    def connection(c):
        return {'id': c.id, 'host': c.host, 'port': c.port, 'task': c.ctx, 'started': c.started, 'dns': c.dns,
                'connect_started': c.connect_start, 'connected': c.connected, 'refused': c.refused,
                'writes': [{'t': t, 'bytes': len(b)} for t, b in c.writes],
                'arrivals': [{'t': t, 'bytes': len(b)} for t, b in c.arrivals], 'eof': c.eof}

    tasks_ = [{k: v for k, v in rec.tasks[n].items() if k not in ('code', 'result')} for n in rec.task_order]
    one, total, measured = writer.noise()
    return {'status': status, 'text': text, 'python': platform.python_version(),
            'resolution': rec.resolution, 'tolerance': writer.tolerance,
            'noise': {'largest': one, 'total': total, 'measured': measured, 'loop_work': rec.work},
            'events': rec.events, 'tasks': tasks_, 'jobs': [job(j) for j in rec.jobs],
            'connections': [connection(c) for c in rec.connections],
            'problems': [list(p) for p in rec.problems]}


ORIGINAL_PRINT = builtins.print
RECORDER = globals()


if __name__ == '__main__':
    main(sys.argv[1:])
