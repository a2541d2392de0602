# collections for vloop, after CPython 3.11.7's Lib/collections/__init__.py.
#
# deque, defaultdict, OrderedDict and Counter are native (`_collections`):
# CPython's deque and defaultdict are C code, and OrderedDict and Counter
# derive from dict (a class of the interpreter could not when they were
# written; now it can, and users derive from them); natively each is
# a dict with CPython's behaviour (see docs/LANGUAGE.md).
#
# namedtuple: CPython builds the class with `exec` of generated source; vloop
# has no `exec`, so `namedtuple` makes the class with `type(name, (tuple,),
# namespace)`, whose `__new__` binds the arguments itself, raising the
# messages the generated `__new__` would ("P.__new__() missing 1 required
# positional argument: 'y'"), then calls `tuple.__new__`: the instances are
# tuples (a class of a trace may derive from tuple), with CPython's methods.
#
# ChainMap is CPython's code; its base `MutableMapping` is replaced by the
# mixin methods it would get from it (keys/items/values views, __eq__,
# setdefault, update), so that it does not depend on collections.abc.

from _collections import deque, defaultdict, OrderedDict, Counter

__all__ = [
    "ChainMap",
    "Counter",
    "OrderedDict",
    "defaultdict",
    "deque",
    "namedtuple",
]

_keywords = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
    "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
}


def _isidentifier(name):
    if not name:
        return False
    first = name[0]
    if not (first == "_" or first.isalpha()):
        return False
    for c in name:
        if not (c == "_" or c.isalnum()):
            return False
    return True


def _names_list(names):
    # "'a'", "'a' and 'b'", "'a', 'b', and 'c'" as CPython's missing-argument messages.
    quoted = [repr(n) for n in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return f"{quoted[0]} and {quoted[1]}"
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


class _tuplegetter:
    # The field accessors (CPython's C `_collections._tuplegetter`).
    def __init__(self, index, doc):
        self._index = index
        self.__doc__ = doc

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return instance[self._index]

    def __set__(self, instance, value):
        raise AttributeError("can't set attribute")

    def __delete__(self, instance):
        raise AttributeError("can't delete attribute")

def _nt_repr(self):
        return f"_tuplegetter({self._index}, {self.__doc__!r})"


# What CPython's generated class defines besides __new__, _make and the
# fields, copied into each namedtuple class (whose only base is tuple, as
# CPython's), with __setattr__ and __init_subclass__, which stand for its
# empty __slots__ (vloop does not enforce __slots__).

def _nt_init_subclass(cls, **kwargs):
    # A class deriving from a namedtuple's has a __dict__ (unless it sets
    # __slots__): its instances take new attributes.
    cls._plain = "__slots__" in cls.__dict__


def _nt_setattr(self, name, value):
    if name in type(self)._fields:
        raise AttributeError("can't set attribute")
    if type(self)._plain:
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
    object.__setattr__(self, name, value)


def _nt_repr(self):
    'Return a nicely formatted representation string'
    return type(self).__name__ + "(" + ", ".join(
        f"{name}={value!r}" for name, value in zip(self._fields, self)) + ")"


def _nt_asdict(self):
    'Return a new dict which maps field names to their values.'
    return dict(zip(self._fields, self))


def _nt_replace(self, **kwds):
    'Return a new Point object replacing specified fields with new values'
    result = self._make(map(kwds.pop, self._fields, self))
    if kwds:
        raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
    return result


def _nt_getnewargs(self):
    'Return self as a plain tuple.  Used by copy and pickle.'
    return tuple(self)


def namedtuple(typename, field_names, *, rename=False, defaults=None, module=None):
    """Returns a new subclass of tuple with named fields."""
    if isinstance(field_names, str):
        field_names = field_names.replace(",", " ").split()
    field_names = [str(name) for name in field_names]
    typename = str(typename)

    if rename:
        seen = set()
        for index, name in enumerate(field_names):
            if (not _isidentifier(name)
                    or name in _keywords
                    or name.startswith("_")
                    or name in seen):
                field_names[index] = f"_{index}"
            seen.add(name)

    for name in [typename] + field_names:
        if type(name) is not str:
            raise TypeError("Type names and field names must be strings")
        if not _isidentifier(name):
            raise ValueError("Type names and field names must be valid "
                             f"identifiers: {name!r}")
        if name in _keywords:
            raise ValueError("Type names and field names cannot be a "
                             f"keyword: {name!r}")

    seen = set()
    for name in field_names:
        if name.startswith("_") and not rename:
            raise ValueError("Field names cannot start with an underscore: "
                             f"{name!r}")
        if name in seen:
            raise ValueError(f"Encountered duplicate field name: {name!r}")
        seen.add(name)

    field_defaults = {}
    if defaults is not None:
        defaults = tuple(defaults)
        if len(defaults) > len(field_names):
            raise TypeError("Got more default values than field names")
        field_defaults = dict(reversed(list(zip(reversed(field_names),
                                                reversed(defaults)))))

    field_names = tuple(field_names)
    num_fields = len(field_names)
    first_default = num_fields - len(field_defaults)

    def __new__(_cls, *args, **kwargs):
        where = f"{typename}.__new__()"
        if len(args) > num_fields:
            low = first_default + 1
            high = num_fields + 1
            takes = f"{high}" if low == high else f"from {low} to {high}"
            raise TypeError(f"{where} takes {takes} positional arguments but {len(args) + 1} were given")
        values = list(args)
        for name, value in kwargs.items():
            if name not in field_names:
                raise TypeError(f"{where} got an unexpected keyword argument '{name}'")
            if field_names.index(name) < len(args):
                raise TypeError(f"{where} got multiple values for argument '{name}'")
        missing = []
        for i in range(len(args), num_fields):
            name = field_names[i]
            if name in kwargs:
                values.append(kwargs[name])
            elif name in field_defaults:
                values.append(field_defaults[name])
            else:
                missing.append(name)
                values.append(None)
        if missing:
            s = "" if len(missing) == 1 else "s"
            raise TypeError(
                f"{where} missing {len(missing)} required positional argument{s}: {_names_list(missing)}")
        return tuple.__new__(_cls, values)

    @classmethod
    def _make(cls, iterable):
        result = tuple.__new__(cls, iterable)
        if len(result) != num_fields:
            raise TypeError(f"Expected {num_fields} arguments, got {len(result)}")
        return result

    namespace = {
        "__doc__": f"{typename}({', '.join(field_names)})",
        "__slots__": (),
        "_fields": field_names,
        "_field_defaults": field_defaults,
        "__new__": __new__,
        "_make": _make,
        "__match_args__": field_names,
        "__repr__": _nt_repr,
        "_asdict": _nt_asdict,
        "_replace": _nt_replace,
        "__getnewargs__": _nt_getnewargs,
        "__setattr__": _nt_setattr,
        "__init_subclass__": classmethod(_nt_init_subclass),
        "_plain": True,
    }
    for index, name in enumerate(field_names):
        namespace[name] = _tuplegetter(index, f"Alias for field number {index}")

    result = type(typename, (tuple,), namespace)
    result.__module__ = "__main__" if module is None else module
    return result


################################################################################
### ChainMap
################################################################################

class _MappingView:
    # KeysView, ItemsView and ValuesView of collections.abc, for ChainMap.
    def __init__(self, mapping):
        self._mapping = mapping

    def __len__(self):
        return len(self._mapping)

    def __repr__(self):
        return f"{type(self).__name__}({self._mapping!r})"


class _KeysView(_MappingView):
    def __iter__(self):
        return iter(self._mapping)

    def __contains__(self, key):
        return key in self._mapping


class _ItemsView(_MappingView):
    def __iter__(self):
        for key in self._mapping:
            yield (key, self._mapping[key])

    def __contains__(self, item):
        key, value = item
        try:
            v = self._mapping[key]
        except KeyError:
            return False
        return v is value or v == value


class _ValuesView(_MappingView):
    def __iter__(self):
        for key in self._mapping:
            yield self._mapping[key]

    def __contains__(self, value):
        for key in self._mapping:
            v = self._mapping[key]
            if v is value or v == value:
                return True
        return False


# Named as collections.abc's classes, which their reprs show.
_KeysView.__name__ = _KeysView.__qualname__ = "KeysView"
_ItemsView.__name__ = _ItemsView.__qualname__ = "ItemsView"
_ValuesView.__name__ = _ValuesView.__qualname__ = "ValuesView"


class ChainMap:
    ''' A ChainMap groups multiple dicts (or other mappings) together
    to create a single, updateable view.

    The underlying mappings are stored in a list.  That list is public and can
    be accessed or updated using the *maps* attribute.  There is no other
    state.

    Lookups search the underlying mappings successively until a key is found.
    In contrast, writes, updates, and deletions only operate on the first
    mapping.

    '''

    def __init__(self, *maps):
        '''Initialize a ChainMap by setting *maps* to the given mappings.
        If no mappings are provided, a single empty dictionary is used.

        '''
        self.maps = list(maps) or [{}]          # always at least one map

    def __missing__(self, key):
        raise KeyError(key)

    def __getitem__(self, key):
        for mapping in self.maps:
            try:
                return mapping[key]             # can't use 'key in mapping' with defaultdict
            except KeyError:
                pass
        return self.__missing__(key)            # support subclasses that define __missing__

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __len__(self):
        return len(set().union(*self.maps))     # reuses stored hash values if possible

    def __iter__(self):
        d = {}
        for mapping in reversed(self.maps):
            d.update(dict.fromkeys(mapping))    # reuses stored hash values if possible
        return iter(d)

    def __contains__(self, key):
        return any(key in m for m in self.maps)

    def __bool__(self):
        return any(self.maps)

    def __repr__(self):
        return f'{self.__class__.__name__}({", ".join(map(repr, self.maps))})'

    @classmethod
    def fromkeys(cls, iterable, *args):
        'Create a ChainMap with a single dict created from the iterable.'
        return cls(dict.fromkeys(iterable, *args))

    def copy(self):
        'New ChainMap or subclass with a new copy of maps[0] and refs to maps[1:]'
        return self.__class__(self.maps[0].copy(), *self.maps[1:])

    __copy__ = copy

    def new_child(self, m=None, **kwargs):      # like Django's Context.push()
        '''New ChainMap with a new map followed by all previous maps.
        If no map is provided, an empty dict is used.
        Keyword arguments update the map or new empty dict.
        '''
        if m is None:
            m = kwargs
        elif kwargs:
            m.update(kwargs)
        return self.__class__(m, *self.maps)

    @property
    def parents(self):                          # like Django's Context.pop()
        'New ChainMap from maps[1:].'
        return self.__class__(*self.maps[1:])

    def __setitem__(self, key, value):
        self.maps[0][key] = value

    def __delitem__(self, key):
        try:
            del self.maps[0][key]
        except KeyError:
            raise KeyError(f'Key not found in the first mapping: {key!r}')

    def popitem(self):
        'Remove and return an item pair from maps[0]. Raise KeyError is maps[0] is empty.'
        try:
            return self.maps[0].popitem()
        except KeyError:
            raise KeyError('No keys found in the first mapping.')

    def pop(self, key, *args):
        'Remove *key* from maps[0] and return its value. Raise KeyError if *key* not in maps[0].'
        try:
            return self.maps[0].pop(key, *args)
        except KeyError:
            raise KeyError(f'Key not found in the first mapping: {key!r}')

    def clear(self):
        'Clear maps[0], leaving maps[1:] intact.'
        self.maps[0].clear()

    def __ior__(self, other):
        self.maps[0].update(other)
        return self

    def __or__(self, other):
        if not _is_mapping(other):
            return NotImplemented
        m = self.copy()
        m.maps[0].update(other)
        return m

    def __ror__(self, other):
        if not _is_mapping(other):
            return NotImplemented
        m = dict(other)
        for child in reversed(self.maps):
            m.update(child)
        return self.__class__(m)

    # The mixin methods of collections.abc.Mapping and MutableMapping.

    def keys(self):
        return _KeysView(self)

    def items(self):
        return _ItemsView(self)

    def values(self):
        return _ValuesView(self)

    def __eq__(self, other):
        if not _is_mapping(other):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    def setdefault(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            self[key] = default
        return default

    def update(self, other=(), **kwds):
        if _is_mapping(other):
            for key in other.keys():
                self[key] = other[key]
        else:
            for key, value in other:
                self[key] = value
        for key, value in kwds.items():
            self[key] = value

    __hash__ = None


def _is_mapping(value):
    return isinstance(value, (dict, ChainMap))


# CPython's interpreter has collections.abc loaded from its start, so that
# `collections.abc` is an attribute after `import collections`; deque is a
# MutableSequence there, as CPython's collections registers it.
import collections.abc as abc
abc.MutableSequence.register(deque)
