"""The privacy contract on one string: find secrets, replace them with typed placeholders. Pure.

The same rules, in the same order, live in the recorder (static/recorder/src/secrets.js); the shared
vectors in tests/vectors/privacy/ hold both to byte-identical output. Change both or neither.

How a string is read:
1. Encodings are looked through: when the string holds `%`, `&` or a backslash it is decoded into a
   *view* (percent-encoding, also double `%25XX`; HTML character references; JSON string escapes), and
   every character of the view remembers which characters of the original it came from. The view is
   decoded again while it changes, up to four levels (a JSON string logged as JSON is escaped twice).
   A decoded space becomes U+00A0 in the view, so it still separates card groups but does not end a
   `password=` value.
2. The rules below find ranges in the view; overlapping ranges merge.
3. Those ranges, mapped back, are replaced in the *original* string: a secret is removed in whatever
   encoding it travelled, and everything else stays byte for byte as it was.

Every regex here is linear: each one starts only at the start of a run (a look-behind refuses the middle
of a run), and no quantified group can match the same text two ways.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache

from .cards import CARD_LENGTHS, is_card_number

CARD, EMAIL, JWT, KEY, REDACTED = "[card]", "[email]", "[jwt]", "[key]", "[redacted]"
PLACEHOLDERS = (CARD, EMAIL, JWT, KEY, REDACTED)
MIN_LENGTH = 5
MAX_DEPTH = 4

# --- secret-looking names ------------------------------------------------------------------------------
# A name is compacted (lower case, letters and digits only: "X-Api-Key" -> "xapikey", "accessToken" ->
# "accesstoken") and is secret when it contains a strong word or is exactly one of the short words.
SECRET_WORDS = (
    "password", "passwd", "passphrase", "passcode", "secret", "token", "authorization", "authkey",
    "authcode", "oauth", "cookie", "session",
    "sessid", "csrf", "xsrf", "apikey", "accesskey", "privatekey", "signingkey", "credential", "jwt",
    "bearer", "signature",
)  # fmt: skip
SECRET_EXACT = frozenset(
    {"auth", "key", "code", "pin", "otp", "pwd", "pass", "sid", "sig", "cvv", "cvc", "ssn", "sr"}
)
_SECRET_WORDS_RE = re.compile("|".join(SECRET_WORDS))
_COMPACT_RE = re.compile(r"[^a-z0-9]+")


def secret_name(name: object) -> bool:
    if not isinstance(name, str) or not name:
        return False
    return _secret_name(name)


@lru_cache(maxsize=4096)
def _secret_name(name: str) -> bool:
    compact = _COMPACT_RE.sub("", name.lower())
    return compact in SECRET_EXACT or _SECRET_WORDS_RE.search(compact) is not None


# --- the encoded view --------------------------------------------------------------------------------------
_ESCAPE_RE = re.compile(
    r"%25[0-9A-Fa-f]{2}|%[0-9A-Fa-f]{2}|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});"
    r"|\\u[0-9A-Fa-f]{4}|\\[\\\"/bfnrt]"
)
_ENTITIES = {
    "amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0", "commat": "@",
    "period": ".", "colon": ":", "sol": "/", "equals": "=", "plus": "+", "hyphen": "-", "dash": "-",
    "num": "#", "percnt": "%", "lowbar": "_", "quest": "?", "semi": ";", "comma": ",",
}  # fmt: skip
_JSON_ESCAPES = {"\\": "\\", '"': '"', "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _decode(token: str) -> str | None:
    if token[0] == "%":
        char = chr(int(token[-2:], 16))
    elif token[0] == "&":
        body = token[1:-1]
        if body[0] != "#":
            char = _ENTITIES.get(body.lower())
            if char is None:
                return None
        else:
            code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
            if code > 0x10FFFF:
                return None
            char = chr(code)
    elif token[1] == "u":
        char = chr(int(token[2:], 16))
    else:
        char = _JSON_ESCAPES[token[1]]
    return "\u00a0" if char == " " else char


class View:
    """The decoded view of a string and the way back: view index -> original index."""

    __slots__ = ("_decoded", "_src_starts", "_view_starts", "text")

    def __init__(self, source: str) -> None:
        parts: list[str] = []
        # Segments: (view start, source start, decoded source length or 0 for a verbatim stretch).
        self._view_starts: list[int] = []
        self._src_starts: list[int] = []
        self._decoded: list[int] = []
        view = last = 0
        for match in _ESCAPE_RE.finditer(source):
            char = _decode(match.group())
            if char is None:
                continue
            start = match.start()
            if start > last:
                self._add(view, last, 0)
                parts.append(source[last:start])
                view += start - last
            self._add(view, start, match.end() - start)
            parts.append(char)
            view += 1
            last = match.end()
        if last < len(source) or not parts:
            self._add(view, last, 0)
            parts.append(source[last:])
        self.text = "".join(parts)

    def _add(self, view: int, src: int, decoded: int) -> None:
        self._view_starts.append(view)
        self._src_starts.append(src)
        self._decoded.append(decoded)

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        i = bisect_right(self._view_starts, start) - 1
        src_start = self._src_starts[i] + (0 if self._decoded[i] else start - self._view_starts[i])
        j = bisect_right(self._view_starts, end - 1) - 1
        last = end - 1
        src_last_end = self._src_starts[j] + (
            self._decoded[j] if self._decoded[j] else last - self._view_starts[j] + 1
        )
        return src_start, src_last_end


# --- the rules (on the view) -----------------------------------------------------------------------------
# A run of digit groups (3+ digits each; a last group may have 2, as in "4111 1111 1111 1111 11").
# Not glued to letters or digits (hashes, decimals) nor dash-joined to one ("v4-1615505242680-...", a
# web-vitals id, or any other identifier made of parts).
_CARD_RUN_RE = re.compile(
    r"(?<![0-9A-Za-z.])(?<![0-9A-Za-z]-)[0-9]{3,}(?:[ \-+\u00a0][0-9]{3,})*(?:[ \-+\u00a0][0-9]{2})?"
    r"(?![0-9A-Za-z])(?!\.[0-9])"
)
_CARD_SEP_RE = re.compile(r"[ \-+\u00a0]")
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.([A-Za-z]{2,})"
    r"(?![A-Za-z0-9\-])"
)
# "logo@2x.png" is a file name, not an address: no top-level domain is a file extension.
_FILE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "js", "mjs", "css", "map", "json",
     "woff", "woff2", "ttf", "html", "htm", "txt", "pdf"}
)  # fmt: skip
_USERINFO_RE = re.compile(
    r"(?<![A-Za-z0-9+.\-])([A-Za-z][A-Za-z0-9+.\-]*://)([^ \t\r\n\f\v\u00a0/?#@\"'<>]+)@"
)
_AUTH_RE = re.compile(
    r"(?<![A-Za-z0-9])((?:[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc])[ \t\r\n\f\v\u00a0+]+)"
    r"([A-Za-z0-9._~/\-][A-Za-z0-9._~+/\-]*=*)"
)
_TOKENISH_RE = re.compile(r"[0-9]|[a-z][A-Z]|[._~+/=\-]")
_JWT_RE = re.compile(r"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*")
_KEY_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{20,}"
    r"|github_pat_[A-Za-z0-9_]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9\-]{8,}"
    r"|AIza[0-9A-Za-z_\-]{30,}|glpat-[0-9A-Za-z_\-]{20,}|sk-(?:proj-)?[A-Za-z0-9_\-]{20,}|npm_[A-Za-z0-9]{36})"
)
_NAMED_RE = re.compile(
    r"(?<![A-Za-z0-9_.\-\[\]])([A-Za-z_][A-Za-z0-9_.\-\[\]]{0,63})[\"']?[ \t\u00a0]*([:=])[ \t\u00a0+]*"
)
# Where an unquoted value ends: after "=" (query, form, cookie) at whitespace or a delimiter; after ":"
# (a header line, "Password: ...") at the end of the line or a delimiter.
_VALUE_EQ_RE = re.compile(r"[^&#;,\"'<>)}\] \t\r\n\f\v]*")
_VALUE_COLON_RE = re.compile(r"[^;,\"'<>)}\]\r\n]*")
# 13 digits with at most one separator between two: what every card run holds.
_CARD_HINT_RE = re.compile(r"[0-9](?:[ \-+\u00a0]?[0-9]){12}")
# A string with none of these can hold no secret and no encoding: most strings stop here.
_ANY_HINT_RE = re.compile(
    r"[0-9@=:%&\\]|eyJ|[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc]|[sr]k[_-]|gh[pousr]_|github_pat_|A[KS]IA|xox"
    r"|AIza|glpat-|npm_"
)
# Cheap necessary conditions, so most strings skip the rules that cannot match.
_AUTH_HINT_RE = re.compile(r"[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc]")
_KEY_HINT_RE = re.compile(r"[sr]k[_-]|gh[pousr]_|github_pat_|A[KS]IA|xox|AIza|glpat-|npm_")

Range = tuple[int, int, str]


def _cards(text: str, out: list[Range]) -> None:
    for match in _CARD_RUN_RE.finditer(text):
        run = match.group()
        groups = _CARD_SEP_RE.split(run)
        if sum(len(g) for g in groups) < 13:
            continue
        # Offsets of each group in the run; then the longest card from each group onwards.
        offsets, pos = [], 0
        for group in groups:
            offsets.append(pos)
            pos += len(group) + 1
        i = 0
        while i < len(groups):
            found = -1
            lengths = CARD_LENGTHS.get(groups[i][:2])
            if lengths is None:  # no network starts like this: no card starts at this group
                i += 1
                continue
            total, j = 0, i
            while j < len(groups) and total + len(groups[j]) <= 19:
                # Printed cards group by 3 to 7 digits: "98965873-0775-4337" starts a UUID.
                if j > i and (len(groups[i]) > 7 or len(groups[j]) > 7):
                    break
                total += len(groups[j])
                if total in lengths and is_card_number("".join(groups[i : j + 1])):
                    found = j
                j += 1
            if found < 0:
                i += 1
                continue
            start = match.start() + offsets[i]
            out.append((start, match.start() + offsets[found] + len(groups[found]), CARD))
            i = found + 1


def _named(text: str, out: list[Range]) -> None:
    pos = 0
    while (match := _NAMED_RE.search(text, pos)) is not None:
        pos = match.end()
        if not secret_name(match.group(1)):
            continue
        if pos < len(text) and text[pos] in "\"'":
            end = text.find(text[pos], pos + 1)
            start, end = pos + 1, len(text) if end < 0 else end
        else:
            value_re = _VALUE_EQ_RE if match.group(2) == "=" else _VALUE_COLON_RE
            start, end = pos, value_re.match(text, pos).end()
            while end > start and text[end - 1] in " \t\u00a0":
                end -= 1
            if text.startswith("=", start):
                continue
        if text.startswith(PLACEHOLDERS, start):
            continue  # already masked (the recorder did it): masking again must change nothing
        if end > start:
            out.append((start, end, REDACTED))
            # The value is consumed: a "name:" inside it is part of the secret, not a new pair (and
            # scanning each would make "password: password: ..." quadratic).
            pos = max(pos, end)


def find_secrets(text: str) -> list[Range]:
    """Secret ranges (start, end, placeholder) in an already decoded text, merged and in order."""
    found: list[Range] = []
    if _CARD_HINT_RE.search(text):
        _cards(text, found)
    if "@" in text:
        userinfo_ats = set()
        for match in _USERINFO_RE.finditer(text):
            found.append((match.start(2), match.end(2), REDACTED))
            userinfo_ats.add(match.end(2))
        for match in _EMAIL_RE.finditer(text):
            # In "https://user:pass@host" the "@" ends the userinfo: "pass@host" is no address.
            at = text.index("@", match.start())
            if at not in userinfo_ats and match.group(1).lower() not in _FILE_EXTENSIONS:
                found.append((match.start(), match.end(), EMAIL))
    if "=" in text or ":" in text:
        _named(text, found)
    if "eyJ" in text:
        found.extend((m.start(), m.end(), JWT) for m in _JWT_RE.finditer(text))
    for match in _AUTH_RE.finditer(text) if _AUTH_HINT_RE.search(text) else ():
        token = match.group(2)
        if len(token) >= 8 and _TOKENISH_RE.search(token):
            found.append((match.start(2), match.end(2), REDACTED))
    if _KEY_HINT_RE.search(text):
        found.extend((m.start(), m.end(), KEY) for m in _KEY_RE.finditer(text))
    if len(found) < 2:
        return found
    found.sort(key=lambda r: (r[0], -r[1]))
    merged = [found[0]]
    for start, end, label in found[1:]:
        last = merged[-1]
        if start < last[1]:
            if end > last[1]:
                merged[-1] = (last[0], end, last[2])
        else:
            merged.append((start, end, label))
    return merged


def _source_secrets(source: str) -> list[Range]:
    # Encodings nest (a JSON string logged as JSON, a URL in a JSON body): decode level after level, up
    # to MAX_DEPTH, and map the ranges found in the innermost view back through every level.
    views: list[View] = []
    text = source
    while len(views) < MAX_DEPTH and ("%" in text or "&" in text or "\\" in text):
        view = View(text)
        if view.text == text:
            break
        views.append(view)
        text = view.text
    ranges = find_secrets(text)
    for view in reversed(views):
        ranges = _merge_source([(*view.source_range(start, end), label) for start, end, label in ranges])
    return ranges


def mask_text(text: str) -> str:
    """`text` with every secret the contract knows replaced by its placeholder, in any encoding."""
    if not isinstance(text, str) or len(text) < MIN_LENGTH or not _ANY_HINT_RE.search(text):
        return text
    ranges = _source_secrets(text)
    if not ranges:
        return text
    out, last = [], 0
    for start, end, label in _merge_source(ranges):
        out += [text[last:start], label]
        last = end
    out.append(text[last:])
    return "".join(out)


def _merge_source(ranges: list[Range]) -> list[Range]:
    """Ranges mapped back to the source can touch or overlap (two decoded escapes): merge again."""
    merged: list[Range] = []
    for start, end, label in ranges:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end, merged[-1][2])
        else:
            merged.append((start, end, label))
    return merged


def mask_parts(parts: Sequence[str]) -> list[str]:
    """Mask adjacent pieces of one text (sibling text nodes) as if they were one string.

    A secret split across pieces is removed from every piece it touches: the first gets the placeholder,
    the others lose their share. Pieces without any share of a secret stay as they are.
    """
    if len(parts) == 1:
        return [mask_text(parts[0])]
    joined = "".join(parts)
    if len(joined) < MIN_LENGTH:
        return list(parts)
    ranges = _merge_source(_source_secrets(joined))
    if not ranges:
        return list(parts)
    out: list[str] = []
    offset = 0
    r = 0
    for part in parts:
        end_of_part = offset + len(part)
        pieces, cursor = [], offset
        while r < len(ranges) and ranges[r][0] < end_of_part:
            start, end, label = ranges[r]
            if end <= offset:
                r += 1
                continue
            if start >= offset:
                pieces += [joined[cursor:start], label]
            cursor = min(end, end_of_part)
            if end > end_of_part:
                break
            r += 1
        pieces.append(joined[cursor:end_of_part])
        out.append("".join(pieces))
        offset = end_of_part
    return out


_NON_SPACE_RE = re.compile(r"[^ \t\r\n\f\v\u00a0]")
_URL_HEAD_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#]*")
_URL_TAIL_RE = re.compile(r"[^/?&=#]")


def mask_all(text: str) -> str:
    """The link option "mask all text": every visible character becomes `*`."""
    return _NON_SPACE_RE.sub("*", text) if isinstance(text, str) else text


def mask_all_url(url: str) -> str:
    """A URL under "mask all text": scheme and host stay, path, query and fragment become `*`."""
    if not isinstance(url, str):
        return url
    url = mask_text(url)
    head = _URL_HEAD_RE.match(url)
    cut = head.end() if head else 0
    return url[:cut] + _URL_TAIL_RE.sub("*", url[cut:])
