"""string: constants, capwords, Template and Formatter (CPython 3.11.7's
string.py, adapted).

vloop has no `re` module: Template's placeholders are found by a scanner
equivalent to CPython's default pattern (`$$`, `$identifier`,
`${identifier}`, any other `$` invalid), with any `delimiter` a subclass
sets; a subclass that sets `idpattern`, `braceidpattern`, `flags` or
`pattern` (a regular expression) gets NotImplementedError. Formatter's
parser (`_string.formatter_parser` and `formatter_field_name_split` in
CPython, written in C) is written here in Python.
"""

__all__ = ["ascii_letters", "ascii_lowercase", "ascii_uppercase", "capwords",
           "digits", "hexdigits", "octdigits", "printable", "punctuation",
           "whitespace", "Formatter", "Template"]

# Some strings for ctype-style character classification
whitespace = ' \t\n\r\v\f'
ascii_lowercase = 'abcdefghijklmnopqrstuvwxyz'
ascii_uppercase = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
ascii_letters = ascii_lowercase + ascii_uppercase
digits = '0123456789'
hexdigits = digits + 'abcdef' + 'ABCDEF'
octdigits = '01234567'
punctuation = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
printable = digits + ascii_letters + punctuation + whitespace


def capwords(s, sep=None):
    """capwords(s [,sep]) -> string

    Split the argument into words using split, capitalize each
    word using capitalize, and join the capitalized words using
    join.  If the optional second argument sep is absent or None,
    runs of whitespace characters are replaced by a single space
    and leading and trailing whitespace are removed, otherwise
    sep is used to split and join the words.

    """
    return (sep or ' ').join([w.capitalize() for w in s.split(sep)])


_sentinel_dict = {}
_ID_START = '_' + ascii_letters
_ID_REST = _ID_START + digits
_DEFAULT_IDPATTERN = r'(?a:[_a-z][_a-z0-9]*)'


class _Chain:
    """CPython's ChainMap(kws, mapping), for lookups only."""

    def __init__(self, first, second):
        self.first = first
        self.second = second

    def __getitem__(self, key):
        try:
            return self.first[key]
        except KeyError:
            pass
        return self.second[key]


class Template:
    """A string class for supporting $-substitutions."""

    delimiter = '$'
    idpattern = _DEFAULT_IDPATTERN
    braceidpattern = None

    def __init__(self, template):
        self.template = template

    def _scan(self):
        """The placeholders, as (start, end, kind, name) with kind one of
        'escaped', 'named', 'braced', 'invalid' (CPython's pattern's groups)."""
        cls = type(self)
        if (cls.idpattern != _DEFAULT_IDPATTERN or cls.braceidpattern is not None
                or getattr(cls, 'pattern', None) is not None
                or getattr(cls, 'flags', None) is not None):
            raise NotImplementedError(
                "vloop's string.Template supports a custom delimiter only, not a custom "
                "idpattern, braceidpattern, flags or pattern (vloop has no re module)")
        delim = cls.delimiter
        t = self.template
        n = len(t)
        dn = len(delim)
        out = []
        i = t.find(delim)
        while i >= 0:
            j = i + dn
            if t.startswith(delim, j):
                out.append((i, j + dn, 'escaped', None))
                i = t.find(delim, j + dn)
                continue
            k = _identifier_end(t, j)
            if k > j:
                out.append((i, k, 'named', t[j:k]))
                i = t.find(delim, k)
                continue
            if j < n and t[j] == '{':
                k = _identifier_end(t, j + 1)
                if k > j + 1 and k < n and t[k] == '}':
                    out.append((i, k + 1, 'braced', t[j + 1:k]))
                    i = t.find(delim, k + 1)
                    continue
            out.append((i, j, 'invalid', None))
            i = t.find(delim, j) if dn else -1
        return out

    def _invalid(self, i):
        lines = self.template[:i].splitlines(keepends=True)
        if not lines:
            colno = 1
            lineno = 1
        else:
            colno = i - len(''.join(lines[:-1]))
            lineno = len(lines)
        raise ValueError('Invalid placeholder in string: line %d, col %d' %
                         (lineno, colno))

    def _mapping(self, mapping, kws):
        if mapping is _sentinel_dict:
            return kws
        if kws:
            return _Chain(kws, mapping)
        return mapping

    def substitute(self, mapping=_sentinel_dict, **kws):
        mapping = self._mapping(mapping, kws)
        t = self.template
        parts = []
        last = 0
        for start, end, kind, name in self._scan():
            parts.append(t[last:start])
            if name is not None:
                parts.append(str(mapping[name]))
            elif kind == 'escaped':
                parts.append(self.delimiter)
            else:
                self._invalid(end)
            last = end
        parts.append(t[last:])
        return ''.join(parts)

    def safe_substitute(self, mapping=_sentinel_dict, **kws):
        mapping = self._mapping(mapping, kws)
        t = self.template
        parts = []
        last = 0
        for start, end, kind, name in self._scan():
            parts.append(t[last:start])
            if name is not None:
                try:
                    parts.append(str(mapping[name]))
                except KeyError:
                    parts.append(t[start:end])
            elif kind == 'escaped':
                parts.append(self.delimiter)
            else:
                parts.append(t[start:end])
            last = end
        parts.append(t[last:])
        return ''.join(parts)

    def is_valid(self):
        for start, end, kind, name in self._scan():
            if kind == 'invalid':
                return False
        return True

    def get_identifiers(self):
        ids = []
        for start, end, kind, name in self._scan():
            if name is not None and name not in ids:
                ids.append(name)
        return ids


def _identifier_end(t, j):
    """The end of the ASCII identifier starting at t[j] (j when there is none)."""
    n = len(t)
    if j >= n or t[j] not in _ID_START:
        return j
    k = j + 1
    while k < n and t[k] in _ID_REST:
        k += 1
    return k


def _formatter_parser(s):
    """(literal_text, field_name, format_spec, conversion) tuples, as
    CPython's _string.formatter_parser (Objects/stringlib/unicode_format.h)."""
    if not isinstance(s, str):
        raise TypeError("expected str, got %s" % type(s).__name__)
    out = []
    i = 0
    n = len(s)
    while i < n:
        literal_start = i
        c = ''
        markup = False
        while i < n:
            c = s[i]
            i += 1
            if c == '{' or c == '}':
                markup = True
                break
        at_end = i >= n
        length = i - literal_start
        if c == '}' and markup and (at_end or c != s[i]):
            raise ValueError("Single '}' encountered in format string")
        if at_end and c == '{' and markup:
            raise ValueError("Single '{' encountered in format string")
        if not at_end and markup:
            if c == s[i]:
                i += 1
                markup = False
            else:
                length -= 1
        literal = s[literal_start:literal_start + length]
        if not markup:
            out.append((literal, None, None, None))
            continue
        name, spec, conversion, i = _parse_field(s, i)
        out.append((literal, name, spec, conversion))
    return out


def _parse_field(s, i):
    """The field starting at s[i] (after its '{'): (name, spec, conversion,
    the index after its '}'), as CPython's parse_field."""
    n = len(s)
    start = i
    c = ''
    while i < n:
        c = s[i]
        i += 1
        if c == '{':
            raise ValueError("unexpected '{' in field name")
        if c == '[':
            while i < n and s[i] != ']':
                i += 1
            continue
        if c == '}' or c == ':' or c == '!':
            break
    name = s[start:i - 1] if c in '}:!' and c else s[start:i]
    conversion = None
    if c == '!' or c == ':':
        if c == '!':
            if i >= n:
                raise ValueError("end of string while looking for conversion specifier")
            conversion = s[i]
            i += 1
            if i < n:
                c = s[i]
                i += 1
                if c == '}':
                    return name, '', conversion, i
                if c != ':':
                    raise ValueError("expected ':' after conversion specifier")
        spec_start = i
        count = 1
        while i < n:
            c = s[i]
            i += 1
            if c == '{':
                count += 1
            elif c == '}':
                count -= 1
                if count == 0:
                    return name, s[spec_start:i - 1], conversion, i
        raise ValueError("unmatched '{' in format spec")
    elif c != '}' or i > n:
        raise ValueError("expected '}' before end of string")
    return name, '', conversion, i


def _field_name_split(name):
    """(first, [(is_attr, key), ...]) as CPython's _string.formatter_field_name_split."""
    i = 0
    n = len(name)
    while i < n and name[i] != '.' and name[i] != '[':
        i += 1
    first = name[:i]
    if first.isdigit():
        first = int(first)
    return first, _field_rest(name, i)


def _field_rest(name, i):
    """The (is_attr, key) parts after the first, checked as they are reached."""
    n = len(name)
    while i < n:
        c = name[i]
        i += 1
        if c == '.':
            j = i
            while i < n and name[i] != '.' and name[i] != '[':
                i += 1
            if i == j:
                raise ValueError("Empty attribute in format string")
            yield (True, name[j:i])
        elif c == '[':
            j = i
            while i < n and name[i] != ']':
                i += 1
            if i >= n:
                raise ValueError("Missing ']' in format string")
            key = name[j:i]
            if key == '':
                raise ValueError("Empty attribute in format string")
            if key.isdigit():
                key = int(key)
            i += 1
            if i < n and name[i] != '.' and name[i] != '[':
                raise ValueError("Only '.' or '[' may follow ']' in format field specifier")
            yield (False, key)
        else:
            raise ValueError("Only '.' or '[' may follow ']' in format field specifier")


class Formatter:
    def format(self, format_string, *args, **kwargs):
        return self.vformat(format_string, args, kwargs)

    def vformat(self, format_string, args, kwargs):
        used_args = set()
        result, _ = self._vformat(format_string, args, kwargs, used_args, 2)
        self.check_unused_args(used_args, args, kwargs)
        return result

    def _vformat(self, format_string, args, kwargs, used_args, recursion_depth,
                 auto_arg_index=0):
        if recursion_depth < 0:
            raise ValueError('Max string recursion exceeded')
        result = []
        for literal_text, field_name, format_spec, conversion in \
                self.parse(format_string):
            if literal_text:
                result.append(literal_text)
            if field_name is not None:
                if field_name == '':
                    if auto_arg_index is False:
                        raise ValueError('cannot switch from manual field '
                                         'specification to automatic field '
                                         'numbering')
                    field_name = str(auto_arg_index)
                    auto_arg_index += 1
                elif field_name.isdigit():
                    if auto_arg_index:
                        raise ValueError('cannot switch from manual field '
                                         'specification to automatic field '
                                         'numbering')
                    auto_arg_index = False
                obj, arg_used = self.get_field(field_name, args, kwargs)
                used_args.add(arg_used)
                obj = self.convert_field(obj, conversion)
                format_spec, auto_arg_index = self._vformat(
                    format_spec, args, kwargs,
                    used_args, recursion_depth - 1,
                    auto_arg_index=auto_arg_index)
                result.append(self.format_field(obj, format_spec))
        return ''.join(result), auto_arg_index

    def get_value(self, key, args, kwargs):
        if isinstance(key, int):
            return args[key]
        else:
            return kwargs[key]

    def check_unused_args(self, used_args, args, kwargs):
        pass

    def format_field(self, value, format_spec):
        return format(value, format_spec)

    def convert_field(self, value, conversion):
        if conversion is None:
            return value
        elif conversion == 's':
            return str(value)
        elif conversion == 'r':
            return repr(value)
        elif conversion == 'a':
            return ascii(value)
        raise ValueError("Unknown conversion specifier {0!s}".format(conversion))

    def parse(self, format_string):
        return _formatter_parser(format_string)

    def get_field(self, field_name, args, kwargs):
        first, rest = _field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attr, i in rest:
            if is_attr:
                obj = getattr(obj, i)
            else:
                obj = obj[i]
        return obj, first
