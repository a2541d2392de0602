"""urllib.parse: parse URLs into components, quote and unquote
(CPython 3.11.7's urllib/parse.py, adapted).

The functions are CPython's code. What differs: URLs are parsed as str
only (a bytes URL raises TypeError saying so, and the *Bytes result classes
are not there; quote, quote_from_bytes, unquote and unquote_to_bytes take
bytes as CPython's do); the result classes are tuple subclasses written
here as collections.namedtuple makes them (fields by name and index,
_make, _replace, _asdict, _fields, __match_args__, repr); urlsplit is not
cached; a bracketed host is checked as ipaddress.ip_address would (written
here); unquote decodes UTF-8, ASCII and Latin-1 only (others raise
LookupError); CPython's regular expressions are scans by hand.
"""

__all__ = ["urlparse", "urlunparse", "urljoin", "urldefrag",
           "urlsplit", "urlunsplit", "urlencode", "parse_qs",
           "parse_qsl", "quote", "quote_plus", "quote_from_bytes",
           "unquote", "unquote_plus", "unquote_to_bytes",
           "DefragResult", "ParseResult", "SplitResult"]

uses_relative = ['', 'ftp', 'http', 'gopher', 'nntp', 'imap',
                 'wais', 'file', 'https', 'shttp', 'mms',
                 'prospero', 'rtsp', 'rtsps', 'rtspu', 'sftp',
                 'svn', 'svn+ssh', 'ws', 'wss']

uses_netloc = ['', 'ftp', 'http', 'gopher', 'nntp', 'telnet',
               'imap', 'wais', 'file', 'mms', 'https', 'shttp',
               'snews', 'prospero', 'rtsp', 'rtsps', 'rtspu', 'rsync',
               'svn', 'svn+ssh', 'sftp', 'nfs', 'git', 'git+ssh',
               'ws', 'wss']

uses_params = ['', 'ftp', 'hdl', 'prospero', 'http', 'imap',
               'https', 'shttp', 'rtsp', 'rtsps', 'rtspu', 'sip',
               'sips', 'mms', 'sftp', 'tel']

non_hierarchical = ['gopher', 'hdl', 'mailto', 'news',
                    'telnet', 'wais', 'imap', 'snews', 'sip', 'sips']

uses_query = ['', 'http', 'wais', 'imap', 'https', 'shttp', 'mms',
              'gopher', 'rtsp', 'rtsps', 'rtspu', 'sip', 'sips']

uses_fragment = ['', 'ftp', 'hdl', 'http', 'gopher', 'news',
                 'nntp', 'wais', 'https', 'shttp', 'snews',
                 'file', 'prospero']

scheme_chars = ('abcdefghijklmnopqrstuvwxyz'
                'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
                '0123456789'
                '+-.')

_WHATWG_C0_CONTROL_OR_SPACE = '\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f '

_UNSAFE_URL_BYTES_TO_REMOVE = ['\t', '\r', '\n']


def clear_cache():
    """Clear internal performance caches (vloop keeps none)."""


def _isascii(s):
    for c in s:
        if ord(c) > 127:
            return False
    return True


def _coerce_args(*args):
    str_input = isinstance(args[0], str)
    for arg in args[1:]:
        if arg and isinstance(arg, str) != str_input:
            raise TypeError("Cannot mix str and non-str arguments")
    if not str_input:
        first = args[0]
        if isinstance(first, (bytes, bytearray)):
            raise TypeError("vloop's urllib.parse parses str URLs only, not bytes")
        for x in args:
            if x and not isinstance(x, (str, bytes)):
                raise AttributeError("'%s' object has no attribute 'decode'" % type(x).__name__)
        args = tuple('' for x in args)
    return args


# ---------------------------------------------------------------- results

class _Result(tuple):
    """A named tuple as collections.namedtuple makes them (CPython's results
    are namedtuple subclasses): a tuple, with the fields by name, _make,
    _replace, _asdict, _fields and a repr naming them."""
    _fields = ()

    @classmethod
    def _make(cls, iterable):
        result = tuple.__new__(cls, tuple(iterable))
        if len(result) != len(cls._fields):
            raise TypeError(f'Expected {len(cls._fields)} arguments, got {len(result)}')
        return result

    def _replace(self, **kwds):
        values = []
        for i, name in enumerate(self._fields):
            if name in kwds:
                values.append(kwds.pop(name))
            else:
                values.append(self[i])
        if kwds:
            raise ValueError(f'Got unexpected field names: {list(kwds)!r}')
        return self._make(values)

    def _asdict(self):
        return dict(zip(self._fields, self))

    def __repr__(self):
        return type(self).__name__ + '(' + ', '.join(
            '%s=%r' % (name, value) for name, value in zip(self._fields, self)) + ')'

    def __getnewargs__(self):
        return tuple(self)

    def __setattr__(self, name, value):
        if name in self._fields:
            raise AttributeError("can't set attribute")
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


class _NetlocResultMixinStr:
    """username, password, hostname and port, from the netloc."""

    @property
    def username(self):
        return self._userinfo[0]

    @property
    def password(self):
        return self._userinfo[1]

    @property
    def hostname(self):
        hostname = self._hostinfo[0]
        if not hostname:
            return None
        hostname, percent, zone = hostname.partition('%')
        return hostname.lower() + percent + zone

    @property
    def port(self):
        port = self._hostinfo[1]
        if port is not None:
            if port.isdigit() and _isascii(port):
                port = int(port)
            else:
                raise ValueError(f"Port could not be cast to integer value as {port!r}")
            if not (0 <= port <= 65535):
                raise ValueError("Port out of range 0-65535")
        return port

    @property
    def _userinfo(self):
        netloc = self.netloc
        userinfo, have_info, hostinfo = netloc.rpartition('@')
        if have_info:
            username, have_password, password = userinfo.partition(':')
            if not have_password:
                password = None
        else:
            username = password = None
        return username, password

    @property
    def _hostinfo(self):
        netloc = self.netloc
        _, _, hostinfo = netloc.rpartition('@')
        _, have_open_br, bracketed = hostinfo.partition('[')
        if have_open_br:
            hostname, _, port = bracketed.partition(']')
            _, _, port = port.partition(':')
        else:
            hostname, _, port = hostinfo.partition(':')
        if not port:
            port = None
        return hostname, port


class DefragResult(_Result):
    """DefragResult(url, fragment)"""
    _fields = ('url', 'fragment')
    __match_args__ = ('url', 'fragment')

    def __new__(cls, url, fragment):
        return tuple.__new__(cls, (url, fragment))
    url = property(lambda self: self[0], doc='Alias for field number 0')
    fragment = property(lambda self: self[1], doc='Alias for field number 1')

    def geturl(self):
        if self.fragment:
            return self.url + '#' + self.fragment
        else:
            return self.url


class SplitResult(_NetlocResultMixinStr, _Result):
    """SplitResult(scheme, netloc, path, query, fragment)"""
    _fields = ('scheme', 'netloc', 'path', 'query', 'fragment')
    __match_args__ = ('scheme', 'netloc', 'path', 'query', 'fragment')

    def __new__(cls, scheme, netloc, path, query, fragment):
        return tuple.__new__(cls, (scheme, netloc, path, query, fragment))
    scheme = property(lambda self: self[0], doc='Alias for field number 0')
    netloc = property(lambda self: self[1], doc='Alias for field number 1')
    path = property(lambda self: self[2], doc='Alias for field number 2')
    query = property(lambda self: self[3], doc='Alias for field number 3')
    fragment = property(lambda self: self[4], doc='Alias for field number 4')

    def geturl(self):
        return urlunsplit(self)


class ParseResult(_NetlocResultMixinStr, _Result):
    """ParseResult(scheme, netloc, path, params, query, fragment)"""
    _fields = ('scheme', 'netloc', 'path', 'params', 'query', 'fragment')
    __match_args__ = ('scheme', 'netloc', 'path', 'params', 'query', 'fragment')

    def __new__(cls, scheme, netloc, path, params, query, fragment):
        return tuple.__new__(cls, (scheme, netloc, path, params, query, fragment))
    scheme = property(lambda self: self[0], doc='Alias for field number 0')
    netloc = property(lambda self: self[1], doc='Alias for field number 1')
    path = property(lambda self: self[2], doc='Alias for field number 2')
    params = property(lambda self: self[3], doc='Alias for field number 3')
    query = property(lambda self: self[4], doc='Alias for field number 4')
    fragment = property(lambda self: self[5], doc='Alias for field number 5')

    def geturl(self):
        return urlunparse(self)


# ---------------------------------------------------------------- parsing

def urlparse(url, scheme='', allow_fragments=True):
    """Parse a URL into 6 components:
    <scheme>://<netloc>/<path>;<params>?<query>#<fragment>
    """
    url, scheme = _coerce_args(url, scheme)
    splitresult = urlsplit(url, scheme, allow_fragments)
    scheme, netloc, url, query, fragment = splitresult
    if scheme in uses_params and ';' in url:
        url, params = _splitparams(url)
    else:
        params = ''
    return ParseResult(scheme, netloc, url, params, query, fragment)


def _splitparams(url):
    if '/' in url:
        i = url.find(';', url.rfind('/'))
        if i < 0:
            return url, ''
    else:
        i = url.find(';')
    return url[:i], url[i + 1:]


def _splitnetloc(url, start=0):
    delim = len(url)
    for c in '/?#':
        wdelim = url.find(c, start)
        if wdelim >= 0:
            delim = min(delim, wdelim)
    return url[start:delim], url[delim:]


def _check_bracketed_host(hostname):
    if hostname.startswith('v'):
        # \Av[a-fA-F0-9]+\..+\Z
        i = 1
        while i < len(hostname) and hostname[i] in '0123456789abcdefABCDEF':
            i += 1
        if i == 1 or i + 1 >= len(hostname) or hostname[i] != '.' or '\n' in hostname[i + 1:]:
            raise ValueError(f"IPvFuture address is invalid")
    else:
        _check_ip_address(hostname)


def _check_ip_address(hostname):
    """ipaddress.ip_address's verdict: an IPv6 address is fine, an IPv4 one
    cannot be in brackets, anything else is not an address."""
    if _is_ipv4(hostname):
        raise ValueError(f"An IPv4 address cannot be in brackets")
    if not _is_ipv6(hostname):
        raise ValueError(f"{hostname!r} does not appear to be an IPv4 or IPv6 address")


def _is_ipv4(s):
    parts = s.split('.')
    if len(parts) != 4:
        return False
    for p in parts:
        if not p or len(p) > 3 or not _isascii(p) or not p.isdigit():
            return False
        if len(p) > 1 and p[0] == '0':
            return False
        if int(p) > 255:
            return False
    return True


def _is_ipv6(s):
    addr, percent, scope = s.partition('%')
    if percent and (not scope or '%' in scope):
        return False
    if not addr:
        return False
    parts = addr.split(':')
    if len(parts) < 3:
        return False
    if '.' in parts[-1]:
        if not _is_ipv4(parts[-1]):
            return False
        parts[-1] = '0'
        parts.append('0')
    if len(parts) > 9:
        return False
    skip = [i for i in range(1, len(parts) - 1) if not parts[i]]
    if len(skip) > 1:
        return False
    if skip:
        if not parts[0] and skip[0] != 1:
            return False
        if not parts[-1] and skip[0] != len(parts) - 2:
            return False
        if parts[0] == '' and len(parts) > 1 and parts[1] != '' and skip[0] != 0:
            return False
        explicit = [p for p in parts if p]
        if len(explicit) > 7:
            return False
    else:
        if len(parts) != 8:
            return False
    for p in parts:
        if not p:
            continue
        if len(p) > 4:
            return False
        for c in p:
            if c not in '0123456789abcdefABCDEF':
                return False
    return True


def urlsplit(url, scheme='', allow_fragments=True):
    """Parse a URL into 5 components:
    <scheme>://<netloc>/<path>?<query>#<fragment>
    """
    url, scheme = _coerce_args(url, scheme)
    url = url.lstrip(_WHATWG_C0_CONTROL_OR_SPACE)
    scheme = scheme.strip(_WHATWG_C0_CONTROL_OR_SPACE)

    for b in _UNSAFE_URL_BYTES_TO_REMOVE:
        url = url.replace(b, "")
        scheme = scheme.replace(b, "")

    allow_fragments = bool(allow_fragments)
    netloc = query = fragment = ''
    i = url.find(':')
    if i > 0 and ord(url[0]) < 128 and url[0].isalpha():
        for c in url[:i]:
            if c not in scheme_chars:
                break
        else:
            scheme, url = url[:i].lower(), url[i + 1:]
    if url[:2] == '//':
        netloc, url = _splitnetloc(url, 2)
        if (('[' in netloc and ']' not in netloc) or
                (']' in netloc and '[' not in netloc)):
            raise ValueError("Invalid IPv6 URL")
        if '[' in netloc and ']' in netloc:
            bracketed_host = netloc.partition('[')[2].partition(']')[0]
            _check_bracketed_host(bracketed_host)
    if allow_fragments and '#' in url:
        url, fragment = url.split('#', 1)
    if '?' in url:
        url, query = url.split('?', 1)
    return SplitResult(scheme, netloc, url, query, fragment)


def urlunparse(components):
    """Put a parsed URL back together again."""
    scheme, netloc, url, params, query, fragment = _coerce_args(*components)
    if params:
        url = "%s;%s" % (url, params)
    return urlunsplit((scheme, netloc, url, query, fragment))


def urlunsplit(components):
    """Combine the elements of a tuple as returned by urlsplit() into a
    complete URL as a string."""
    scheme, netloc, url, query, fragment = _coerce_args(*components)
    if netloc or (scheme and scheme in uses_netloc and url[:2] != '//'):
        if url and url[:1] != '/':
            url = '/' + url
        url = '//' + (netloc or '') + url
    if scheme:
        url = scheme + ':' + url
    if query:
        url = url + '?' + query
    if fragment:
        url = url + '#' + fragment
    return url


def urljoin(base, url, allow_fragments=True):
    """Join a base URL and a possibly relative URL to form an absolute
    interpretation of the latter."""
    if not base:
        return url
    if not url:
        return base

    base, url = _coerce_args(base, url)
    bscheme, bnetloc, bpath, bparams, bquery, bfragment = \
        urlparse(base, '', allow_fragments)
    scheme, netloc, path, params, query, fragment = \
        urlparse(url, bscheme, allow_fragments)

    if scheme != bscheme or scheme not in uses_relative:
        return url
    if scheme in uses_netloc:
        if netloc:
            return urlunparse((scheme, netloc, path, params, query, fragment))
        netloc = bnetloc

    if not path and not params:
        path = bpath
        params = bparams
        if not query:
            query = bquery
        return urlunparse((scheme, netloc, path, params, query, fragment))

    base_parts = bpath.split('/')
    if base_parts[-1] != '':
        del base_parts[-1]

    if path[:1] == '/':
        segments = path.split('/')
    else:
        segments = base_parts + path.split('/')
        segments[1:-1] = [s for s in segments[1:-1] if s]

    resolved_path = []

    for seg in segments:
        if seg == '..':
            if resolved_path:
                resolved_path.pop()
        elif seg == '.':
            continue
        else:
            resolved_path.append(seg)

    if segments[-1] in ('.', '..'):
        resolved_path.append('')

    return urlunparse((scheme, netloc, '/'.join(
        resolved_path) or '/', params, query, fragment))


def urldefrag(url):
    """Removes any existing fragment from URL."""
    url, = _coerce_args(url)
    if '#' in url:
        s, n, p, a, q, frag = urlparse(url)
        defrag = urlunparse((s, n, p, a, q, ''))
    else:
        frag = ''
        defrag = url
    return DefragResult(defrag, frag)


# ---------------------------------------------------------------- quoting

_hexdig = '0123456789ABCDEFabcdef'


def unquote_to_bytes(string):
    """unquote_to_bytes('abc%20def') -> b'abc def'."""
    if not string:
        string.split
        return b''
    if isinstance(string, str):
        string = string.encode('utf-8')
    if not isinstance(string, bytes):
        raise AttributeError("'%s' object has no attribute 'split'" % type(string).__name__)
    n = len(string)
    out = []
    i = 0
    while i < n:
        b = string[i]
        if b == 37 and i + 2 < n and _hexdig.find(chr(string[i + 1])) >= 0 \
                and _hexdig.find(chr(string[i + 2])) >= 0:
            out.append(int(chr(string[i + 1]) + chr(string[i + 2]), 16))
            i += 3
        else:
            out.append(b)
            i += 1
    return bytes(out)


def _decode(bs, encoding, errors):
    """bytes.decode for the codecs unquote needs: UTF-8 with errors
    'strict', 'replace' or 'ignore'; ASCII and Latin-1."""
    enc = encoding.lower().replace('_', '-')
    if enc in ('latin-1', 'latin1', 'iso-8859-1', 'iso8859-1'):
        return ''.join([chr(b) for b in bs])
    if enc in ('ascii', 'us-ascii'):
        if errors == 'strict':
            return bs.decode('ascii')
        return ''.join([chr(b) if b < 128 else ('\ufffd' if errors == 'replace' else '') for b in bs])
    if enc not in ('utf-8', 'utf8'):
        raise LookupError('unknown encoding: ' + encoding)
    if errors == 'strict':
        return bs.decode('utf-8')
    if errors not in ('replace', 'ignore'):
        raise LookupError("unknown error handler name '%s'" % errors)
    bad = '\ufffd' if errors == 'replace' else ''
    out = []
    n = len(bs)
    i = 0
    while i < n:
        b = bs[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        if 0xC2 <= b <= 0xDF:
            need, lo, hi = 1, 0x80, 0xBF
        elif b == 0xE0:
            need, lo, hi = 2, 0xA0, 0xBF
        elif 0xE1 <= b <= 0xEC or 0xEE <= b <= 0xEF:
            need, lo, hi = 2, 0x80, 0xBF
        elif b == 0xED:
            need, lo, hi = 2, 0x80, 0x9F
        elif b == 0xF0:
            need, lo, hi = 3, 0x90, 0xBF
        elif 0xF1 <= b <= 0xF3:
            need, lo, hi = 3, 0x80, 0xBF
        elif b == 0xF4:
            need, lo, hi = 3, 0x80, 0x8F
        else:
            out.append(bad)
            i += 1
            continue
        cp = b & (0x3F >> need)
        j = i + 1
        ok = True
        for k in range(need):
            if j >= n:
                ok = False
                break
            c = bs[j]
            if k == 0:
                good = lo <= c <= hi
            else:
                good = 0x80 <= c <= 0xBF
            if not good:
                ok = False
                break
            cp = (cp << 6) | (c & 0x3F)
            j += 1
        if ok:
            out.append(chr(cp))
        else:
            out.append(bad)
        i = j
    return ''.join(out)


def unquote(string, encoding='utf-8', errors='replace'):
    """Replace %xx escapes by their single-character equivalent.

    unquote('abc%20def') -> 'abc def'.
    """
    if isinstance(string, bytes):
        return _decode(unquote_to_bytes(string), encoding, errors)
    if not isinstance(string, str):
        raise TypeError("argument of type '%s' is not iterable" % type(string).__name__)
    if '%' not in string:
        string.split
        return string
    if encoding is None:
        encoding = 'utf-8'
    if errors is None:
        errors = 'replace'
    # _asciire.split: runs of ASCII characters are unquoted, the rest kept.
    res = []
    n = len(string)
    i = 0
    while i < n:
        j = i
        ascii_run = ord(string[i]) < 128
        while j < n and (ord(string[j]) < 128) == ascii_run:
            j += 1
        if ascii_run:
            res.append(_decode(unquote_to_bytes(string[i:j]), encoding, errors))
        else:
            res.append(string[i:j])
        i = j
    return ''.join(res)


def parse_qs(qs, keep_blank_values=False, strict_parsing=False,
             encoding='utf-8', errors='replace', max_num_fields=None, separator='&'):
    """Parse a query given as a string argument; returns a dictionary."""
    parsed_result = {}
    pairs = parse_qsl(qs, keep_blank_values, strict_parsing,
                      encoding=encoding, errors=errors,
                      max_num_fields=max_num_fields, separator=separator)
    for name, value in pairs:
        if name in parsed_result:
            parsed_result[name].append(value)
        else:
            parsed_result[name] = [value]
    return parsed_result


def parse_qsl(qs, keep_blank_values=False, strict_parsing=False,
              encoding='utf-8', errors='replace', max_num_fields=None, separator='&'):
    """Parse a query given as a string argument; returns a list of pairs."""
    qs, = _coerce_args(qs)
    if not separator or (not isinstance(separator, (str, bytes))):
        raise ValueError("Separator must be of type string or bytes.")
    separator, = _coerce_args(separator)

    if max_num_fields is not None:
        num_fields = 1 + qs.count(separator) if qs else 0
        if max_num_fields < num_fields:
            raise ValueError('Max number of fields exceeded')

    r = []
    query_args = qs.split(separator) if qs else []
    for name_value in query_args:
        if not name_value and not strict_parsing:
            continue
        nv = name_value.split('=', 1)
        if len(nv) != 2:
            if strict_parsing:
                raise ValueError("bad query field: %r" % (name_value,))
            if keep_blank_values:
                nv.append('')
            else:
                continue
        if len(nv[1]) or keep_blank_values:
            name = nv[0].replace('+', ' ')
            name = unquote(name, encoding=encoding, errors=errors)
            value = nv[1].replace('+', ' ')
            value = unquote(value, encoding=encoding, errors=errors)
            r.append((name, value))
    return r


def unquote_plus(string, encoding='utf-8', errors='replace'):
    """Like unquote(), but also replace plus signs by spaces.

    unquote_plus('%7e/abc+def') -> '~/abc def'
    """
    string = string.replace('+', ' ')
    return unquote(string, encoding, errors)


_ALWAYS_SAFE = set(b'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
                   b'abcdefghijklmnopqrstuvwxyz'
                   b'0123456789'
                   b'_.-~')


def quote(string, safe='/', encoding=None, errors=None):
    """quote('abc def') -> 'abc%20def'"""
    if isinstance(string, str):
        if not string:
            return string
        if encoding is None:
            encoding = 'utf-8'
        if errors is None:
            errors = 'strict'
        string = string.encode(encoding, errors)
    else:
        if encoding is not None:
            raise TypeError("quote() doesn't support 'encoding' for bytes")
        if errors is not None:
            raise TypeError("quote() doesn't support 'errors' for bytes")
    return quote_from_bytes(string, safe)


def quote_plus(string, safe='', encoding=None, errors=None):
    """Like quote(), but also replace ' ' with '+', as required for quoting
    HTML form values."""
    if ((isinstance(string, str) and ' ' not in string) or
            (isinstance(string, bytes) and b' ' not in string)):
        return quote(string, safe, encoding, errors)
    if isinstance(safe, str):
        space = ' '
    else:
        space = b' '
    string = quote(string, safe + space, encoding, errors)
    return string.replace(' ', '+')


_quoters = {}


def quote_from_bytes(bs, safe='/'):
    """Like quote(), but accepts a bytes object rather than a str.
    quote_from_bytes(b'abc def\\x3f') -> 'abc%20def%3f'
    """
    if not isinstance(bs, bytes):
        raise TypeError("quote_from_bytes() expected bytes")
    if not bs:
        return ''
    if isinstance(safe, str):
        safe = bytes([ord(c) for c in safe if ord(c) < 128])
    else:
        safe = bytes([c for c in safe if c < 128])
    table = _quoters.get(safe)
    if table is None:
        allowed = _ALWAYS_SAFE | set(safe)
        table = [chr(b) if b in allowed else '%{:02X}'.format(b) for b in range(256)]
        _quoters[safe] = table
    return ''.join([table[b] for b in bs])


def urlencode(query, doseq=False, safe='', encoding=None, errors=None,
              quote_via=quote_plus):
    """Encode a dict or sequence of two-element tuples into a URL query string."""
    if hasattr(query, "items"):
        query = query.items()
    else:
        try:
            if len(query) and not isinstance(query[0], tuple):
                raise TypeError
        except TypeError as err:
            raise TypeError("not a valid non-string sequence "
                            "or mapping object") from err

    l = []
    if not doseq:
        for k, v in query:
            if isinstance(k, bytes):
                k = quote_via(k, safe)
            else:
                k = quote_via(str(k), safe, encoding, errors)

            if isinstance(v, bytes):
                v = quote_via(v, safe)
            else:
                v = quote_via(str(v), safe, encoding, errors)
            l.append(k + '=' + v)
    else:
        for k, v in query:
            if isinstance(k, bytes):
                k = quote_via(k, safe)
            else:
                k = quote_via(str(k), safe, encoding, errors)

            if isinstance(v, bytes):
                v = quote_via(v, safe)
                l.append(k + '=' + v)
            elif isinstance(v, str):
                v = quote_via(v, safe, encoding, errors)
                l.append(k + '=' + v)
            else:
                try:
                    x = len(v)
                except TypeError:
                    v = quote_via(str(v), safe, encoding, errors)
                    l.append(k + '=' + v)
                else:
                    for elt in v:
                        if isinstance(elt, bytes):
                            elt = quote_via(elt, safe)
                        else:
                            elt = quote_via(str(elt), safe, encoding, errors)
                        l.append(k + '=' + elt)
    return '&'.join(l)
