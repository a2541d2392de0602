# itertools for vloop, after CPython 3.11.7's Modules/itertoolsmodule.c.
#
# CPython's module is C; its documentation gives a pure-Python equivalent of
# each function, which the generators below follow. Each public name is a
# class, as in CPython (`type(chain())` is `<class 'itertools.chain'>`,
# instances repr as `<itertools.chain object at ...>`, `count` and `repeat`
# as `count(3)` and `repeat('a', 2)`), whose constructor checks its arguments
# and takes `iter()` of them eagerly where the C code does, with the C code's
# messages; iteration is lazy.

_maxsize = 9223372036854775807


def _iter_all(iterables):
    return [iter(x) for x in iterables]


def _no_keywords(name, kwargs):
    if kwargs:
        raise TypeError(f"{name}() takes no keyword arguments")


def _arity(name, args, n):
    if len(args) != n:
        raise TypeError(f"{name} expected {n} argument{'' if n == 1 else 's'}, got {len(args)}")


def _index(x):
    if type(x) is int or type(x) is bool:
        return int(x)
    raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")


class _Iterator:
    # The generator that does the work; `__next__` steps it.
    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)


class count(_Iterator):
    def __init__(self, *args, **kwargs):
        if len(args) + len(kwargs) > 2:
            raise TypeError(f"count() takes at most 2 arguments ({len(args) + len(kwargs)} given)")
        names = ["start", "step"]
        values = {"start": 0, "step": 1}
        for i, a in enumerate(args):
            values[names[i]] = a
        for k, v in kwargs.items():
            if k not in names:
                raise TypeError(f"count() got an unexpected keyword argument '{k}'")
            values[k] = v
        for v in values.values():
            if type(v) not in (int, float, bool):
                raise TypeError("a number is required")
        self._n = values["start"]
        self._step = values["step"]
        self._step_given = "step" in kwargs or len(args) > 1

    def __next__(self):
        n = self._n
        self._n = n + self._step
        return n

    def __repr__(self):
        if self._step_given and not (type(self._step) is int and self._step == 1):
            return f"count({self._n!r}, {self._step!r})"
        return f"count({self._n!r})"


class cycle(_Iterator):
    def __init__(self, *args, **kwargs):
        _no_keywords("cycle", kwargs)
        _arity("cycle", args, 1)
        self._it = self._cycle(iter(args[0]))

    @staticmethod
    def _cycle(it):
        saved = []
        for element in it:
            yield element
            saved.append(element)
        while saved:
            for element in saved:
                yield element


class repeat(_Iterator):
    def __init__(self, *args, **kwargs):
        if len(args) + len(kwargs) > 2:
            raise TypeError(f"repeat() takes at most 2 arguments ({len(args) + len(kwargs)} given)")
        for k in kwargs:
            if k not in ("object", "times"):
                raise TypeError(f"repeat() got an unexpected keyword argument '{k}'")
        if args:
            obj = args[0]
        elif "object" in kwargs:
            obj = kwargs["object"]
        else:
            raise TypeError("repeat() missing required argument 'object' (pos 1)")
        times = args[1] if len(args) > 1 else kwargs.get("times")
        self._object = obj
        if times is None:
            self._times = None
        else:
            self._times = max(0, _index(times))

    def __next__(self):
        if self._times is None:
            return self._object
        if self._times <= 0:
            raise StopIteration
        self._times -= 1
        return self._object

    def __repr__(self):
        if self._times is None:
            return f"repeat({self._object!r})"
        return f"repeat({self._object!r}, {self._times})"


class accumulate(_Iterator):
    def __init__(self, *args, **kwargs):
        for k in kwargs:
            if k not in ("iterable", "func", "initial"):
                raise TypeError(f"accumulate() got an unexpected keyword argument '{k}'")
        if len(args) > 2:
            raise TypeError(f"accumulate() takes at most 2 arguments ({len(args)} given)")
        if args:
            iterable = args[0]
        elif "iterable" in kwargs:
            iterable = kwargs["iterable"]
        else:
            raise TypeError("accumulate() missing required argument 'iterable' (pos 1)")
        func = args[1] if len(args) > 1 else kwargs.get("func")
        self._it = self._accumulate(iter(iterable), func, kwargs.get("initial"))

    @staticmethod
    def _accumulate(it, func, initial):
        total = initial
        if initial is None:
            try:
                total = next(it)
            except StopIteration:
                return
        yield total
        for element in it:
            total = total + element if func is None else func(total, element)
            yield total


class chain(_Iterator):
    def __init__(self, *iterables, **kwargs):
        _no_keywords("chain", kwargs)
        self._it = self._chain(iter(iterables))

    @staticmethod
    def _chain(iterables):
        for it in iterables:
            for element in it:
                yield element

    @classmethod
    def from_iterable(cls, iterable):
        c = cls()
        c._it = cls._chain(iter(iterable))
        return c


class compress(_Iterator):
    def __init__(self, *args, **kwargs):
        names = ("data", "selectors")
        for k in kwargs:
            if k not in names:
                raise TypeError(f"compress() got an unexpected keyword argument '{k}'")
        if len(args) > 2:
            raise TypeError(f"compress() takes at most 2 arguments ({len(args)} given)")
        values = list(args)
        for i, name in enumerate(names):
            if i >= len(values):
                if name not in kwargs:
                    raise TypeError(f"compress() missing required argument '{name}' (pos {i + 1})")
                values.append(kwargs[name])
        data, selectors = iter(values[0]), iter(values[1])
        self._it = (d for d, s in zip(data, selectors) if s)


class dropwhile(_Iterator):
    def __init__(self, *args, **kwargs):
        _no_keywords("dropwhile", kwargs)
        _arity("dropwhile", args, 2)
        self._it = self._dropwhile(args[0], iter(args[1]))

    @staticmethod
    def _dropwhile(predicate, it):
        for x in it:
            if not predicate(x):
                yield x
                break
        for x in it:
            yield x


class takewhile(_Iterator):
    def __init__(self, *args, **kwargs):
        _no_keywords("takewhile", kwargs)
        _arity("takewhile", args, 2)
        self._it = self._takewhile(args[0], iter(args[1]))

    @staticmethod
    def _takewhile(predicate, it):
        for x in it:
            if predicate(x):
                yield x
            else:
                break


class filterfalse(_Iterator):
    def __init__(self, *args, **kwargs):
        _no_keywords("filterfalse", kwargs)
        _arity("filterfalse", args, 2)
        predicate, it = args[0], iter(args[1])
        if predicate is None:
            self._it = (x for x in it if not x)
        else:
            self._it = (x for x in it if not predicate(x))


class _grouper(_Iterator):
    def __init__(self, parent, key):
        self._parent = parent
        self._key = key

    def __next__(self):
        parent = self._parent
        if parent._current_grouper is not self:
            raise StopIteration
        if parent._value is parent._marker:
            parent._step()
        if not self._key == parent._currkey:
            raise StopIteration
        value = parent._value
        parent._value = parent._marker
        return value


class groupby(_Iterator):
    def __init__(self, *args, **kwargs):
        for k in kwargs:
            if k not in ("iterable", "key"):
                raise TypeError(f"groupby() got an unexpected keyword argument '{k}'")
        if len(args) > 2:
            raise TypeError(f"groupby() takes at most 2 arguments ({len(args)} given)")
        if args:
            iterable = args[0]
        elif "iterable" in kwargs:
            iterable = kwargs["iterable"]
        else:
            raise TypeError("groupby() missing required argument 'iterable' (pos 1)")
        keyfunc = args[1] if len(args) > 1 else kwargs.get("key")
        self._keyfunc = (lambda x: x) if keyfunc is None else keyfunc
        self._source = iter(iterable)
        self._marker = object()
        self._tgtkey = self._marker
        self._currkey = self._marker
        self._value = self._marker
        self._current_grouper = None

    def _step(self):
        # Raises StopIteration at the end of the source, as the C code's groupby_step.
        value = next(self._source)
        self._currkey = self._keyfunc(value)
        self._value = value

    def __next__(self):
        self._current_grouper = None
        while True:
            if self._currkey is self._marker:
                pass
            elif self._tgtkey is self._marker:
                break
            elif not self._tgtkey == self._currkey:
                break
            self._step()
        self._tgtkey = self._currkey
        grouper = _grouper(self, self._tgtkey)
        self._current_grouper = grouper
        return (self._currkey, grouper)


class islice(_Iterator):
    def __init__(self, *args, **kwargs):
        _no_keywords("islice", kwargs)
        if len(args) < 2:
            raise TypeError(f"islice expected at least 2 arguments, got {len(args)}")
        if len(args) > 4:
            raise TypeError(f"islice expected at most 4 arguments, got {len(args)}")
        it = iter(args[0])
        if len(args) == 2:
            start, stop, step = None, args[1], None
        else:
            start, stop = args[1], args[2]
            step = args[3] if len(args) > 3 else None
        if stop is not None:
            if type(stop) not in (int, bool) or stop < 0 or stop > _maxsize:
                raise ValueError(
                    "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
        if start is None:
            start = 0
        elif type(start) not in (int, bool) or start < 0:
            raise ValueError(
                "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
        if step is None:
            step = 1
        elif type(step) not in (int, bool) or step < 1:
            raise ValueError("Step for islice() must be a positive integer or None.")
        self._it = self._islice(it, start, stop, step)

    @staticmethod
    def _islice(it, start, stop, step):
        i = 0
        nexti = start
        while stop is None or nexti < stop:
            try:
                while i < nexti:
                    next(it)
                    i += 1
                element = next(it)
            except StopIteration:
                return
            i += 1
            yield element
            nexti += step
        # CPython consumes up to `stop` items of the source, no more.


class pairwise(_Iterator):
    def __init__(self, *args, **kwargs):
        _no_keywords("pairwise", kwargs)
        _arity("pairwise", args, 1)
        self._it = self._pairwise(iter(args[0]))

    @staticmethod
    def _pairwise(it):
        try:
            a = next(it)
        except StopIteration:
            return
        for b in it:
            yield (a, b)
            a = b


class starmap(_Iterator):
    def __init__(self, *args, **kwargs):
        _no_keywords("starmap", kwargs)
        _arity("starmap", args, 2)
        function, it = args[0], iter(args[1])
        self._it = (function(*a) for a in it)


class _tee(_Iterator):
    def __init__(self, source, buffer, position):
        self._source = source
        self._buffer = buffer
        self._position = position

    def __next__(self):
        buffer = self._buffer
        if self._position - buffer[0] >= len(buffer[1]):
            value = next(self._source)
            buffer[1].append(value)
        value = buffer[1][self._position - buffer[0]]
        self._position += 1
        return value

    def __copy__(self):
        return _tee(self._source, self._buffer, self._position)


def tee(*args, **kwargs):
    _no_keywords("tee", kwargs)
    if len(args) < 1:
        raise TypeError(f"tee expected at least 1 argument, got {len(args)}")
    if len(args) > 2:
        raise TypeError(f"tee expected at most 2 arguments, got {len(args)}")
    n = _index(args[1]) if len(args) > 1 else 2
    if n < 0:
        raise ValueError("n must be >= 0")
    source = iter(args[0])
    # [offset of the buffer's first item, the items read and not yet seen by every copy]
    buffer = [0, []]
    return tuple(_tee(source, buffer, 0) for _ in range(n))


class zip_longest(_Iterator):
    def __init__(self, *args, **kwargs):
        for k in kwargs:
            if k != "fillvalue":
                raise TypeError("zip_longest() got an unexpected keyword argument")
        self._it = self._zip_longest(_iter_all(args), kwargs.get("fillvalue"))

    @staticmethod
    def _zip_longest(iterators, fillvalue):
        num_active = len(iterators)
        if not num_active:
            return
        while True:
            values = []
            for i, it in enumerate(iterators):
                if it is None:
                    values.append(fillvalue)
                    continue
                try:
                    value = next(it)
                except StopIteration:
                    num_active -= 1
                    if not num_active:
                        return
                    iterators[i] = None
                    value = fillvalue
                values.append(value)
            yield tuple(values)


class product(_Iterator):
    def __init__(self, *args, **kwargs):
        for k in kwargs:
            if k != "repeat":
                raise TypeError(f"product() got an unexpected keyword argument '{k}'")
        repeat = _index(kwargs.get("repeat", 1))
        if repeat < 0:
            raise ValueError("repeat argument cannot be negative")
        pools = [tuple(pool) for pool in args] * repeat
        self._it = self._product(pools)

    @staticmethod
    def _product(pools):
        result = [[]]
        for pool in pools:
            result = [x + [y] for x in result for y in pool]
        for prod in result:
            yield tuple(prod)


def _r_argument(name, args, kwargs, required):
    for k in kwargs:
        if k not in ("iterable", "r"):
            raise TypeError(f"{name}() got an unexpected keyword argument '{k}'")
    if len(args) > 2:
        raise TypeError(f"{name}() takes at most 2 arguments ({len(args)} given)")
    if args:
        iterable = args[0]
    elif "iterable" in kwargs:
        iterable = kwargs["iterable"]
    else:
        raise TypeError(f"{name}() missing required argument 'iterable' (pos 1)")
    if len(args) > 1:
        r = args[1]
    elif "r" in kwargs:
        r = kwargs["r"]
    elif required:
        raise TypeError(f"{name}() missing required argument 'r' (pos 2)")
    else:
        r = None
    pool = tuple(iterable)
    if r is not None:
        r = _index(r)
        if r < 0:
            raise ValueError("r must be non-negative")
    return pool, r


class permutations(_Iterator):
    def __init__(self, *args, **kwargs):
        pool, r = _r_argument("permutations", args, kwargs, False)
        self._it = self._permutations(pool, len(pool) if r is None else r)

    @staticmethod
    def _permutations(pool, r):
        n = len(pool)
        if r > n:
            return
        indices = list(range(n))
        cycles = list(range(n, n - r, -1))
        yield tuple(pool[i] for i in indices[:r])
        while n:
            for i in reversed(range(r)):
                cycles[i] -= 1
                if cycles[i] == 0:
                    indices[i:] = indices[i + 1:] + indices[i:i + 1]
                    cycles[i] = n - i
                else:
                    j = cycles[i]
                    indices[i], indices[-j] = indices[-j], indices[i]
                    yield tuple(pool[i] for i in indices[:r])
                    break
            else:
                return


class combinations(_Iterator):
    def __init__(self, *args, **kwargs):
        pool, r = _r_argument("combinations", args, kwargs, True)
        self._it = self._combinations(pool, r)

    @staticmethod
    def _combinations(pool, r):
        n = len(pool)
        if r > n:
            return
        indices = list(range(r))
        yield tuple(pool[i] for i in indices)
        while True:
            for i in reversed(range(r)):
                if indices[i] != i + n - r:
                    break
            else:
                return
            indices[i] += 1
            for j in range(i + 1, r):
                indices[j] = indices[j - 1] + 1
            yield tuple(pool[i] for i in indices)


class combinations_with_replacement(_Iterator):
    def __init__(self, *args, **kwargs):
        pool, r = _r_argument("combinations_with_replacement", args, kwargs, True)
        self._it = self._combinations(pool, r)

    @staticmethod
    def _combinations(pool, r):
        n = len(pool)
        if not n and r:
            return
        indices = [0] * r
        yield tuple(pool[i] for i in indices)
        while True:
            for i in reversed(range(r)):
                if indices[i] != n - 1:
                    break
            else:
                return
            indices[i:] = [indices[i] + 1] * (r - i)
            yield tuple(pool[i] for i in indices)


del _Iterator
