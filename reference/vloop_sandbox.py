# The sandbox of `vloop verify`: vloop_reference.py --sandbox runs an
# untrusted trace under CPython with
#
#   limits    resource limits set on this process before the trace runs:
#             CPU seconds, address space, file size 0, no core files, and
#             (where the kernel enforces it: not for root) no new processes
#             beyond the threads the simulated pools need;
#   modules   the trace and its modules import only what vloop provides (the
#             names given with --allow-module) and their own modules from
#             their folders (sys.path is those folders alone): any other
#             import raises ModuleNotFoundError, as under vloop;
#   builtins  the trace and its modules see only the builtins vloop provides
#             (--allow-builtin): open, exec, eval, compile, input, breakpoint,
#             help... are NameErrors, as under vloop;
#   actions   an audit hook (sys.addaudithook), armed just before the trace's
#             first statement, denies every event not on its list of
#             harmless ones: opening a file for writing, or for reading
#             anything but the .py and .trace files of the trace's folders
#             and the source files of the modules loaded; os.system, subprocess.Popen, os.exec*,
#             os.fork, os.posix_spawn, os.kill; os.remove, os.rename,
#             os.mkdir...; socket.*; ctypes.*; building code objects; the
#             garbage collector's object walks; input and breakpoint; loading
#             a standard-library module that was not loaded before.
#             A denied event writes `vloop_reference: blocked EVENT (...) at
#             FILE:LINE` to standard error and ends the process at once with
#             exit status 3, whatever the trace does to catch it.
#
# What the reference needs itself (reading the trace and its modules,
# importing the supported modules, writing the event log to standard output)
# is done, or made possible, before the hook is armed: every supported module
# is imported first, and bytecode is never written.
#
# An audit hook is not a security boundary against a determined attacker
# with interpreter-level tricks (crafted objects, the interpreter's private
# modules); the resource limits, the vloop-accepted subset and the caller's
# container are what bound such an attacker. README.md, "vloop verify".

import builtins
import gc
import os
import resource
import stat
import sys
import types

# The exit status of a run that the sandbox stopped.
BLOCKED_EXIT = 3

# Events the trace may raise: the interpreter's own bookkeeping, which
# asyncio, logging, dataclasses and the reference raise while a trace runs.
# `open` and `import` are decided by their arguments (below); every other
# event is denied.
HARMLESS_EVENTS = frozenset({
    'exec', 'compile', 'object.__getattr__', 'object.__setattr__', 'object.__delattr__',
    'sys._getframe', 'function.__new__', 'builtins.id', '_thread.start_new_thread',
    'time.sleep', 'sys.addaudithook', 'array.__new__', 'sys.excepthook', 'sys.unraisablehook',
    'random.seed', 'sys.set_asyncgen_hook_firstiter', 'sys.set_asyncgen_hook_finalizer',
})

# The open flags that write.
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def set_limits(cpu_seconds, max_memory):
    """Resource limits of this process (and any child it could still start)."""
    def lower(which, value):
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))
    if cpu_seconds > 0:
        # SIGXCPU at the soft limit ends the process.
        lower(resource.RLIMIT_CPU, cpu_seconds)
    if max_memory > 0:
        lower(resource.RLIMIT_AS, max_memory)
    # Python ignores SIGXFSZ: a write past the limit fails with EFBIG. The
    # limit applies to the event log too when standard output or error is a
    # file (vloop verify gives pipes, which it does not apply to).
    files = [fd for fd in (1, 2) if is_regular_file(fd)]
    lower(resource.RLIMIT_FSIZE, 2**30 if files else 0)
    lower(resource.RLIMIT_CORE, 0)
    if os.geteuid() != 0:
        # Threads count: the simulated pools start real ones (run one at a
        # time). The kernel does not enforce this limit for root.
        lower(resource.RLIMIT_NPROC, user_tasks() + 64)


def is_regular_file(fd):
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        return False


def user_tasks():
    """How many processes and threads this user has now (Linux's /proc)."""
    uid = os.getuid()
    count = 0
    try:
        pids = [p for p in os.listdir('/proc') if p.isdigit()]
    except OSError:
        return 4096
    for pid in pids:
        try:
            if os.stat('/proc/' + pid).st_uid == uid:
                count += len(os.listdir(f'/proc/{pid}/task'))
        except OSError:
            pass
    return count


def restricted_builtins(names, allowed_import):
    """A `builtins` module with only `names` of the real one, and `__import__`
    limited by `allowed_import`."""
    m = types.ModuleType('builtins')
    for name in names:
        if hasattr(builtins, name):
            setattr(m, name, getattr(builtins, name))
    m.__build_class__ = builtins.__build_class__
    m.__import__ = allowed_import
    return m


def make_import(modules, real_import=builtins.__import__):
    """The trace's `__import__`: a standard-library module only when vloop
    provides it (`modules`, dotted names); any other name is the user's and
    is searched in the trace's folders (sys.path). Relative imports are the
    user's packages'."""
    stdlib = frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names)
    modules = frozenset(modules)
    missing = object()

    def refuse(name):
        raise ModuleNotFoundError(f'No module named {name!r}', name=name)

    def __import__(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            top = name.partition('.')[0]
            if top in stdlib:
                if name not in modules:
                    refuse(name)
                parent = sys.modules.get(name)
                for item in fromlist or ():
                    full = name + '.' + item
                    if item == '*' or full in modules:
                        continue
                    value = getattr(parent, item, missing)
                    if value is missing:
                        # CPython would import a submodule of that name: say
                        # what it says when there is none.
                        where = getattr(parent, '__file__', None) or 'unknown location'
                        raise ImportError(f'cannot import name {item!r} from {name!r} ({where})', name=name)
                    if isinstance(value, types.ModuleType):
                        refuse(full)
        return real_import(name, globals, locals, fromlist, level)
    return __import__


def allowed_files(folders, trace, limit=20_000):
    """The (device, inode) of every file the trace may read: the regular
    .py and .trace files in its folders and their subfolders (hidden ones
    left out; the first `limit`), and the source file of every module loaded
    (tracebacks read their lines). A path is judged by what it opens, so
    symbolic links and `..` change nothing. Also the names the trace's and
    its modules' code objects have as their file (the folder joined with the
    name, as the reference's module finder makes them)."""
    found = set()
    names = {trace}

    def add(path, user=False):
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return
        if stat.S_ISREG(st.st_mode):
            found.add((st.st_dev, st.st_ino))
            if user:
                names.add(path)
    seen = 0
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith('.')]
            for name in files:
                seen += 1
                if seen > limit:
                    break
                if name.endswith(('.py', '.trace')):
                    add(os.path.join(root, name), user=True)
            if seen > limit:
                break
    for module in list(sys.modules.values()):
        path = getattr(module, '__file__', None)
        if isinstance(path, str):
            add(path)
    add(trace)
    return frozenset(found), frozenset(names)


def arm(folders, trace):
    """Installs the audit hook for the trace at path `trace`, whose modules
    are in `folders`.

    The hook keeps everything it decides with in its closure, taken now (the
    builtins and C functions it calls too): a trace can reach this module's
    globals and the real builtins through the reference's objects, and
    rebinding them must not change a decision. It calls no Python code of
    the trace's (arguments are judged by their exact type), and takes no
    lock: an event raised while it runs is judged like any other."""
    files, user_files = allowed_files(folders, trace)
    harmless = HARMLESS_EVENTS
    stdlib_names = frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names)
    write_flags = WRITE_FLAGS
    posix_stat, write, exit_, getframe = os.stat, os.write, os._exit, sys._getframe
    _type, _str, _bytes, _int, _float, _tuple, _len = type, str, bytes, int, float, tuple, len
    str_text, str_partition, repr_ = str.__str__, str.partition, repr
    blocked_exit = BLOCKED_EXIT

    def readable(path):
        if _type(path) is not _str and _type(path) is not _bytes:
            return False
        try:
            st = posix_stat(path)
        except Exception:
            return False
        return (st.st_dev, st.st_ino) in files

    def deny(event, args):
        if event in harmless:
            return None
        if event == 'open':
            path, mode, flags = (args + (None, None, None))[:3]
            if _type(path) is _int:
                return 'opening a file descriptor'
            if (_type(mode) is _str and ('w' in mode or 'a' in mode or 'x' in mode or '+' in mode)) or (
                    _type(flags) is _int and flags & write_flags):
                return 'writing a file'
            if not readable(path):
                return 'reading a file that is not a source file of the trace\'s folders or a loaded module'
            return None
        if event == 'import':
            name, filename = args[0], args[1]
            if str_partition(str_text(name), '.')[0] in stdlib_names:
                return 'loading a standard-library module vloop does not provide'
            if filename is not None and not readable(filename):
                return 'loading a module from outside the trace\'s folders'
            return None
        if event.startswith('socket.'):
            return 'network access'
        if event.startswith(('os.system', 'os.exec', 'os.spawn', 'os.posix_spawn', 'os.fork', 'subprocess.',
                             'pty.', 'os.startfile')):
            return 'starting a process'
        if event.startswith('ctypes.'):
            return 'calling native code'
        if event in ('builtins.input', 'builtins.input/result', 'builtins.breakpoint'):
            return 'reading the terminal'
        return 'an action the sandbox does not allow'

    def shown(a):
        if _type(a) in (_str, _bytes, _int, _float) or a is None:
            text = repr_(a)
            return text if _len(text) <= 200 else text[:200] + '...'
        return '...'

    def where():
        f = getframe(2)
        while f is not None:
            if f.f_code.co_filename in user_files:
                return f'{f.f_code.co_filename}:{f.f_lineno}'
            f = f.f_back
        return 'a line outside the trace'

    def hook(event, args):
        try:
            why = deny(event, args if _type(args) is _tuple else ())
        except BaseException:
            why = 'an event the sandbox could not judge'
        if why is None:
            return
        try:
            shown_args = ', '.join(shown(a) for a in args[:3])
            text = f'vloop_reference: blocked {event}({shown_args}): {why}, at {where()}\n'
        except BaseException:
            text = f'vloop_reference: blocked {event}: {why}\n'
        write(2, text.encode('utf-8', 'replace'))
        exit_(blocked_exit)

    sys.addaudithook(hook)


# Functions of os (and posix) that act on the system without raising an
# audit event: made absent before the trace runs.
UNAUDITED = ('mkfifo', 'mknod', 'chroot', 'setuid', 'setgid', 'seteuid', 'setegid', 'setreuid', 'setregid',
             'setresuid', 'setresgid', 'setgroups', 'initgroups')


def remove_unaudited():
    """Takes away what the audit hook cannot see: subprocess's process
    starter (_posixsubprocess.fork_exec raises no event; importing it again
    would) and the os functions of UNAUDITED."""
    sub = sys.modules.get('subprocess')
    if sub is not None and hasattr(sub, '_posixsubprocess'):
        sub._posixsubprocess = None
    sys.modules.pop('_posixsubprocess', None)
    for module in (os, sys.modules.get('posix')):
        for name in UNAUDITED:
            if module is not None and hasattr(module, name):
                delattr(module, name)


def install(folders, trace, modules, builtin_names, cpu_seconds, max_memory):
    """Everything above, in order: the supported modules imported, the limits
    set, the import path cut to the trace's folders, the hook armed. Returns
    the builtins module the trace and its modules run with."""
    sys.dont_write_bytecode = True
    # vloop keeps objects in reference cycles to the end of a run, as if
    # CPython's cyclic collector never ran during it; and importing every
    # supported module first would move the collector's runs (which can
    # finalize an abandoned async generator mid-run) elsewhere than in an
    # unsandboxed run. Memory stays bounded by RLIMIT_AS.
    gc.disable()
    for name in sorted(modules):
        try:
            __import__(name)
        except ImportError:
            pass    # a name of vloop's own (_vloopexec): no CPython module
    remove_unaudited()
    set_limits(cpu_seconds, max_memory)
    sys.path[:] = list(folders)
    sys.path_importer_cache.clear()
    trace_builtins = restricted_builtins(builtin_names, make_import(modules))
    arm(folders, trace)
    return trace_builtins
