# The enum module, written for vloop after CPython 3.11.7's Lib/enum.py: the
# same names, reprs, strs, formats, errors and member rules, on a smaller
# machine (the interpreter's class bodies bind a plain dict, so EnumType.__new__
# finds the members in the namespace it is given instead of an _EnumDict).
#
# Differences from CPython (see docs/LANGUAGE.md, "abc, enum, collections.abc"):
# __members__ is a dict (a copy), not a
# mappingproxy; Flag and IntFlag follow 3.11's (boundaries STRICT, CONFORM,
# EJECT, KEEP), with `R | W` between auto() values in a class body resolved
# once the members are; the functional API (Enum('Color', 'RED GREEN')) takes a
# space- or comma-separated string, a list of names or of (name, value) pairs,
# or a dict; _ignore_, _order_, _simple_enum, global_enum, verify and
# pickling support are not provided; FlagBoundary is a plain class.

__all__ = [
    'EnumType', 'EnumMeta', 'Enum', 'IntEnum', 'StrEnum', 'Flag', 'IntFlag', 'ReprEnum',
    'auto', 'unique', 'property', 'FlagBoundary', 'STRICT', 'CONFORM', 'EJECT', 'KEEP',
]

_builtin_property = property


class _AutoNull:
    def __repr__(self):
        return '_auto_null'


_auto_null = _AutoNull()


class auto:
    """Instances are replaced with an appropriate value in Enum class suites."""

    def __init__(self, value=_auto_null):
        self.value = value

    def __repr__(self):
        return "auto(%r)" % self.value

    # `RW = R | W` in a class body where R and W are still auto(): resolved
    # with the members (CPython's _EnumDict resolves auto() as it is bound).
    def __or__(self, other):
        return _Deferred(lambda a, b: a | b, self, other)

    __ror__ = __or__

    def __and__(self, other):
        return _Deferred(lambda a, b: a & b, self, other)

    __rand__ = __and__


class _Deferred(auto):
    def __init__(self, op, a, b):
        self.value = _auto_null
        self.op, self.a, self.b = op, a, b

    def resolve(self):
        a = self.a.resolve() if isinstance(self.a, _Deferred) else self.a.value if isinstance(self.a, auto) else self.a
        b = self.b.resolve() if isinstance(self.b, _Deferred) else self.b.value if isinstance(self.b, auto) else self.b
        return self.op(a, b)


property = _builtin_property


def _is_dunder(name):
    return len(name) > 4 and name[:2] == name[-2:] == '__' and name[2] != '_' and name[-3] != '_'


def _is_sunder(name):
    return len(name) > 2 and name[0] == name[-1] == '_' and name[1:2] != '_' and name[-2:-1] != '_'


def _is_private(cls_name, name):
    pattern = '_%s__' % (cls_name.lstrip('_'), )
    return len(name) > len(pattern) and name.startswith(pattern) and not name.endswith('__')


def _is_descriptor(obj):
    kind = type(obj).__name__
    if kind in ('function', 'property', 'classmethod', 'staticmethod', 'builtin_function_or_method'):
        return True
    return hasattr(obj, '__get__') or hasattr(obj, '__set__') or hasattr(obj, '__delete__')


def _raw(value):
    """A class attribute as its class dict holds it: a staticmethod's function."""
    if type(value).__name__ == 'staticmethod':
        return value.__func__
    return value


class FlagBoundary:
    """How Flag handles values outside its members (only the names are here)."""

    def __init__(self, name):
        self._name_ = name

    def __repr__(self):
        return "<FlagBoundary.%s: %r>" % (self._name_, self._name_.lower())


STRICT = FlagBoundary('STRICT')
CONFORM = FlagBoundary('CONFORM')
EJECT = FlagBoundary('EJECT')
KEEP = FlagBoundary('KEEP')


class EnumType(type):
    """Metaclass for Enum"""

    def __new__(metacls, cls, bases, classdict, boundary=None, _simple=False, **kwds):
        for base in bases:
            if isinstance(base, EnumType) and base._member_names_:
                raise TypeError("<enum %r> cannot extend %r" % (cls, base))
        generate = None
        for key in ('_generate_next_value_', ):
            if key in classdict:
                generate = _raw(classdict[key])
        if generate is None:
            # The most derived class defining it, as the MRO would find it.
            found = [k for b in bases for k in b.__mro__ if '_generate_next_value_' in k.__dict__]
            for k in found:
                if not any(o is not k and issubclass(o, k) for o in found):
                    generate = _raw(k.__dict__['_generate_next_value_'])
                    break
        members = []
        body = {}
        last_values = []
        for key, value in classdict.items():
            if (_is_dunder(key) or _is_sunder(key) or _is_private(cls, key) or _is_descriptor(value)
                    or not bases):
                body[key] = value
                continue
            if isinstance(value, _Deferred):
                value = value.resolve()
            elif isinstance(value, auto):
                if value.value is _auto_null:
                    value.value = generate(key, 1, len(members), last_values[:])
                value = value.value
            elif isinstance(value, tuple) and any(isinstance(v, auto) for v in value):
                resolved = []
                for v in value:
                    if isinstance(v, auto):
                        if v.value is _auto_null:
                            v.value = generate(key, 1, len(members), last_values[:])
                        v = v.value
                    resolved.append(v)
                value = tuple(resolved)
            members.append((key, value))
            last_values.append(value)
        member_type = _find_data_type_(bases)
        body['_member_type_'] = member_type
        if boundary is not None:
            body['_boundary_'] = boundary
        body['_member_names_'] = []
        body['_member_map_'] = {}
        body['_value2member_map_'] = {}
        enum_class = super().__new__(metacls, cls, bases, body, **kwds)
        for name, value in members:
            enum_class._add_member_(name, value)
        if Flag is not None and issubclass(enum_class, Flag):
            flag_mask = singles = 0
            for member in enum_class._member_map_.values():
                flag_mask |= member._value_
                if _power_of_two(member._value_):
                    singles |= member._value_
            type.__setattr__(enum_class, '_flag_mask_', flag_mask)
            type.__setattr__(enum_class, '_singles_mask_', singles)
            type.__setattr__(enum_class, '_all_bits_', 2 ** _bit_length(flag_mask) - 1)
            values = [enum_class._member_map_[n]._value_ for n in enum_class._member_names_]
            if values != sorted(values):
                # Members not in increasing value order: names list in definition order.
                type.__setattr__(enum_class, '_iter_member_', enum_class._iter_member_by_def_)
        return enum_class

    def _add_member_(cls, name, value):
        for canonical in cls._member_map_.values():
            if canonical._value_ == value:
                cls._member_map_[name] = canonical
                type.__setattr__(cls, name, canonical)
                return
        args = value if isinstance(value, tuple) else (value, )
        if hasattr(cls, '_new_member_'):
            member = cls._new_member_(*args)
        elif cls._member_type_ is object:
            member = object.__new__(cls)
        else:
            member = cls._member_type_.__new__(cls, *args)
            value = cls._member_type_(*args)
        member._value_ = value
        member._name_ = name
        member.__objclass__ = cls
        member._sort_order_ = len(cls._member_names_)
        member.__init__(*args)
        value = member._value_
        if Flag is None or not issubclass(cls, Flag) or _power_of_two(value):
            cls._member_names_.append(name)
        cls._member_map_[name] = member
        try:
            cls._value2member_map_[value] = member
        except TypeError:
            pass
        type.__setattr__(cls, name, member)

    def __call__(cls, value, names=None, *, module=None, qualname=None, type=None, start=1, boundary=None):
        if names is None:
            return Enum.__new__(cls, value)
        return cls._create_(value, names, module=module, qualname=qualname, type=type, start=start)

    def _create_(cls, class_name, names, *, module=None, qualname=None, type=None, start=1):
        bases = (cls, ) if type is None else (type, cls)
        if isinstance(names, str):
            names = names.replace(',', ' ').split()
        if isinstance(names, (tuple, list)) and names and isinstance(names[0], str):
            original_names, names = names, []
            last_values = []
            generate = cls._generate_next_value_
            for count, name in enumerate(original_names):
                value = generate(name, start, count, last_values[:])
                last_values.append(value)
                names.append((name, value))
        classdict = {'__module__': module or '__main__'}
        if qualname is not None:
            classdict['__qualname__'] = qualname
        items = names.items() if isinstance(names, dict) else names
        for item in items:
            if isinstance(item, str):
                member_name, member_value = item, names[item]
            else:
                member_name, member_value = item
            classdict[member_name] = member_value
        return EnumType.__new__(EnumType, class_name, bases, classdict)

    def __contains__(cls, member):
        if not isinstance(member, Enum):
            raise TypeError(
                "unsupported operand type(s) for 'in': '%s' and '%s'" % (
                    type(member).__qualname__, cls.__class__.__qualname__))
        return isinstance(member, cls) and member._name_ in cls._member_map_

    def __delattr__(cls, attr):
        if attr in cls._member_map_:
            raise AttributeError("%r cannot delete member %r." % (cls.__name__, attr))
        super().__delattr__(attr)

    def __getitem__(cls, name):
        return cls._member_map_[name]

    def __iter__(cls):
        return (cls._member_map_[name] for name in cls._member_names_)

    def __len__(cls):
        return len(cls._member_names_)

    @_builtin_property
    def __members__(cls):
        return dict(cls._member_map_)

    def __repr__(cls):
        if Flag is not None and issubclass(cls, Flag):
            return "<flag %r>" % cls.__name__
        return "<enum %r>" % cls.__name__

    def __reversed__(cls):
        return (cls._member_map_[name] for name in reversed(cls._member_names_))

    def __setattr__(cls, name, value):
        member_map = cls.__dict__.get('_member_map_', {})
        if name in member_map:
            raise AttributeError('cannot reassign member %r' % (name, ))
        super().__setattr__(name, value)

    def __bool__(cls):
        return True


EnumMeta = EnumType
Flag = None


def _find_data_type_(bases):
    """The built-in type mixed into an enum (`class Status(str, Enum)`), else object."""
    for chain in bases:
        for base in chain.__mro__:
            if base is object:
                continue
            if isinstance(base, EnumType):
                if base._member_type_ is not object:
                    return base._member_type_
                continue
            if base.__module__ == 'builtins':
                return base
    return object


class Enum(metaclass=EnumType):
    """Create a collection of name/value pairs."""

    _member_type_ = object
    _boundary_ = None

    def __new__(cls, value):
        if type(value) is cls:
            return value
        try:
            return cls._value2member_map_[value]
        except KeyError:
            pass
        except TypeError:
            for member in cls._member_map_.values():
                if member._value_ == value:
                    return member
        result = cls._missing_(value)
        if isinstance(result, cls):
            return result
        if result is None:
            raise ValueError("%r is not a valid %s" % (value, cls.__qualname__))
        raise TypeError(
            'error in %s._missing_: returned %r instead of None or a valid member'
            % (cls.__name__, result))

    def __init__(self, *args, **kwds):
        pass

    def _generate_next_value_(name, start, count, last_values):
        if not last_values:
            return start
        try:
            last = last_values[-1]
            last_values.sort()
            if last == last_values[-1]:
                return last + 1
            raise TypeError
        except TypeError:
            for v in reversed(last_values):
                try:
                    return v + 1
                except TypeError:
                    pass
            return start

    @classmethod
    def _missing_(cls, value):
        return None

    def __repr__(self):
        return "<%s.%s: %s>" % (self.__class__.__name__, self._name_, self._value_repr_())

    def _value_repr_(self):
        return repr(self._value_)

    def __str__(self):
        return "%s.%s" % (self.__class__.__name__, self._name_)

    def __format__(self, format_spec):
        return format(str(self), format_spec)

    def __hash__(self):
        return hash(self._name_)

    def __reduce_ex__(self, proto):
        return self.__class__, (self._value_, )

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    @_builtin_property
    def name(self):
        """The name of the Enum member."""
        return self._name_

    @_builtin_property
    def value(self):
        """The value of the Enum member."""
        return self._value_


class ReprEnum(Enum):
    """Only changes the repr(), leaving str() and format() to the mixed-in type."""

    def __str__(self):
        return str(self._value_)

    def __format__(self, format_spec):
        return format(self._value_, format_spec)


class IntEnum(int, ReprEnum):
    """Enum where members are also (and must be) ints"""

    # What the interpreter's int base does not give an instance yet: the
    # conversions and int's methods (bit_length...), from the value.
    def __index__(self):
        return self._value_

    def __int__(self):
        return self._value_

    def __float__(self):
        return float(self._value_)

    def __getattr__(self, name):
        if name[:1] == '_':
            raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))
        return getattr(self._value_, name)


class StrEnum(str, ReprEnum):
    """Enum where members are also (and must be) strings"""

    @classmethod
    def _new_member_(cls, *values):
        if len(values) > 3:
            raise TypeError('too many arguments for str(): %r' % (values, ))
        if not isinstance(values[0], str):
            raise TypeError('%r is not a string' % (values[0], ))
        return str.__new__(cls, *values)

    def _generate_next_value_(name, start, count, last_values):
        """Return the lower-cased version of the member name."""
        return name.lower()


def _bit_length(value):
    n = 0
    value = abs(value)
    while value:
        value >>= 1
        n += 1
    return n


def _power_of_two(value):
    if not isinstance(value, int) or value < 1:
        return False
    return value == 2 ** (_bit_length(value) - 1)


def _iter_bits_lsb(num):
    while num:
        b = num & (~num + 1)
        yield b
        num ^= b


def bin(num, max_bits=None):
    """Like built-in bin(), except negative values are two's complement, and
    the leading bit always indicates sign (0=positive, 1=negative)."""
    ceiling = 2 ** _bit_length(num)
    value = num + ceiling if num >= 0 else ~num ^ (ceiling - 1) + ceiling
    digits = ''
    while value:
        digits = '01'[value & 1] + digits
        value >>= 1
    s = '0b' + (digits or '0')
    if num >= 0:
        s = s.replace('1', '0', 1)
    sign = s[:3]
    digits = s[3:]
    if max_bits is not None:
        if len(digits) < max_bits:
            digits = (sign[-1] * max_bits + digits)[-max_bits:]
    return "%s %s" % (sign, digits)


class Flag(Enum, boundary=STRICT):
    """Support for flags"""

    _numeric_repr_ = repr

    def _generate_next_value_(name, start, count, last_values):
        if not count:
            return start if start is not None else 1
        last_value = max(last_values)
        if not isinstance(last_value, int):
            raise TypeError('invalid flag value %r' % last_value)
        return 2 ** _bit_length(last_value)

    @classmethod
    def _iter_member_by_value_(cls, value):
        for val in _iter_bits_lsb(value & cls._flag_mask_):
            yield cls._value2member_map_.get(val)

    _iter_member_ = _iter_member_by_value_

    @classmethod
    def _iter_member_by_def_(cls, value):
        yield from sorted(cls._iter_member_by_value_(value), key=lambda m: m._sort_order_)

    @classmethod
    def _missing_(cls, value):
        if not isinstance(value, int):
            raise ValueError("%r is not a valid %s" % (value, cls.__qualname__))
        flag_mask = cls._flag_mask_
        singles_mask = cls._singles_mask_
        all_bits = cls._all_bits_
        neg_value = None
        if not ~all_bits <= value <= all_bits or value & (all_bits ^ flag_mask):
            if cls._boundary_ is STRICT:
                max_bits = max(_bit_length(value), _bit_length(flag_mask))
                raise ValueError(
                        "%r invalid value %r\n    given %s\n  allowed %s" % (
                            cls, value, bin(value, max_bits), bin(flag_mask, max_bits)))
            elif cls._boundary_ is CONFORM:
                value = value & flag_mask
            elif cls._boundary_ is EJECT:
                return value
            elif cls._boundary_ is KEEP:
                if value < 0:
                    value = max(all_bits + 1, 2 ** _bit_length(value)) + value
        if value < 0:
            neg_value = value
            value = all_bits + 1 + value
        unknown = value & ~flag_mask
        aliases = value & ~singles_mask
        member_value = value & singles_mask
        if unknown and cls._boundary_ is not KEEP:
            raise ValueError('%s(%r) -->  unknown values %r [%s]' % (cls.__name__, value, unknown, bin(unknown)))
        if cls._member_type_ is object:
            pseudo_member = object.__new__(cls)
        else:
            pseudo_member = cls._member_type_.__new__(cls, value)
        pseudo_member._value_ = value
        if member_value or aliases:
            members = []
            combined_value = 0
            for m in cls._iter_member_(member_value):
                members.append(m)
                combined_value |= m._value_
            if aliases:
                value = member_value | aliases
                for n, pm in cls._member_map_.items():
                    if pm not in members and pm._value_ and pm._value_ & value == pm._value_:
                        members.append(pm)
                        combined_value |= pm._value_
            unknown = value ^ combined_value
            pseudo_member._name_ = '|'.join([m._name_ for m in members])
            if not combined_value:
                pseudo_member._name_ = None
            elif unknown and cls._boundary_ is STRICT:
                raise ValueError('%r: no members with value %r' % (cls, unknown))
            elif unknown:
                pseudo_member._name_ += '|%s' % cls._numeric_repr_(unknown)
        else:
            pseudo_member._name_ = None
        pseudo_member = cls._value2member_map_.setdefault(value, pseudo_member)
        if neg_value is not None:
            cls._value2member_map_[neg_value] = pseudo_member
        return pseudo_member

    def __contains__(self, other):
        if not isinstance(other, self.__class__):
            raise TypeError(
                "unsupported operand type(s) for 'in': %r and %r" % (
                    type(other).__qualname__, self.__class__.__qualname__))
        return other._value_ & self._value_ == other._value_

    def __iter__(self):
        yield from self._iter_member_(self._value_)

    def __len__(self):
        return len(list(_iter_bits_lsb(self._value_)))

    def __repr__(self):
        cls_name = self.__class__.__name__
        if self._name_ is None:
            return "<%s: %s>" % (cls_name, self._value_repr_())
        return "<%s.%s: %s>" % (cls_name, self._name_, self._value_repr_())

    def __str__(self):
        cls_name = self.__class__.__name__
        if self._name_ is None:
            return '%s(%r)' % (cls_name, self._value_)
        return "%s.%s" % (cls_name, self._name_)

    def __bool__(self):
        return bool(self._value_)

    def _operand(self, other):
        if isinstance(other, self.__class__):
            return other._value_
        if self._member_type_ is not object and isinstance(other, self._member_type_):
            return other
        return NotImplemented

    def __or__(self, other):
        other = self._operand(other)
        if other is NotImplemented:
            return NotImplemented
        return self.__class__(self._value_ | other)

    def __and__(self, other):
        other = self._operand(other)
        if other is NotImplemented:
            return NotImplemented
        return self.__class__(self._value_ & other)

    def __xor__(self, other):
        other = self._operand(other)
        if other is NotImplemented:
            return NotImplemented
        return self.__class__(self._value_ ^ other)

    def __invert__(self):
        if self._boundary_ in (EJECT, KEEP):
            return self.__class__(~self._value_)
        return self.__class__(self._singles_mask_ & ~self._value_)

    __rand__ = __and__
    __ror__ = __or__
    __rxor__ = __xor__


class IntFlag(int, ReprEnum, Flag, boundary=KEEP):
    """Support for integer-based Flags"""

    def __index__(self):
        return self._value_

    def __int__(self):
        return self._value_


def unique(enumeration):
    """Class decorator for enumerations ensuring unique member values."""
    duplicates = []
    for name, member in enumeration.__members__.items():
        if name != member.name:
            duplicates.append((name, member.name))
    if duplicates:
        alias_details = ', '.join(
                ["%s -> %s" % (alias, name) for (alias, name) in duplicates])
        raise ValueError('duplicate values found in %r: %s' %
                (enumeration, alias_details))
    return enumeration
