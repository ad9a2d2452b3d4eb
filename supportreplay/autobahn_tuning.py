"""Per-connection cost of daphne's websocket layer (autobahn), trimmed.

autobahn formats debug log arguments eagerly, whatever the log level: on every new connection
`WebSocketProtocol._connectionMade` builds a `pprint.pformat` of all protocol options (2.7 ms of CPU),
and every frame sent colours type names with `click.style` (`autobahn.util.hl`). That CPU is spent on
the event loop that acks every other socket; in a storm of websocket handshakes (bench/abuse.py,
"hellos") it was the largest part of daphne's own work. Both only feed autobahn's debug log, so the
option dump becomes a constant and the colouring is turned off.
"""

from autobahn import util as _util
from autobahn.websocket import protocol as _protocol


def _no_pformat(*args, **kwargs) -> str:
    return "(options not formatted: supportreplay.autobahn_tuning)"


def apply() -> None:
    _protocol.pformat = _no_pformat
    _util._HAS_CLICK = False  # hl() returns the plain text
