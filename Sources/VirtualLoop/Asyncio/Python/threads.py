# From CPython 3.11.7: Lib/asyncio/threads.py
#
# to_thread: the call runs as a job of the loop's default executor (the
# simulated thread pool). Changes:
#   - `func` is not positional-only (`func, /, *args` is `func, *args`);
#   - no contextvars: the job is `partial(func, *args, **kwargs)` rather than
#     `partial(ctx.run, func, ...)` (a trace has no context variables); the
#     order of events is the same.

async def to_thread(func, *args, **kwargs):
    loop = get_running_loop()
    func_call = partial(func, *args, **kwargs)
    return await loop.run_in_executor(None, func_call)
