"""Asset references of format 3 objects written before large strings moved into the dictionary. Pure.

Those objects kept each distinct large string of a session (stylesheet text, inlined `data:` images) once
in an "assets" frame after the dictionary, and left a msgpack extension in the event pointing at its byte
range; readers put the string back while unpacking (`format._ext_hook`). The writer now puts large strings
in the snapshot dictionary instead (`dictionary.py`: chunks keep the events' own bytes) and writes no
assets frame, but every object written the old way still reads (tests/sessions/test_archive_rawevents.py).
"""

from __future__ import annotations

import struct

EXT_ASSET = 2
_REF = struct.Struct(">II")


def resolve(blob: bytes, data: bytes) -> str:
    """The string an EXT_ASSET extension points at."""
    offset, length = _REF.unpack(data)
    if offset + length > len(blob):
        raise ValueError("asset reference out of range")
    return bytes(blob[offset : offset + length]).decode()
