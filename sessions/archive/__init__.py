"""The archive of a finished session: one compressed, chunked, verified object per session.

Pure parts (no I/O): `format` (container layout and codec), `chunking` (split batches into chunks that each
start at a full snapshot), `verify` (per-tab seq contiguity). I/O at the edges: `stream` (read the Redis
stream in pages), `writer` / `reader` (Django storage), `service` (the archive and purge verbs).
"""
