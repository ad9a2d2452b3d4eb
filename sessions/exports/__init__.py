"""Exports of a recording: rrweb events JSON, network HAR 1.2, Markdown bug report. Builders are pure."""
