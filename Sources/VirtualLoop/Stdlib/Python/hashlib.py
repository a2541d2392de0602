"""hashlib: message digests of bytes (vloop's own code, CPython 3.11.7's API).

The digests are computed natively (_vloop_hashlib.digest, over the whole
message); a hash object keeps the bytes it was given. Provided: md5,
sha1, sha224, sha256, sha384, sha512, new(name, data=b''),
algorithms_guaranteed, algorithms_available; the objects' update, digest,
hexdigest, copy, name, digest_size and block_size.
"""

import _vloop_hashlib

_SIZES = {
    'md5': (16, 64), 'sha1': (20, 64), 'sha224': (28, 64), 'sha256': (32, 64),
    'sha384': (48, 128), 'sha512': (64, 128),
}

algorithms_guaranteed = {'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'}
algorithms_available = {'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'}

__all__ = ('md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'new',
           'algorithms_guaranteed', 'algorithms_available')


def _check(data):
    if isinstance(data, str):
        raise TypeError('Strings must be encoded before hashing')
    if not isinstance(data, bytes):
        raise TypeError('object supporting the buffer API required')


class HASH:
    """A hash object: the bytes given so far, digested on demand."""

    def __init__(self, name, data):
        self._name = name
        # The bytes given so far, joined when a digest is asked for.
        self._chunks = [data]

    @property
    def name(self):
        return self._name

    @property
    def digest_size(self):
        return _SIZES[self._name][0]

    @property
    def block_size(self):
        return _SIZES[self._name][1]

    def update(self, data):
        _check(data)
        self._chunks.append(data)

    def digest(self):
        if len(self._chunks) > 1:
            self._chunks = [b''.join(self._chunks)]
        return _vloop_hashlib.digest(self._name, self._chunks[0])

    def hexdigest(self):
        return self.digest().hex()

    def copy(self):
        return HASH(self._name, b''.join(self._chunks))

    def __repr__(self):
        return '<%s _hashlib.HASH object @ 0x7f0000000000>' % self._name


def new(name, data=b'', **kwargs):
    if not isinstance(name, str):
        raise TypeError("new() argument 'name' must be str, not %s" % type(name).__name__)
    key = name.lower()
    if key not in _SIZES:
        raise ValueError('unsupported hash type ' + name)
    _check(data)
    return HASH(key, data)


def md5(data=b'', *, usedforsecurity=True):
    _check(data)
    return HASH('md5', data)


def sha1(data=b'', *, usedforsecurity=True):
    _check(data)
    return HASH('sha1', data)


def sha224(data=b'', *, usedforsecurity=True):
    _check(data)
    return HASH('sha224', data)


def sha256(data=b'', *, usedforsecurity=True):
    _check(data)
    return HASH('sha256', data)


def sha384(data=b'', *, usedforsecurity=True):
    _check(data)
    return HASH('sha384', data)


def sha512(data=b'', *, usedforsecurity=True):
    _check(data)
    return HASH('sha512', data)
