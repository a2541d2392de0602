# From CPython 3.11.7: Lib/asyncio/base_events.py
#
# BaseEventLoop's run_in_executor, shutdown_default_executor and
# shutdown_asyncgens (its loop._asyncgens is native: `_take_asyncgens()`
# returns them in insertion order and clears it; the hooks are native), and
# create_connection with its helpers (_ipaddr_info, _ensure_resolved,
# _connect_sock, _create_connection_transport), over the simulated sockets
# (the native _socket(), _is_ipv4, _dns_delay and _address_of). Changes:
#   - the loop's methods are functions that take the loop first
#     (`_run_in_executor(loop, ...)`); the native loop's methods call them;
#   - shutdown_default_executor's thread, which joins the executor, is the
#     pool's `_when_idle` callback (see the comment there);
#   - create_connection takes a host and a port only (ssl, sock, local_addr
#     and happy eyeballs raise TypeError) and connects to its addresses in turn;
#   - socket.getaddrinfo is `_getaddrinfo`, a job on the default executor that
#     blocks its worker for the host's DNS delay; _ipaddr_info knows IPv4
#     literals only (`_is_ipv4` for inet_pton); the socket constants are numbers;
#   - also here, first used here: futures.py's _set_result_unless_cancelled
#     and streams.py's _DEFAULT_LIMIT.

def _run_in_executor(loop, executor, func, *args):
    if executor is None:
        executor = loop._default_executor
        if loop._executor_shutdown_called:
            raise RuntimeError('Executor shutdown has been called')
        if executor is None:
            executor = _futures.ThreadPoolExecutor(thread_name_prefix='asyncio')
            loop._default_executor = executor
    return wrap_future(executor.submit(func, *args), loop=loop)


async def _shutdown_default_executor(loop):
    # CPython's shutdown thread joins the default executor's workers, then
    # call_soon_threadsafe(future.set_result, None): here that happens when
    # its last job completes, at once when none is queued or running.
    loop._executor_shutdown_called = True
    executor = loop._default_executor
    if executor is None:
        return
    future = loop.create_future()
    executor._shutdown = True

    def joined():
        if not loop.is_closed():
            loop.call_soon_threadsafe(future.set_result, None)

    executor._when_idle(joined)
    await future


# The network: create_connection and its helpers, over the simulated sockets
# (_socket(), _is_ipv4, _dns_delay, _address_of); selector_events.py's
# sock_connect and socket transport and streams.py build on them.

_DEFAULT_LIMIT = 2 ** 16
_AF_INET = 2
_SOCK_STREAM = 1
_IPPROTO_TCP = 6


def _set_result_unless_cancelled(fut, result):
    if fut.cancelled():
        return
    fut.set_result(result)


def _getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    # socket.getaddrinfo, run as a job on the default executor: it blocks its
    # worker for the host's DNS delay.
    _sleep(_dns_delay(host))
    return [(_AF_INET, _SOCK_STREAM, _IPPROTO_TCP, '', (_address_of(host), port))]


def _ipaddr_info(host, port, family, type, proto):
    if proto not in {0, _IPPROTO_TCP, 17} or host is None:
        return None
    if type == _SOCK_STREAM:
        proto = _IPPROTO_TCP
    else:
        return None
    if port is None:
        port = 0
    elif isinstance(port, str) and port == '':
        port = 0
    else:
        try:
            port = int(port)
        except (TypeError, ValueError):
            return None
    if family not in (0, _AF_INET) or not _is_ipv4(host):
        return None
    return _AF_INET, type, proto, '', (host, port)


async def _getaddrinfo_on_loop(loop, host, port, family=0, type=0, proto=0, flags=0):
    return await loop.run_in_executor(None, _getaddrinfo, host, port, family, type, proto, flags)


async def _ensure_resolved(loop, address, family=0, type=_SOCK_STREAM, proto=0, flags=0):
    host, port = address[:2]
    info = _ipaddr_info(host, port, family, type, proto)
    if info is not None:
        return [info]
    else:
        return await _getaddrinfo_on_loop(loop, host, port, family=family, type=type, proto=proto, flags=flags)


async def _create_connection(loop, protocol_factory, host=None, port=None, *, ssl=None, family=0, proto=0,
                             flags=0, sock=None, local_addr=None, server_hostname=None,
                             ssl_handshake_timeout=None, ssl_shutdown_timeout=None,
                             happy_eyeballs_delay=None, interleave=None):
    if ssl or sock is not None or local_addr is not None or happy_eyeballs_delay is not None or interleave:
        raise TypeError('open_connection() in a trace takes a host and a port only')
    if server_hostname is not None and not ssl:
        raise ValueError('server_hostname is only meaningful with ssl')
    if ssl_handshake_timeout is not None and not ssl:
        raise ValueError('ssl_handshake_timeout is only meaningful with ssl')
    if ssl_shutdown_timeout is not None and not ssl:
        raise ValueError('ssl_shutdown_timeout is only meaningful with ssl')
    if host is not None or port is not None:
        infos = await _ensure_resolved(loop, (host, port), family=family, type=_SOCK_STREAM, proto=proto,
                                       flags=flags)
        if not infos:
            raise OSError('getaddrinfo() returned empty list')
        exceptions = []
        for addrinfo in infos:
            try:
                sock = await _connect_sock(loop, exceptions, addrinfo)
                break
            except OSError:
                continue
        if sock is None:
            exceptions = [exc for sub in exceptions for exc in sub]
            try:
                if len(exceptions) == 1:
                    raise exceptions[0]
                else:
                    model = str(exceptions[0])
                    if all(str(exc) == model for exc in exceptions):
                        raise exceptions[0]
                    raise OSError('Multiple exceptions: {}'.format(', '.join(str(exc) for exc in exceptions)))
            finally:
                exceptions = None
    else:
        raise ValueError('host and port was not specified and no sock specified')
    transport, protocol = await _create_connection_transport(loop, sock, protocol_factory)
    return transport, protocol


async def _connect_sock(loop, exceptions, addr_info):
    my_exceptions = []
    exceptions.append(my_exceptions)
    family, type_, proto, _, address = addr_info
    sock = None
    try:
        sock = _socket()
        sock.setblocking(False)
        await _sock_connect(loop, sock, address)
        return sock
    except OSError as exc:
        my_exceptions.append(exc)
        if sock is not None:
            sock.close()
        raise
    except BaseException:
        if sock is not None:
            sock.close()
        raise
    finally:
        exceptions = my_exceptions = None


async def _create_connection_transport(loop, sock, protocol_factory):
    sock.setblocking(False)
    protocol = protocol_factory()
    waiter = loop.create_future()
    transport = _SelectorSocketTransport(loop, sock, protocol, waiter)
    try:
        await waiter
    except BaseException:
        transport.close()
        raise
    return transport, protocol


async def _shutdown_asyncgens(loop):
    # BaseEventLoop.shutdown_asyncgens; `_asyncgens` is native, so taking
    # its generators and clearing it is one call.
    closing_agens = loop._take_asyncgens()
    if not len(closing_agens):
        return

    results = await gather(
        *[ag.aclose() for ag in closing_agens],
        return_exceptions=True)

    for result, agen in zip(results, closing_agens):
        if isinstance(result, Exception):
            loop.call_exception_handler({
                'message': f'an error occurred during closing of '
                           f'asynchronous generator {agen!r}',
                'exception': result,
                'asyncgen': agen
            })
