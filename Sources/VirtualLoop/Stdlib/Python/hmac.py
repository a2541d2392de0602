"""HMAC (Keyed-Hashing for Message Authentication) module.

CPython 3.11.7's hmac.py on its pure-Python path (`_init_old`) over vloop's
hashlib; the object's name is 'hmac-' and the digest's name, as OpenSSL's
is. compare_digest is written here (CPython's is C): same results and
TypeErrors, constant time is not a concern in a simulation.
"""

import hashlib as _hashlib

digest_size = None


def compare_digest(a, b):
    """Return 'a == b' for two str (ASCII) or two bytes objects."""
    if isinstance(a, str) and isinstance(b, str):
        for s in (a, b):
            for c in s:
                if ord(c) > 127:
                    raise TypeError("comparing strings with non-ASCII characters is not supported")
        return a == b
    if isinstance(a, bytes) and isinstance(b, bytes):
        return a == b
    if isinstance(a, bytes) or isinstance(b, bytes):
        other = b if isinstance(a, bytes) else a
        raise TypeError("a bytes-like object is required, not '%s'" % type(other).__name__)
    raise TypeError("unsupported operand types(s) or combination of types: '%s' and '%s'"
                    % (type(a).__name__, type(b).__name__))


class HMAC:
    """RFC 2104 HMAC class.  Also complies with RFC 4231."""
    blocksize = 64

    def __init__(self, key, msg=None, digestmod=''):
        if not isinstance(key, bytes):
            raise TypeError("key: expected bytes or bytearray, but got %r" % type(key).__name__)
        if not digestmod:
            raise TypeError("Missing required parameter 'digestmod'.")
        self._init_old(key, msg, digestmod)

    def _init_old(self, key, msg, digestmod):
        if callable(digestmod):
            digest_cons = digestmod
        elif isinstance(digestmod, str):
            digest_cons = lambda d=b'': _hashlib.new(digestmod, d)
        else:
            digest_cons = lambda d=b'': digestmod.new(d)

        self._outer = digest_cons()
        self._inner = digest_cons()
        self.digest_size = self._inner.digest_size
        blocksize = self._inner.block_size
        if len(key) > blocksize:
            key = digest_cons(key).digest()
        self.block_size = blocksize
        key = key + b'\0' * (blocksize - len(key))
        self._outer.update(bytes([x ^ 0x5C for x in key]))
        self._inner.update(bytes([x ^ 0x36 for x in key]))
        if msg is not None:
            self.update(msg)

    @property
    def name(self):
        return f"hmac-{self._inner.name}"

    def update(self, msg):
        """Feed data from msg into this hashing object."""
        self._inner.update(msg)

    def copy(self):
        """Return a separate copy of this hashing object."""
        other = HMAC.__new__(type(self))
        other.digest_size = self.digest_size
        other.block_size = self.block_size
        other._inner = self._inner.copy()
        other._outer = self._outer.copy()
        return other

    def _current(self):
        h = self._outer.copy()
        h.update(self._inner.digest())
        return h

    def digest(self):
        """Return the hash value of this hashing object, as bytes."""
        return self._current().digest()

    def hexdigest(self):
        """Like digest(), but returns a string of hexadecimal digits instead."""
        return self._current().hexdigest()


def new(key, msg=None, digestmod=''):
    """Create a new hashing object and return it."""
    return HMAC(key, msg, digestmod)


def digest(key, msg, digest):
    """Fast inline implementation of HMAC."""
    return HMAC(key, msg, digest).digest()
