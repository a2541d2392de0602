"""vloop for CPython: the reference world, as a package.

In a trace or a Python test file::

    from vloop import expect, sim

`expect` and `sim` are those of the run in progress: the runner sets them
when it starts the file. To run a file under CPython 3.11.7's own asyncio
with vloop's simulated world (virtual clock, simulated pools and peers,
ordered sets, print and logging recorded as events)::

    python3 -m vloop [--check] [--path DIR]... [--max-steps N] [--max-time T] [--seed S] FILE
    python3 my_test.py          # a file that imports vloop: as python3 -m vloop --check my_test.py

The event log goes to stdout as JSON Lines; with --check, each property's
PASS/FAIL line to stderr, and the exit status is 1 when one fails (see
reference/README.md). `vloop.main(argv)` is the same runner, in-process.
"""
import os
import sys

__all__ = ['main']

# The files that start the runner themselves, never taken over.
_RUNNERS = ('vloop_reference.py',)


def _reference():
    """The reference module (`vloop_reference`), imported on first use: it
    blocks CPython's C accelerator of asyncio before asyncio is imported."""
    try:
        import vloop_reference
    except ImportError:  # a checkout: the reference is beside the package
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        import vloop_reference
    return vloop_reference


def main(argv=None):
    """Runs a file as `vloop_reference.py` does (argv: its options and the
    file) and returns the exit status. Once per process: the hooks it installs
    into asyncio stay."""
    return _reference().main(argv)


def _script_to_take_over():
    """The file `python3 FILE` is running, when FILE imports vloop and no
    runner is running it: it is run again under the runner instead."""
    if 'vloop_reference' in sys.modules:
        return None
    main_module = sys.modules.get('__main__')
    path = getattr(main_module, '__file__', None)
    if not path or not path.endswith('.py') or os.path.basename(path) in _RUNNERS:
        return None
    # The path as typed (CPython makes __file__ absolute): the paths of the
    # modules it imports are reported relative to it, as vloop reports them.
    if sys.argv and os.path.exists(sys.argv[0]) and os.path.samefile(sys.argv[0], path):
        path = sys.argv[0]
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except OSError:
        return None
    if 'from vloop import' not in text and 'import vloop' not in text:
        return None
    return path


def _take_over(path):
    """Replaces this process with `python3 -m vloop --check ... FILE`: a fresh
    interpreter, so that asyncio is imported after the runner's hooks (the
    script may have imported it before vloop)."""
    env = dict(os.environ)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env['PYTHONPATH'] = here + (os.pathsep + env['PYTHONPATH'] if env.get('PYTHONPATH') else '')
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, '-m', 'vloop', '--check'] + sys.argv[1:] + [path], env)


_script = _script_to_take_over()
if _script is not None:
    _take_over(_script)
