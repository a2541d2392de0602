"""The --stdlib steps of scripts/fuzz-conformance: traces that use the
standard-library modules vloop provides (docs/LANGUAGE.md) the way services
use them, between awaits: heapq, bisect, collections, itertools, operator,
math, json, string, textwrap, fnmatch, hashlib, urllib.parse, dataclasses,
enum, contextlib, typing, abc, and classes derived from built-in types.
Every step prints what it computed, so vloop's output is compared with
CPython's at each step."""

PRELUDE = """import abc
import bisect
import collections
import contextlib
import dataclasses
import enum
import fnmatch
import hashlib
import heapq
import itertools
import json
import math
import operator
import string
import textwrap
import typing
from collections import Counter, OrderedDict, defaultdict, deque, namedtuple
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from enum import Enum, IntEnum, auto
from urllib.parse import parse_qs, quote, urlencode, urlparse


class State(Enum):
    IDLE = auto()
    BUSY = auto()
    DONE = auto()


class Prio(IntEnum):
    LOW = 1
    MID = {mid}
    HIGH = 9


@dataclass(order=True)
class Item:
    prio: int
    name: str = field(compare=False)
    tags: list = field(default_factory=list, compare=False)


@dataclass(frozen=True)
class Key:
    host: str
    port: int = 80


Point = namedtuple('Point', 'x y', defaults=[0])
T = typing.TypeVar('T')


class Box(typing.Generic[T]):
    def __init__(self, item: T) -> None:
        self.item = item

    def get(self) -> T:
        return self.item


class Store(abc.ABC):
    @abc.abstractmethod
    def put(self, key, value): ...

    def put_all(self, pairs):
        for k, v in pairs:
            self.put(k, v)


class Registry(dict, Store):
    def __missing__(self, key):
        return f'<no {{key}}>'

    def put(self, key, value):
        self[key] = value


log = deque(maxlen={maxlen})
counts = Counter()
groups = defaultdict(list)
ordered = OrderedDict()
heap = []
ticks = []
seq = itertools.count()
registry = Registry()


@asynccontextmanager
async def session(name, d):
    print(name, 'open')
    try:
        await asyncio.sleep(d)
        yield name.upper()
    finally:
        print(name, 'close')
        await asyncio.sleep(0)
"""


def prelude(r):
    return PRELUDE.format(mid=r.randint(2, 8), maxlen=r.choice(['None', '2', '3'])).split('\n')


def step(r, name, k, delay):
    """One step over the modules of PRELUDE: lines of a coroutine's body."""
    d = delay(r)
    n = r.randint(0, 9)
    choice = r.randrange(20)
    if choice == 0:
        return [f"heapq.heappush(heap, ({d}, next(seq), {name!r}))", f"await asyncio.sleep({d})",
                f"print('{name} heap', heapq.heappop(heap)[2] if heap else None, len(heap), heapq.nsmallest(2, heap))"]
    if choice == 1:
        return ["bisect.insort(ticks, loop.time())", f"await asyncio.sleep({d})",
                f"print('{name} ticks', bisect.bisect_left(ticks, loop.time()), bisect.bisect_right(ticks, {n / 10}), len(ticks))"]
    if choice == 2:
        return [f"log.append(({name!r}, {k}))", f"log.appendleft({n})" if n % 2 else f"log.extend(range({n % 3}))",
                f"await asyncio.sleep({d})", f"print('{name} log', log, len(log), log[0] if log else None, {n} in log)",
                "if log:", f"    print('{name} popped', log.popleft(), log.pop() if log else None)"]
    if choice == 3:
        return [f"counts.update({name!r} * {n % 4 + 1})", f"counts[{name!r}] += {n}", f"await asyncio.sleep({d})",
                f"print('{name} counts', counts.most_common(2), counts['zz'], sum(counts.values()))"]
    if choice == 4:
        return [f"groups[{n % 3}].append({name!r})", f"await asyncio.sleep({d})",
                f"print('{name} groups', dict(groups), sorted(groups), groups[{n % 3}][-1])"]
    if choice == 5:
        return [f"ordered[{name!r}] = {n}", f"ordered.move_to_end({name!r}, last={r.choice(['True', 'False'])})",
                f"await asyncio.sleep({d})", f"print('{name} ordered', list(ordered.items()))"]
    if choice == 6:
        return [f"print('{name} iter', list(itertools.islice(itertools.count({n}, 2), 3)),"
                f" list(itertools.accumulate([{n}, 2, 3])), list(itertools.chain('ab', [{k}])),"
                f" [(key, len(list(g))) for key, g in itertools.groupby(sorted('{name}{n}'))],"
                f" list(itertools.product('ab', repeat=2))[:3], list(itertools.zip_longest('ab', [1], fillvalue=0)),"
                f" list(itertools.pairwise([1, 2, {n}])), list(itertools.combinations(range(4), 2))[{n % 6}])"]
    if choice == 7:
        return [f"items = [Item(p, {name!r} + str(p)) for p in ({n}, 1, {n % 5})]",
                f"await asyncio.sleep({d})",
                f"print('{name} items', sorted(items), max(items).name, items[0] == Item({n}, 'x'),"
                f" asdict(items[1]), replace(items[2], name='copy'))",
                f"print('{name} sorted by', [i.name for i in sorted(items, key=operator.attrgetter('name'))],"
                f" sorted([(1, 'b'), ({n}, 'a')], key=operator.itemgetter(1)))"]
    if choice == 8:
        return [f"key = Key({name!r}, {8000 + n})",
                "try:", "    key.port = 1", "except dataclasses.FrozenInstanceError as e:",
                f"    print('{name} frozen', e)",
                f"print('{name} key', key, hash(key) == hash(Key({name!r}, {8000 + n})), {{key: 1}}[Key({name!r}, {8000 + n})])"]
    if choice == 9:
        return ["state = State.IDLE", f"await asyncio.sleep({d})",
                f"state = State.BUSY if {n} % 2 else State.DONE",
                "match state:", "    case State.BUSY:", f"        print('{name} busy', state, repr(state), state.name, state.value)",
                "    case _:", f"        print('{name} state', state, list(State), State['DONE'], State(2))",
                f"print('{name} prio', Prio.MID > {n}, Prio({n if n in (1, 9) else 1}), sorted([Prio.HIGH, Prio.LOW]), Prio.MID + 1, f'{{Prio.MID}}')"]
    if choice == 10:
        return [f"doc = {{'name': {name!r}, 'n': {n}, 'tags': ['a', None, True], 'ratio': {n} / 7}}",
                f"text = json.dumps(doc, sort_keys={r.choice(['True', 'False'])}, indent={r.choice(['None', '2'])})",
                f"await asyncio.sleep({d})", f"print('{name} json', text, json.loads(text) == doc)",
                "try:", f"    json.loads('{{\"a\": {n},}}')", "except json.JSONDecodeError as e:", f"    print('{name} bad json', e)"]
    if choice == 11:
        return [f"t = string.Template('$who waited ${{n}}s')",
                f"print('{name} text', t.substitute(who={name!r}, n={n}), t.safe_substitute(n=1),"
                f" textwrap.shorten('{name} ' * {n + 3}, width=20), textwrap.wrap('aa bb cc dd ee', {n % 5 + 3}),"
                f" fnmatch.fnmatch('{name}.log', '*.log'), string.capwords('hello {name}'))"]
    if choice == 12:
        return [f"digest = hashlib.sha256(({name!r} + str({n})).encode()).hexdigest()",
                f"print('{name} hash', digest[:16], hashlib.md5(b'{n}').hexdigest(), len(hashlib.sha1(b'').digest()))"]
    if choice == 13:
        return [f"url = urlparse('https://user@{name}.test:{8000 + n}/p/{k}?q={n}&q=2&x=y#frag')",
                f"print('{name} url', url.hostname, url.port, url.path, parse_qs(url.query), url.username,"
                f" urlencode({{'a': {n}, 'b': 'x y'}}), quote('a b/{k}'), url._replace(fragment='').geturl())"]
    if choice == 14:
        return [f"async with session({name!r} + '.s{k}', {d}) as s:", f"    print('{name} in session', s)",
                f"    await asyncio.sleep({delay(r)})"]
    if choice == 15:
        return ["async with AsyncExitStack() as stack:",
                f"    a = await stack.enter_async_context(session({name!r} + '.a{k}', {d}))",
                f"    b = await stack.enter_async_context(session({name!r} + '.b{k}', {delay(r)}))",
                f"    stack.callback(print, '{name} stack callback')",
                f"    print('{name} stack', a, b)"]
    if choice == 16:
        return ["with suppress(KeyError):", f"    print('{name} lookup', {{'a': 1}}['{'a' if n % 2 else 'b'}'])",
                f"print('{name} after suppress')"]
    if choice == 17:
        return [f"p = Point({n})", f"print('{name} point', p, p._replace(y={k}), p._asdict(), Point._fields, p.x + p.y, tuple(p))"]
    if choice == 18:
        return [f"registry.put_all([({name!r}, {n}), ('k{k}', {d})])", f"await asyncio.sleep({d})",
                f"print('{name} registry', registry['nope'], len(registry), isinstance(registry, dict), sorted(registry))",
                "try:", "    Store()", "except TypeError as e:", f"    print('{name} abstract', e)"]
    return [f"box = Box({n})", f"await asyncio.sleep({d})",
            f"print('{name} math', box.get(), math.floor({n} / 3), math.ceil({n} / 3), math.sqrt({n}), math.isclose(0.1 + 0.2, 0.3),"
            f" math.fsum([0.1] * 10), math.gcd({n}, 12), math.log({n} + 1, 2), operator.add({n}, 1), math.inf > {n})"]
