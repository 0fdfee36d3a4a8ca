"""The kernels' websockets send each message at once (TCP_NODELAY).

jupyter_server leaves Nagle's algorithm on for the websocket between a kernel and the page. A
live explorer's redraw is a burst of small messages (status busy, the slider's echo, the new
caption, the new image, status idle): with Nagle on, each one after the first waits for the
browser to acknowledge the previous one, and the browser delays its acknowledgements (up to
40 ms on Linux). tests/test_lab.py measured 40 ms between "status busy" and the next message of
the same redraw. Tornado's own documentation recommends ``set_nodelay(True)`` for this case.
"""

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class NoDelayConnection(ZMQChannelsWebsocketConnection):
    """The default kernel websocket connection, with TCP_NODELAY set when it opens."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()


c.ServerApp.kernel_websocket_connection_class = NoDelayConnection  # noqa: F821 -- traitlets' config object
