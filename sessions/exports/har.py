"""The network log of a session as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/). Pure.

rrweb's network plugin reports `startTime`/`endTime` on the page's performance clock; the event itself is
stamped when the request finished, so the wall-clock start is the event time minus the duration.

Built from stored (already redacted) events only, and never decodes them: query string pairs keep their
percent-encoding exactly as stored, so nothing masked in one encoding can come back in another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ..archive.chunking import Batch, event_ts
from ..events import EventType, Kind, classify

CREATOR = {"name": "SupportReplay", "version": "1.0"}
REASONS = {200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found",
           304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           409: "Conflict", 422: "Unprocessable Entity", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
           504: "Gateway Timeout"}  # fmt: skip


def iso(ms: float) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _headers(value: Any) -> list[dict[str, str]]:
    if isinstance(value, Mapping):
        return [{"name": str(k), "value": str(v)} for k, v in value.items()]
    return []


def _body_text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _mime(headers: Any) -> str:
    if isinstance(headers, Mapping):
        for k, v in headers.items():
            if str(k).lower() == "content-type":
                return str(v)
    return ""


def query_pairs(url: str) -> list[dict[str, str]]:
    """The query string as HAR pairs, split on "&" and "=" but not decoded (see the module docstring)."""
    query = urlsplit(url).query
    pairs = []
    for part in query.split("&") if query else ():
        name, _, value = part.partition("=")
        pairs.append({"name": name, "value": value})
    return pairs


def entry(request: Mapping[str, Any], finished_ms: int, page_id: str | None) -> dict[str, Any]:
    start, end = request.get("startTime"), request.get("endTime")
    duration = float(end - start) if isinstance(start, int | float) and isinstance(end, int | float) else 0.0
    duration = max(duration, 0.0)
    started = float(start) if isinstance(start, int | float) and start > 1e12 else finished_ms - duration
    url = str(request.get("url") or "")
    method = str(request.get("method") or "GET").upper()
    status = request.get("status") if isinstance(request.get("status"), int) else 0
    req_body, resp_body = _body_text(request.get("requestBody")), _body_text(request.get("responseBody"))
    har_request: dict[str, Any] = {
        "method": method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(request.get("requestHeaders")),
        "queryString": query_pairs(url),
        "headersSize": -1,
        "bodySize": len(req_body.encode()) if req_body is not None else -1,
    }
    if req_body is not None:
        har_request["postData"] = {"mimeType": _mime(request.get("requestHeaders")), "text": req_body}
    content: dict[str, Any] = {
        "size": len(resp_body.encode()) if resp_body is not None else 0,
        "mimeType": _mime(request.get("responseHeaders")) or "x-unknown",
    }
    if resp_body is not None:
        content["text"] = resp_body
    item: dict[str, Any] = {
        "startedDateTime": iso(started),
        "time": round(duration, 3),
        "request": har_request,
        "response": {
            "status": status,
            "statusText": REASONS.get(status, "" if status else "Failed"),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _headers(request.get("responseHeaders")),
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": content["size"] if resp_body is not None else -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": round(duration, 3), "receive": 0},
        "_initiatorType": str(request.get("initiatorType") or ""),
    }
    if page_id:
        item["pageref"] = page_id
    return item


def build_har(batches: Iterable[Batch]) -> dict[str, Any]:
    pages: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for batch in batches:
        for event in batch.events:
            if not isinstance(event, Mapping):
                continue
            ts = event_ts(event, batch.ts)
            if event.get("type") == EventType.META:
                data = event.get("data") if isinstance(event.get("data"), Mapping) else {}
                href = str(data.get("href") or "")
                if not pages or pages[-1]["title"] != href:
                    pages.append(
                        {
                            "startedDateTime": iso(ts),
                            "id": f"page_{len(pages) + 1}",
                            "title": href,
                            "pageTimings": {},
                        }
                    )
            elif classify(event) in (Kind.NETWORK, Kind.NETWORK_FAILED):
                requests = (event.get("data") or {}).get("payload", {}).get("requests") or []
                for request in requests:
                    if isinstance(request, Mapping):
                        entries.append(entry(request, ts, pages[-1]["id"] if pages else None))
    entries.sort(key=lambda e: e["startedDateTime"])
    return {"log": {"version": "1.2", "creator": CREATOR, "pages": pages, "entries": entries}}
