"""Files the customer's browser loaded (images, fonts), stored once per session by sha256 and served to
agents from SupportReplay's own origin (`/sessions/<id>/assets/<sha256>`, sessions/asset_views.py).

The agent pages' CSP (sessions/csp.py) blocks every remote asset of a recording; an asset stored here is
'self' and needs no CSP change. Storage is one Redis hash per session (keys.assets): field = sha256 hex,
value = `<mime>\\n<bytes>`. It is deleted with the session's other keys (keys.all_keys).

Limits (docs/PROTOCOL.md "Assets"; the values are static/recorder/asset-limits.json, shared with the
recorder): ASSET_MAX_BYTES per file, SESSION_ASSETS_MAX_BYTES and
SESSION_ASSETS_MAX_COUNT per session. Only the types of ALLOWED_TYPES are ever stored or served: raster
images and fonts. SVG is refused (it can carry script and is a document, not just pixels; the recorder
sends an SVG image as the PNG it draws of it instead); HTML, CSS and anything else never reaches the
agent's browser from here.

Pure functions plus the Redis calls; the view is thin.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from supportreplay.redis_client import get_redis

from . import keys

# The rrweb custom event that carries one asset: payload {url, sha256, mime, data?}; `data` (base64) is
# present the first time the recorder sends a file in a session and is taken out at ingest.
ASSET_TAG = "sr.asset"
URL_MAX_CHARS = 4096
# One contract with the recorder (static/recorder/src/assets.js builds in the same file).
LIMITS_FILE = Path(__file__).resolve().parent.parent / "static" / "recorder" / "asset-limits.json"
_LIMITS = json.loads(LIMITS_FILE.read_text(encoding="utf-8"))
ASSET_MAX_BYTES: int = _LIMITS["asset_max_bytes"]  # 256 KiB
SESSION_ASSETS_MAX_BYTES: int = _LIMITS["session_max_bytes"]  # 8 MiB
SESSION_ASSETS_MAX_COUNT: int = _LIMITS["session_max_count"]  # 200
ALLOWED_TYPES = frozenset(_LIMITS["allowed_types"])  # raster images and fonts, never SVG
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class AssetRejected(ValueError):
    """An asset that is not stored; the message says which rule it broke."""


@dataclass(frozen=True)
class Asset:
    sha256: str
    mime: str
    data: bytes


def normalise_type(mime: str) -> str:
    """`image/PNG; charset=x` -> `image/png`."""
    return mime.split(";", 1)[0].strip().lower() if isinstance(mime, str) else ""


def check(sha256: str, mime: str, data: bytes) -> Asset:
    """The asset if it may be stored: a known type, within the size limit, and `sha256` is its hash."""
    mime = normalise_type(mime)
    if mime not in ALLOWED_TYPES:
        raise AssetRejected(f"type not allowed: {mime or 'none'}")
    if not isinstance(data, bytes) or not data:
        raise AssetRejected("empty asset")
    if len(data) > ASSET_MAX_BYTES:
        raise AssetRejected(f"asset over {ASSET_MAX_BYTES} bytes")
    if not is_sha256(sha256):
        raise AssetRejected("sha256 must be 64 lowercase hex digits")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise AssetRejected("sha256 does not match the bytes")
    return Asset(sha256, mime, data)


# Atomic check-and-store: once per hash, within the session's count and byte limits. 1 stored or already
# there, 0 over a limit. The byte total is the sum of the stored values (at most COUNT of them).
STORE_LUA = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
local used = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  used = used + redis.call('HSTRLEN', KEYS[1], field)
end
if used + string.len(ARGV[2]) > tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""


def _store_args(asset: Asset) -> list[Any]:
    value = asset.mime.encode() + b"\n" + asset.data
    return [asset.sha256, value, SESSION_ASSETS_MAX_COUNT, SESSION_ASSETS_MAX_BYTES]


def store(session_id: UUID | str, sha256: str, mime: str, data: bytes) -> bool:
    """Store a checked asset once; True if it is now stored (new or already there). Past the session's
    count or byte limit nothing more is stored (False): the replay then shows it as missing."""
    asset = check(sha256, mime, data)
    script = get_redis().register_script(STORE_LUA)
    return bool(script(keys=[keys.assets(session_id)], args=_store_args(asset)))


async def store_all(client, session_id: UUID | str, found: list[Asset]) -> int:
    """Ingest's async store of a batch's checked assets (`client`: the consumer's redis.asyncio client);
    returns how many are stored."""
    if not found:
        return 0
    script = client.register_script(STORE_LUA)
    stored = 0
    for asset in found:
        stored += int(await script(keys=[keys.assets(session_id)], args=_store_args(asset)))
    return stored


def _decode(data: Any) -> bytes:
    if not isinstance(data, str) or len(data) > (ASSET_MAX_BYTES * 4) // 3 + 4:
        raise AssetRejected(f"asset over {ASSET_MAX_BYTES} bytes")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise AssetRejected("data is not base64") from None


def extract(events: list[dict[str, Any]], keep: bool = True) -> tuple[list[dict[str, Any]], list[Asset]]:
    """Take the bytes out of a batch's asset events (before redaction: file bytes are not text).

    Returns the events (asset events copied without `data`; a refused file keeps its event with
    `rejected`: the reason) and the checked assets to store. `keep=False` (the link does not capture
    assets) drops every file and its event. The caller's events are not modified.
    """
    out: list[dict[str, Any]] = []
    found: list[Asset] = []
    for event in events:
        data = event.get("data")
        if event.get("type") != 5 or type(data) is not dict or data.get("tag") != ASSET_TAG:
            out.append(event)
            continue
        if not keep:
            continue
        payload = data.get("payload") if type(data.get("payload")) is dict else {}
        kept = {k: payload[k] for k in ("url", "sha256", "mime") if k in payload}
        if "data" in payload:
            try:
                found.append(check(payload.get("sha256"), payload.get("mime"), _decode(payload["data"])))
            except AssetRejected as exc:
                kept["rejected"] = str(exc)
        out.append({**event, "data": {**data, "payload": kept}})
    return out, found


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and bool(_SHA256.match(value))


def parse(sha256: str, raw: bytes) -> Asset | None:
    """A stored value (`<mime>\\n<bytes>`) as an Asset; None for a type that is not (or no longer) allowed."""
    mime, _, data = raw.partition(b"\n")
    mime_text = mime.decode("ascii", "replace")
    return Asset(sha256, mime_text, data) if mime_text in ALLOWED_TYPES else None


def load(session_id: UUID | str, sha256: str) -> Asset | None:
    """The asset stored in Redis (a live or ended session), or None (unknown or malformed hash)."""
    if not is_sha256(sha256):
        return None
    raw = get_redis().hget(keys.assets(session_id), sha256)
    return None if raw is None else parse(sha256, raw)
