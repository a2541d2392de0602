"""fnmatch: Unix shell-style wildcards (CPython 3.11.7's fnmatch.py, adapted).

vloop has no `re` module, so a pattern is compiled here into tokens and
matched by a wildcard matcher instead of a regular expression: `translate`
still returns CPython's regular expression (as text), from CPython's own
code; `fnmatch`, `fnmatchcase` and `filter` match as that expression would
(`*` any run of characters, `?` one character, `[seq]` / `[!seq]` sets with
ranges, CPython's handling of empty and reversed ranges). str only: bytes
names and patterns are not supported. Paths are POSIX (`os.path.normcase`
is the identity).
"""

__all__ = ["filter", "fnmatch", "fnmatchcase", "translate"]

_STAR = object()
_ANY = object()


def fnmatch(name, pat):
    """Test whether FILENAME matches PATTERN (case-sensitive on POSIX)."""
    name = _normcase(name)
    pat = _normcase(pat)
    return fnmatchcase(name, pat)


def _normcase(s):
    if not isinstance(s, str):
        if isinstance(s, bytes):
            raise TypeError("vloop's fnmatch matches str only, not bytes")
        raise TypeError('expected str, bytes or os.PathLike object, not ' + type(s).__name__)
    return s


_cache = {}


def _compile_pattern(pat):
    tokens = _cache.get(pat)
    if tokens is None:
        if not isinstance(pat, str):
            if isinstance(pat, bytes):
                raise TypeError("vloop's fnmatch matches str only, not bytes")
            raise TypeError("object of type '%s' has no len()" % type(pat).__name__)
        tokens = _tokens(pat)
        if len(_cache) >= 32768:
            _cache.clear()
        _cache[pat] = tokens
    return tokens


def filter(names, pat):
    """Construct a list from those elements of the iterable NAMES that match PAT."""
    result = []
    pat = _normcase(pat)
    tokens = _compile_pattern(pat)
    for name in names:
        if _match(tokens, _normcase(name)):
            result.append(name)
    return result


def fnmatchcase(name, pat):
    """Test whether FILENAME matches PATTERN, including case."""
    tokens = _compile_pattern(pat)
    if not isinstance(name, str):
        raise TypeError("expected string or bytes-like object, got '%s'" % type(name).__name__)
    return _match(tokens, name)


def _set_stuff(pat, i, j):
    """The body of a `[...]` set, pat[i:j], as CPython's translate writes it."""
    stuff = pat[i:j]
    if '-' not in stuff:
        stuff = stuff.replace('\\', r'\\')
    else:
        chunks = []
        k = i + 2 if pat[i] == '!' else i + 1
        while True:
            k = pat.find('-', k, j)
            if k < 0:
                break
            chunks.append(pat[i:k])
            i = k + 1
            k = k + 3
        chunk = pat[i:j]
        if chunk:
            chunks.append(chunk)
        else:
            chunks[-1] += '-'
        # Remove empty ranges -- invalid in RE.
        for k in range(len(chunks) - 1, 0, -1):
            if ord(chunks[k - 1][-1]) > ord(chunks[k][0]):
                chunks[k - 1] = chunks[k - 1][:-1] + chunks[k][1:]
                del chunks[k]
        stuff = '-'.join(s.replace('\\', r'\\').replace('-', r'\-') for s in chunks)
    # Escape set operations (&&, ~~ and ||).
    out = []
    for c in stuff:
        if c in '&~|':
            out.append('\\')
        out.append(c)
    return ''.join(out)


def _parts(pat):
    """CPython's first pass of translate: STARs, '.', sets and literals as regex text."""
    res = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        i = i + 1
        if c == '*':
            if (not res) or res[-1] is not _STAR:
                res.append(_STAR)
        elif c == '?':
            res.append('.')
        elif c == '[':
            j = i
            if j < n and pat[j] == '!':
                j = j + 1
            if j < n and pat[j] == ']':
                j = j + 1
            while j < n and pat[j] != ']':
                j = j + 1
            if j >= n:
                res.append('\\[')
            else:
                stuff = _set_stuff(pat, i, j)
                i = j + 1
                if not stuff:
                    res.append('(?!)')
                elif stuff == '!':
                    res.append('.')
                else:
                    if stuff[0] == '!':
                        stuff = '^' + stuff[1:]
                    elif stuff[0] in ('^', '['):
                        stuff = '\\' + stuff
                    res.append('[' + stuff + ']')
        else:
            res.append(_escape(c))
    return res


_SPECIAL = '()[]{}?*+-|^$\\.&~# \t\n\r\v\f'


def _escape(c):
    if c in _SPECIAL:
        return '\\' + c
    return c


def _tokens(pat):
    """The pattern as matcher tokens: _STAR, _ANY, a one-character str, or a
    set (negated, [(lo, hi), ...]) with code points; None never matches."""
    tokens = []
    for part in _parts(pat):
        if part is _STAR:
            tokens.append(_STAR)
        elif part == '.':
            tokens.append(_ANY)
        elif part == '(?!)':
            tokens.append(None)
        elif part[0] == '\\':
            tokens.append(part[1])
        elif part[0] == '[':
            tokens.append(_class(part[1:-1]))
        else:
            tokens.append(part)
    return tokens


def _class(body):
    """A regex character class body (as _set_stuff writes them) as (negated, ranges)."""
    negated = False
    i, n = 0, len(body)
    if i < n and body[i] == '^':
        negated = True
        i += 1
    atoms = []
    first = True
    while i < n:
        c = body[i]
        if c == '\\':
            atoms.append((body[i + 1], False))
            i += 2
        elif c == '-' and not first and i + 1 < n:
            atoms.append(('-', True))
            i += 1
        else:
            atoms.append((c, False))
            i += 1
        first = False
    ranges = []
    k = 0
    while k < len(atoms):
        c, dash = atoms[k]
        if k + 2 < len(atoms) and atoms[k + 1][1]:
            ranges.append((ord(c), ord(atoms[k + 2][0])))
            k += 3
        else:
            ranges.append((ord(c), ord(c)))
            k += 1
    return (negated, ranges)


def _one(token, c):
    if token is _ANY:
        return True
    if token is None:
        return False
    if isinstance(token, str):
        return token == c
    negated, ranges = token
    o = ord(c)
    for lo, hi in ranges:
        if lo <= o <= hi:
            return not negated
    return negated


def _match(tokens, s):
    ti = 0
    si = 0
    n = len(tokens)
    m = len(s)
    star = -1
    mark = 0
    while si < m:
        if ti < n and tokens[ti] is _STAR:
            star = ti
            mark = si
            ti += 1
        elif ti < n and _one(tokens[ti], s[si]):
            ti += 1
            si += 1
        elif star >= 0:
            ti = star + 1
            mark += 1
            si = mark
        else:
            return False
    while ti < n and tokens[ti] is _STAR:
        ti += 1
    return ti == n


def translate(pat):
    """Translate a shell PATTERN to a regular expression (its text).

    There is no way to quote meta-characters.
    """
    inp = _parts(pat)
    res = []
    add = res.append
    i, n = 0, len(inp)
    while i < n and inp[i] is not _STAR:
        add(inp[i])
        i += 1
    while i < n:
        i += 1
        if i == n:
            add(".*")
            break
        fixed = []
        while i < n and inp[i] is not _STAR:
            fixed.append(inp[i])
            i += 1
        fixed = "".join(fixed)
        if i == n:
            add(".*")
            add(fixed)
        else:
            add("(?>.*?" + fixed + ")")
    res = "".join(res)
    return '(?s:' + res + ')\\Z'
