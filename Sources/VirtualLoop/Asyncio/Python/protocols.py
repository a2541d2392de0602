# From CPython 3.11.7: Lib/asyncio/protocols.py
#
# The protocol base classes, for a trace's own protocols (subclassed, or
# named in annotations and isinstance). Changes: no docstrings, no
# __slots__, `__module__` set by hand; no _feed_data_to_buffered_proto.

class BaseProtocol:
    __module__ = 'asyncio.protocols'

    def connection_made(self, transport):
        pass

    def connection_lost(self, exc):
        pass

    def pause_writing(self):
        pass

    def resume_writing(self):
        pass


class Protocol(BaseProtocol):
    __module__ = 'asyncio.protocols'

    def data_received(self, data):
        pass

    def eof_received(self):
        pass


class BufferedProtocol(BaseProtocol):
    __module__ = 'asyncio.protocols'

    def get_buffer(self, sizehint):
        pass

    def buffer_updated(self, nbytes):
        pass

    def eof_received(self):
        pass


class DatagramProtocol(BaseProtocol):
    __module__ = 'asyncio.protocols'

    def datagram_received(self, data, addr):
        pass

    def error_received(self, exc):
        pass


class SubprocessProtocol(BaseProtocol):
    __module__ = 'asyncio.protocols'

    def pipe_data_received(self, fd, data):
        pass

    def pipe_connection_lost(self, fd, exc):
        pass

    def process_exited(self):
        pass
