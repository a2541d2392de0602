# From CPython 3.11.7: Lib/asyncio/tasks.py
#
# The return_when constants of wait(), which tasks.py takes from
# concurrent.futures (FIRST_COMPLETED = concurrent.futures.FIRST_COMPLETED,
# ...). They are the first statements of the prelude, before heapq.py, so
# that every later file may use them; their values are written out.

FIRST_COMPLETED = 'FIRST_COMPLETED'
FIRST_EXCEPTION = 'FIRST_EXCEPTION'
ALL_COMPLETED = 'ALL_COMPLETED'
