# From CPython 3.11.7: Lib/asyncio/selector_events.py
#
# BaseSelectorEventLoop's sock_connect (_sock_connect, _sock_connect_start,
# _sock_write_done, _sock_connect_cb, _ensure_fd_no_transport) and the socket
# transport. Changes:
#   - the loop's methods are functions that take the loop first;
#   - _SelectorTransport and _SelectorSocketTransport are one class (their two
#     __init__ one after the other), without BufferedProtocol reads, sendfile,
#     servers, debug logging or __del__;
#   - the buffer is bytes; a simulated socket takes all the data a write sends,
#     so there is no _write_ready; repr() names the class literally;
#   - `socket.SHUT_WR`, `SOL_SOCKET` and `SO_ERROR` are their numbers;
#   - _sock_write_done calls the loop's _remove_writer without remove_writer's
#     check that no transport uses the socket (see the comment there; README,
#     "Decisions").

def _ensure_fd_no_transport(loop, fd):
    try:
        transport = loop._transports[fd]
    except KeyError:
        pass
    else:
        if not transport.is_closing():
            raise RuntimeError(f'File descriptor {fd!r} is used by transport {transport!r}')


async def _sock_connect(loop, sock, address):
    if sock.family == _AF_INET:
        resolved = await _ensure_resolved(loop, address, family=sock.family, type=sock.type, proto=sock.proto)
        _, _, _, _, address = resolved[0]
    fut = loop.create_future()
    _sock_connect_start(loop, fut, sock, address)
    try:
        return await fut
    finally:
        fut = None


def _sock_connect_start(loop, fut, sock, address):
    fd = sock.fileno()
    try:
        sock.connect(address)
    except (BlockingIOError, InterruptedError):
        _ensure_fd_no_transport(loop, fd)
        handle = loop._add_writer(fd, _sock_connect_cb, loop, fut, sock, address)
        fut.add_done_callback(partial(_sock_write_done, loop, fd, handle=handle))
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        fut.set_exception(exc)
    else:
        fut.set_result(None)
    finally:
        fut = None


def _sock_write_done(loop, fd, fut, handle=None):
    # CPython calls the public remove_writer, which first checks that no
    # transport uses fd. In any order a real loop runs, none does yet; only
    # shuffle_ready can run this after the transport exists, where the check
    # would leave the writer registered and the loop spinning, so it is left out.
    if handle is None or not handle.cancelled():
        loop._remove_writer(fd)


def _sock_connect_cb(loop, fut, sock, address):
    if fut.done():
        return
    try:
        err = sock.getsockopt(1, 4)
        if err != 0:
            raise OSError(err, f'Connect call failed {address}')
    except (BlockingIOError, InterruptedError):
        pass
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        fut.set_exception(exc)
    else:
        fut.set_result(None)
    finally:
        fut = None


class _SelectorSocketTransport:
    __module__ = 'asyncio.selector_events'
    max_size = 256 * 1024

    def __init__(self, loop, sock, protocol, waiter=None):
        # _SelectorTransport.__init__
        self._loop = loop
        self._extra = {'socket': sock}
        try:
            self._extra['sockname'] = sock.getsockname()
        except OSError:
            self._extra['sockname'] = None
        try:
            self._extra['peername'] = sock.getpeername()
        except OSError:
            self._extra['peername'] = None
        self._sock = sock
        self._sock_fd = sock.fileno()
        self._protocol_connected = False
        self.set_protocol(protocol)
        self._server = None
        self._buffer = b''
        self._conn_lost = 0
        self._closing = False
        self._paused = False
        loop._transports[self._sock_fd] = self
        # _SelectorSocketTransport.__init__
        self._eof = False
        self._empty_waiter = None
        self._loop.call_soon(self._protocol.connection_made, self)
        self._loop.call_soon(self._add_reader, self._sock_fd, self._read_ready)
        if waiter is not None:
            self._loop.call_soon(_set_result_unless_cancelled, waiter, None)

    def __repr__(self):
        info = ['_SelectorSocketTransport']
        if self._sock is None:
            info.append('closed')
        elif self._closing:
            info.append('closing')
        info.append(f'fd={self._sock_fd}')
        return '<{}>'.format(' '.join(info))

    def get_extra_info(self, name, default=None):
        return self._extra.get(name, default)

    def set_protocol(self, protocol):
        self._protocol = protocol
        self._protocol_connected = True

    def get_protocol(self):
        return self._protocol

    def is_closing(self):
        return self._closing

    def is_reading(self):
        return not self.is_closing() and not self._paused

    def pause_reading(self):
        if not self.is_reading():
            return
        self._paused = True
        self._loop._remove_reader(self._sock_fd)

    def resume_reading(self):
        if self._closing or not self._paused:
            return
        self._paused = False
        self._add_reader(self._sock_fd, self._read_ready)

    def abort(self):
        self._force_close(None)

    def close(self):
        if self._closing:
            return
        self._closing = True
        self._loop._remove_reader(self._sock_fd)
        if not self._buffer:
            self._conn_lost += 1
            self._loop._remove_writer(self._sock_fd)
            self._loop.call_soon(self._call_connection_lost, None)

    def _fatal_error(self, exc, message='Fatal error on transport'):
        if not isinstance(exc, OSError):
            self._loop.call_exception_handler({
                'message': message, 'exception': exc, 'transport': self, 'protocol': self._protocol,
            })
        self._force_close(exc)

    def _force_close(self, exc):
        if self._conn_lost:
            return
        if self._buffer:
            self._buffer = b''
            self._loop._remove_writer(self._sock_fd)
        if not self._closing:
            self._closing = True
            self._loop._remove_reader(self._sock_fd)
        self._conn_lost += 1
        self._loop.call_soon(self._call_connection_lost, exc)

    def _call_connection_lost(self, exc):
        try:
            if self._protocol_connected:
                self._protocol.connection_lost(exc)
        finally:
            self._sock.close()
            self._sock = None
            self._protocol = None
            self._loop = None

    def get_write_buffer_size(self):
        return len(self._buffer)

    def _add_reader(self, fd, callback, *args):
        if not self.is_reading():
            return
        self._loop._add_reader(fd, callback, *args)

    def _read_ready(self):
        self._read_ready__data_received()

    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(self.max_size)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, 'Fatal read error on socket transport')
            return
        if not data:
            self._read_ready__on_eof()
            return
        try:
            self._protocol.data_received(data)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, 'Fatal error: protocol.data_received() call failed.')

    def _read_ready__on_eof(self):
        try:
            keep_open = self._protocol.eof_received()
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, 'Fatal error: protocol.eof_received() call failed.')
            return
        if keep_open:
            self._loop._remove_reader(self._sock_fd)
        else:
            self.close()

    def write(self, data):
        if not isinstance(data, bytes):
            raise TypeError(f'data argument must be a bytes-like object, not {type(data).__name__!r}')
        if self._eof:
            raise RuntimeError('Cannot call write() after write_eof()')
        if not data:
            return
        if self._conn_lost:
            self._conn_lost += 1
            return
        if not self._buffer:
            # The simulated socket takes everything at once (no back-pressure).
            try:
                n = self._sock.send(data)
            except (BlockingIOError, InterruptedError):
                pass
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, 'Fatal write error on socket transport')
                return
            else:
                data = data[n:]
                if not data:
                    return
        raise RuntimeError('the simulated socket did not take all the data')

    def writelines(self, list_of_data):
        self.write(b''.join(list_of_data))

    def write_eof(self):
        if self._closing or self._eof:
            return
        self._eof = True
        if not self._buffer:
            self._sock.shutdown(1)

    def can_write_eof(self):
        return True
