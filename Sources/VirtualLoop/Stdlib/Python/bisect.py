# From CPython 3.11.7: Lib/bisect.py
#
# Changes: the closing `from _bisect import *` is left out (there is no C
# accelerator); instead, wrappers at the end check the arguments as the C
# code does, so misuse raises CPython's errors.

"""Bisection algorithms."""


def insort_right(a, x, lo=0, hi=None, *, key=None):
    """Insert item x in list a, and keep it sorted assuming a is sorted.

    If x is already in a, insert it to the right of the rightmost x.

    Optional args lo (default 0) and hi (default len(a)) bound the
    slice of a to be searched.
    """
    if key is None:
        lo = bisect_right(a, x, lo, hi)
    else:
        lo = bisect_right(a, key(x), lo, hi, key=key)
    a.insert(lo, x)


def bisect_right(a, x, lo=0, hi=None, *, key=None):
    """Return the index where to insert item x in list a, assuming a is sorted.

    The return value i is such that all e in a[:i] have e <= x, and all e in
    a[i:] have e > x.  So if x already appears in the list, a.insert(i, x) will
    insert just after the rightmost x already there.

    Optional args lo (default 0) and hi (default len(a)) bound the
    slice of a to be searched.
    """

    if lo < 0:
        raise ValueError('lo must be non-negative')
    if hi is None:
        hi = len(a)
    # Note, the comparison uses "<" to match the
    # __lt__() logic in list.sort() and in heapq.
    if key is None:
        while lo < hi:
            mid = (lo + hi) // 2
            if x < a[mid]:
                hi = mid
            else:
                lo = mid + 1
    else:
        while lo < hi:
            mid = (lo + hi) // 2
            if x < key(a[mid]):
                hi = mid
            else:
                lo = mid + 1
    return lo


def insort_left(a, x, lo=0, hi=None, *, key=None):
    """Insert item x in list a, and keep it sorted assuming a is sorted.

    If x is already in a, insert it to the left of the leftmost x.

    Optional args lo (default 0) and hi (default len(a)) bound the
    slice of a to be searched.
    """

    if key is None:
        lo = bisect_left(a, x, lo, hi)
    else:
        lo = bisect_left(a, key(x), lo, hi, key=key)
    a.insert(lo, x)

def bisect_left(a, x, lo=0, hi=None, *, key=None):
    """Return the index where to insert item x in list a, assuming a is sorted.

    The return value i is such that all e in a[:i] have e < x, and all e in
    a[i:] have e >= x.  So if x already appears in the list, a.insert(i, x) will
    insert just before the leftmost x already there.

    Optional args lo (default 0) and hi (default len(a)) bound the
    slice of a to be searched.
    """

    if lo < 0:
        raise ValueError('lo must be non-negative')
    if hi is None:
        hi = len(a)
    # Note, the comparison uses "<" to match the
    # __lt__() logic in list.sort() and in heapq.
    if key is None:
        while lo < hi:
            mid = (lo + hi) // 2
            if a[mid] < x:
                lo = mid + 1
            else:
                hi = mid
    else:
        while lo < hi:
            mid = (lo + hi) // 2
            if key(a[mid]) < x:
                lo = mid + 1
            else:
                hi = mid
    return lo


# vloop: the C accelerator's argument checks, around the functions above,
# so that misuse raises what CPython (which uses `_bisect`) raises.

def _checked(name, function):
    def checked(*args, **kwargs):
        if len(args) > 4:
            raise TypeError(f"{name}() takes at most 4 positional arguments ({len(args)} given)")
        names = ("a", "x", "lo", "hi")
        values = {}
        for i, value in enumerate(args):
            values[names[i]] = value
        for k, value in kwargs.items():
            if k not in names and k != "key":
                raise TypeError(f"'{k}' is an invalid keyword argument for {name}()")
            if k in values:
                raise TypeError(f"argument for {name}() given by name ('{k}') and position ({names.index(k) + 1})")
            values[k] = value
        for i, required in enumerate(("a", "x")):
            if required not in values:
                raise TypeError(f"{name}() missing required argument '{required}' (pos {i + 1})")
        lo = values.get("lo", 0)
        if type(lo) is not int and type(lo) is not bool:
            raise TypeError(f"'{type(lo).__name__}' object cannot be interpreted as an integer")
        hi = values.get("hi")
        if hi is not None and type(hi) is not int and type(hi) is not bool:
            raise TypeError(f"argument should be integer or None, not '{type(hi).__name__}'")
        return function(values["a"], values["x"], lo, hi, key=values.get("key"))
    checked.__name__ = name
    checked.__qualname__ = name
    checked.__doc__ = function.__doc__
    return checked


insort_right = _checked("insort_right", insort_right)
bisect_right = _checked("bisect_right", bisect_right)
insort_left = _checked("insort_left", insort_left)
bisect_left = _checked("bisect_left", bisect_left)

# Create aliases
bisect = bisect_right
insort = insort_right
