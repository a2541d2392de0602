# In place of CPython 3.11.7: Lib/typing.py
#
# The special forms (`Optional`, `Union`, `Callable`, `List`, ...), `TypeVar`
# and `cast` are native (`_typing`, Sources/PyRuntime/TypeAliases.swift):
# subscriptable, with CPython's reprs, never checked. This file adds what
# needs classes, written after CPython's typing.py: `Generic` and `Protocol`
# as bases (PEP 560's `__class_getitem__` and `__mro_entries__`),
# `NamedTuple` and `TypedDict` (class syntax and the functional form),
# `ParamSpec`, `overload`, `final`, `no_type_check`, `runtime_checkable`,
# `get_type_hints`.
#
# `Protocol` has CPython's metaclass `_ProtocolMeta` (an `ABCMeta`), whose
# `__instancecheck__` and the `__subclasshook__` each protocol gets make
# `isinstance`/`issubclass` structural for `runtime_checkable` protocols.
# Departure: CPython lets the `abc` and `functools` modules make instance and
# class checks on protocols that are not runtime-checkable (it looks at the
# caller's frame); here those made while `_ProtocolMeta.__instancecheck__`
# runs `ABCMeta`'s are allowed, which is where CPython's own checks make them.

from _typing import (TYPE_CHECKING, Any, Optional, Union, List, Dict, Set, FrozenSet, Tuple, Callable, Awaitable,
    Coroutine, AsyncIterator, AsyncIterable, AsyncGenerator, Iterator, Iterable, Generator, ClassVar, Final, Type,
    Sequence, Mapping, MutableMapping, Literal, NoReturn, Never, Self, Annotated, TypeAlias, Concatenate, TypeGuard,
    Required, NotRequired, LiteralString, Unpack, Hashable, Sized, Container, Collection, Reversible,
    MutableSequence, MutableSet, AbstractSet, Deque, DefaultDict, OrderedDict, Counter, ChainMap, ContextManager,
    AsyncContextManager, TypeVar, cast)
from _vloopexec import exec as _exec
from abc import ABCMeta

Text = str


def _type_repr(obj):
    if isinstance(obj, type):
        if obj.__module__ == 'builtins':
            return obj.__qualname__
        return f'{obj.__module__}.{obj.__qualname__}'
    if obj is ...:
        return '...'
    if isinstance(obj, _FunctionType):
        return obj.__name__
    return repr(obj)


def _FunctionType():
    pass
_FunctionType = type(_FunctionType)


class ParamSpecArgs:
    def __init__(self, origin):
        self.__origin__ = origin

    def __repr__(self):
        return f"{self.__origin__.__name__}.args"


class ParamSpecKwargs:
    def __init__(self, origin):
        self.__origin__ = origin

    def __repr__(self):
        return f"{self.__origin__.__name__}.kwargs"


class ParamSpec:
    """Parameter specification variable: `P = ParamSpec('P')`."""

    def __init__(self, name, *, bound=None, covariant=False, contravariant=False):
        self.__name__ = name
        self.__bound__ = bound
        self.__covariant__ = bool(covariant)
        self.__contravariant__ = bool(contravariant)

    @property
    def args(self):
        return ParamSpecArgs(self)

    @property
    def kwargs(self):
        return ParamSpecKwargs(self)

    def __repr__(self):
        if self.__covariant__:
            prefix = '+'
        elif self.__contravariant__:
            prefix = '-'
        else:
            prefix = '~'
        return prefix + self.__name__


_TypeVarType = type(TypeVar('T'))


def _is_type_variable(p):
    return type(p) is _TypeVarType or isinstance(p, ParamSpec)


class _GenericAlias:
    """`Repo[int]`, `Generic[T]`: a class with arguments. Calling it makes an
    instance of the class (with `__orig_class__`); as a base it is its class."""

    def __init__(self, origin, args):
        self.__origin__ = origin
        self.__args__ = args
        self.__parameters__ = tuple(a for a in args if _is_type_variable(a))

    def __repr__(self):
        args = ', '.join(_type_repr(a) for a in self.__args__)
        return f'{_type_repr(self.__origin__)}[{args}]'

    def __eq__(self, other):
        if not isinstance(other, _GenericAlias):
            return NotImplemented
        return self.__origin__ == other.__origin__ and self.__args__ == other.__args__

    def __hash__(self):
        return hash((self.__origin__, self.__args__))

    def __call__(self, *args, **kwargs):
        result = self.__origin__(*args, **kwargs)
        try:
            result.__orig_class__ = self
        except AttributeError:
            pass
        return result

    def __getattr__(self, attr):
        if attr.startswith('__') and attr.endswith('__'):
            raise AttributeError(attr)
        return getattr(self.__origin__, attr)

    def __mro_entries__(self, bases):
        if self.__origin__ is Generic:
            if Protocol in bases:
                return ()
            i = bases.index(self)
            for b in bases[i + 1:]:
                if isinstance(b, _GenericAlias) and b is not self:
                    return ()
            return (Generic,)
        res = []
        if self.__origin__ not in bases:
            res.append(self.__origin__)
        i = bases.index(self)
        for b in bases[i + 1:]:
            if isinstance(b, _GenericAlias) or (isinstance(b, type) and issubclass(b, Generic)):
                break
        else:
            res.append(Generic)
        return tuple(res)


class Generic:
    """Abstract base class for generic types: `class Repo(Generic[T])`."""

    _is_protocol = False

    def __class_getitem__(cls, params):
        if not isinstance(params, tuple):
            params = (params,)
        if not params and cls is not Tuple:
            raise TypeError(f"Parameter list to {cls.__qualname__}[...] cannot be empty")
        if cls in (Generic, Protocol):
            for p in params:
                if not _is_type_variable(p):
                    raise TypeError(f"Parameters to {cls.__name__}[...] must all be type variables "
                                    f"or parameter specification variables.")
            if len(set(params)) != len(params):
                raise TypeError(f"Parameters to {cls.__name__}[...] must all be unique")
        return _GenericAlias(cls, params)

    def __init_subclass__(cls, *args, **kwargs):
        super().__init_subclass__(*args, **kwargs)
        tvars = []
        for base in cls.__dict__.get('__orig_bases__', ()):
            if isinstance(base, _GenericAlias):
                for p in base.__parameters__:
                    if p not in tvars:
                        tvars.append(p)
        cls.__parameters__ = tuple(tvars)


_TYPING_INTERNALS = ['__parameters__', '__orig_bases__',  '__orig_class__',
                     '_is_protocol', '_is_runtime_protocol', '__final__']

_SPECIAL_NAMES = ['__abstractmethods__', '__annotations__', '__dict__', '__doc__',
                  '__init__', '__module__', '__new__', '__slots__',
                  '__subclasshook__', '__weakref__', '__class_getitem__']

# These special attributes will be not collected as protocol members.
EXCLUDED_ATTRIBUTES = _TYPING_INTERNALS + _SPECIAL_NAMES + ['_MutableMapping__marker']


def _get_protocol_attrs(cls):
    """Collect protocol members from a protocol class objects.

    This includes names actually defined in the class dictionary, as well
    as names that appear in annotations. Special names (above) are skipped.
    """
    attrs = set()
    for base in cls.__mro__[:-1]:  # without object
        if base.__name__ in ('Protocol', 'Generic'):
            continue
        annotations = getattr(base, '__annotations__', {})
        for attr in list(base.__dict__.keys()) + list(annotations.keys()):
            if not attr.startswith('_abc_') and attr not in EXCLUDED_ATTRIBUTES:
                attrs.add(attr)
    return attrs


def _is_callable_members_only(cls):
    # PEP 544 prohibits using issubclass() with protocols that have non-method members.
    return all(callable(getattr(cls, attr, None)) for attr in _get_protocol_attrs(cls))


# How many of _ProtocolMeta's calls into ABCMeta's checks are under way.
_abc_checks = [0]


def _allow_reckless_class_checks(depth=3):
    """CPython allows the abc and functools modules checks on any protocol,
    by looking at the caller's frame; vloop has no frames to look at, so the
    checks allowed are those made while _ProtocolMeta runs ABCMeta's."""
    return _abc_checks[0] > 0


class _ProtocolMeta(ABCMeta):
    # This metaclass is really unfortunate and exists only because of
    # the lack of __instancehook__.
    def __instancecheck__(cls, instance):
        # We need this method for situations where attributes are
        # assigned in __init__.
        if (
            getattr(cls, '_is_protocol', False) and
            not getattr(cls, '_is_runtime_protocol', False) and
            not _allow_reckless_class_checks(depth=2)
        ):
            raise TypeError("Instance and class checks can only be used with"
                            " @runtime_checkable protocols")

        if ((not getattr(cls, '_is_protocol', False) or
                _is_callable_members_only(cls)) and
                issubclass(instance.__class__, cls)):
            return True
        if cls._is_protocol:
            if all(hasattr(instance, attr) and
                    # All *methods* can be blocked by setting them to None.
                    (not callable(getattr(cls, attr, None)) or
                     getattr(instance, attr) is not None)
                    for attr in _get_protocol_attrs(cls)):
                return True
        _abc_checks[0] += 1
        try:
            return super().__instancecheck__(instance)
        finally:
            _abc_checks[0] -= 1


class Protocol(Generic, metaclass=_ProtocolMeta):
    """Base class for protocol classes (structural types)."""

    _is_protocol = True
    _is_runtime_protocol = False

    def __init_subclass__(cls, *args, **kwargs):
        super().__init_subclass__(*args, **kwargs)
        if not cls.__dict__.get('_is_protocol', False):
            cls._is_protocol = any(b is Protocol for b in cls.__bases__)

        # Set (or override) the protocol subclass hook.
        def _proto_hook(other):
            if not cls.__dict__.get('_is_protocol', False):
                return NotImplemented

            # First, perform various sanity checks.
            if not getattr(cls, '_is_runtime_protocol', False):
                if _allow_reckless_class_checks():
                    return NotImplemented
                raise TypeError("Instance and class checks can only be used with"
                                " @runtime_checkable protocols")
            if not _is_callable_members_only(cls):
                if _allow_reckless_class_checks():
                    return NotImplemented
                raise TypeError("Protocols with non-method members"
                                " don't support issubclass()")
            if not isinstance(other, type):
                # Same error message as for issubclass(1, int).
                raise TypeError('issubclass() arg 1 must be a class')

            # Second, perform the actual structural compatibility check.
            for attr in _get_protocol_attrs(cls):
                for base in other.__mro__:
                    # Check if the members appears in the class dictionary...
                    if attr in base.__dict__:
                        if base.__dict__[attr] is None:
                            return NotImplemented
                        break

                    # ...or in annotations, if it is a sub-protocol.
                    annotations = getattr(base, '__annotations__', {})
                    if (isinstance(annotations, dict) and
                            attr in annotations and
                            issubclass(other, Generic) and other._is_protocol):
                        break
                else:
                    return NotImplemented
            return True

        if '__subclasshook__' not in cls.__dict__:
            cls.__subclasshook__ = _proto_hook

        if cls._is_protocol and cls.__init__ is Protocol.__init__:
            cls.__init__ = _no_init_or_replace_init

    def __init__(self, *args, **kwargs):
        if type(self)._is_protocol:
            raise TypeError('Protocols cannot be instantiated')


def _no_init_or_replace_init(self, *args, **kwargs):
    if type(self)._is_protocol:
        raise TypeError('Protocols cannot be instantiated')


def runtime_checkable(cls):
    """Marks a protocol class as a runtime protocol."""
    if not (isinstance(cls, type) and issubclass(cls, Generic)) or not cls._is_protocol:
        raise TypeError('@runtime_checkable can be only applied to protocol classes,'
                        ' got %r' % cls)
    cls._is_runtime_protocol = True
    return cls


def overload(func):
    """Decorator for overloaded functions; calling the decorated stub raises."""
    def _overload_dummy(*args, **kwds):
        raise NotImplementedError(
            "You should not call an overloaded function. "
            "A series of @overload-decorated functions "
            "outside a stub module should always be followed "
            "by an implementation that is not @overload-ed.")
    return _overload_dummy


def final(f):
    """Decorator marking a method or class final; `__final__` is set."""
    try:
        f.__final__ = True
    except (AttributeError, TypeError):
        pass
    return f


def no_type_check(arg):
    """Decorator: the annotations are not type hints (it returns its argument)."""
    try:
        arg.__no_type_check__ = True
    except TypeError:
        pass
    return arg


def get_type_hints(obj, globalns=None, localns=None, include_extras=False):
    """The annotations of a class (its MRO's, bases first) or of a module;
    string annotations are returned as strings (vloop has no `eval`)."""
    if isinstance(obj, type):
        hints = {}
        for base in reversed(obj.__mro__):
            ann = base.__dict__.get('__annotations__', {})
            for name, value in ann.items():
                if value is None:
                    value = type(None)
                hints[name] = value
        return hints
    hints = getattr(obj, '__annotations__', None)
    if hints is None:
        raise TypeError(f'{obj!r} is not a module, class, method, or function.')
    return dict(hints)


def NewType(name, tp):
    """`UserId = NewType('UserId', int)`: calling it returns its argument."""
    def new_type(x):
        return x
    new_type.__name__ = name
    new_type.__qualname__ = name
    new_type.__supertype__ = tp
    return new_type


# NamedTuple

def _namedtuple_new(typename, field_names, defaults):
    # __new__ is compiled, as CPython's namedtuple does, so that its errors
    # are a function's: "P.__new__() missing 1 required positional argument: 'y'".
    n = len(field_names) - len(defaults)
    params = [name if i < n else f'{name}=__defaults__[{i - n}]' for i, name in enumerate(field_names)]
    tuple_text = '(' + ', '.join(field_names) + (',)' if len(field_names) == 1 else ')')
    source = (f'def __create_fn__(_tuple_new, __defaults__):\n'
              f' def __new__(_cls, {", ".join(params)}):\n'
              f'  return _tuple_new(_cls, {tuple_text})\n'
              f' return __new__\n')
    new = _exec(source, {})['__create_fn__'](tuple.__new__, tuple(defaults))
    new.__qualname__ = f'{typename}.__new__'
    return new


def _field_getter(index, name):
    def getter(self):
        return self[index]
    return property(getter, doc=f'Alias for field number {index}')


class _NamedTupleBase(tuple):
    """What a NamedTuple class derives from (CPython's namedtuple class body:
    a tuple subclass, its fields read-only properties over the items)."""

    __slots__ = ()

    def __init_subclass__(cls, **kwargs):
        if _NamedTupleBase not in cls.__bases__:
            return
        for base in cls.__bases__:
            if base is not _NamedTupleBase and base is not Generic:
                raise TypeError('can only inherit from a NamedTuple type and Generic')
        annotations = cls.__dict__.get('__annotations__', {})
        field_names = tuple(annotations)
        defaults = []
        default_names = []
        for name in field_names:
            if name.startswith('_'):
                raise ValueError(f'Field names cannot start with an underscore: {name!r}')
            if name in cls.__dict__:
                defaults.append(cls.__dict__[name])
                default_names.append(name)
            elif default_names:
                raise TypeError(f"Non-default namedtuple field {name} "
                                f"cannot follow default field"
                                f"{'s' if len(default_names) > 1 else ''} "
                                f"{', '.join(default_names)}")
        cls._fields = field_names
        cls._field_defaults = dict(zip(field_names[len(field_names) - len(defaults):], defaults))
        cls.__match_args__ = field_names
        for i, name in enumerate(field_names):
            setattr(cls, name, _field_getter(i, name))
        cls.__new__ = staticmethod(_namedtuple_new(cls.__name__, field_names, defaults))

    def __setattr__(self, name, value):
        if name in type(self)._fields:
            raise AttributeError("can't set attribute")
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        if name in type(self)._fields:
            raise AttributeError("can't delete attribute")
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __repr__(self):
        body = ', '.join(f'{name}={value!r}' for name, value in zip(type(self)._fields, self))
        return f'{type(self).__name__}({body})'

    @classmethod
    def _make(cls, iterable):
        result = tuple.__new__(cls, iterable)
        if len(result) != len(cls._fields):
            raise TypeError(f'Expected {len(cls._fields)} arguments, got {len(result)}')
        return result

    def _replace(self, **kwds):
        result = type(self)._make(map(kwds.pop, type(self)._fields, self))
        if kwds:
            raise ValueError(f'Got unexpected field names: {list(kwds)!r}')
        return result

    def _asdict(self):
        return dict(zip(type(self)._fields, self))

    def __getnewargs__(self):
        return tuple(self)


def NamedTuple(typename, fields=None, **kwargs):
    """Typed version of namedtuple: `class P(NamedTuple): x: int` or
    `P = NamedTuple('P', [('x', int), ('y', int)])`."""
    if fields is None:
        fields = kwargs.items()
    elif kwargs:
        raise TypeError("Either list of fields or keywords"
                        " can be provided to NamedTuple, not both")
    return type(typename, (_NamedTupleBase,), {'__annotations__': dict(fields)})


NamedTuple.__mro_entries__ = lambda bases: (_NamedTupleBase,)


# TypedDict

class _TypedDictBase:
    """What a TypedDict class derives from: calling it makes a plain dict."""

    def __new__(cls, *args, **kwargs):
        return dict(*args, **kwargs)

    def __init_subclass__(cls, **kwargs):
        annotations = {}
        for base in reversed(cls.__mro__):
            annotations.update(base.__dict__.get('__annotations__', {}))
        cls.__annotations__ = annotations
        if _has_frozenset:
            # (Left out where the builtin frozenset is missing, rather than given as another type.)
            cls.__required_keys__ = frozenset(annotations)
            cls.__optional_keys__ = frozenset()
        cls.__total__ = True


try:
    frozenset
    _has_frozenset = True
except NameError:
    _has_frozenset = False


def TypedDict(typename, fields=None, total=True, **kwargs):
    """A dict with typed keys: `class Movie(TypedDict): name: str`, or
    `Movie = TypedDict('Movie', {'name': str})`; instances are plain dicts."""
    if fields is None:
        fields = kwargs
    ns = {'__annotations__': dict(fields), '__module__': '__main__'}
    return type(typename, (_TypedDictBase,), ns)


TypedDict.__mro_entries__ = lambda bases: (_TypedDictBase,)
