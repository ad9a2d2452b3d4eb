"""The server's half of the privacy contract, held to the shared vectors (tests/vectors/privacy/).

The recorder runs the same vectors in static/recorder/test/vectors.test.js: kinds x encodings x places,
positives (nothing of the secret survives, in any encoding) and negatives (left byte for byte).
"""

from __future__ import annotations

import copy
import json

import pytest

from sessions.privacy.text import mask_parts, mask_text
from sessions.redaction import redact_events
from tests.vectors.privacy.harness import fill, load, places, secret_cases, strings, vector_parts

PLACES = load("places.json")


def test_vector_files_cover_every_kind_encoding_and_place():
    kinds = {kind.split("/")[0] for kind, _, _ in secret_cases()}
    assert kinds == {"card", "email", "auth", "jwt", "key", "userinfo", "named"}
    encodings = {vector["encoding"] for _, vector, _ in secret_cases()}
    assert {
        "typed",
        "percent",
        "form",
        "json",
        "json-unicode",
        "html-numeric",
        "html-named",
        "typed+split",
    } <= encodings
    assert len(PLACES) >= 25
    assert len(load("negatives.json")) >= 100


@pytest.mark.parametrize("kind", sorted({k for k, _, _ in secret_cases()}))
def test_text_rule_masks_exactly_the_secret_in_every_encoding(kind):
    failures = []
    for name, vector, _ in secret_cases():
        if name != kind:
            continue
        if "parts" in vector:
            got = mask_parts(vector["parts"])
            if got != vector["masked_parts"]:
                failures.append((vector["encoding"], vector["parts"], got))
        elif (got := mask_text(vector["text"])) != vector["masked"]:
            failures.append((vector["encoding"], vector["text"], got))
    assert not failures, failures[:5]


def test_negatives_stay_byte_for_byte_in_every_encoding():
    changed = [
        (v["encoding"], v["text"], got)
        for v in load("negatives.json")
        if (got := mask_text(v["text"])) != v["text"]
    ]
    assert not changed, changed[:10]


@pytest.mark.parametrize("place", PLACES, ids=[p["place"] for p in PLACES])
def test_no_secret_survives_in_any_place(place):
    failures = []
    for kind, vector, entry in secret_cases():
        if "parts" in vector and not place.get("split"):
            continue
        event = fill(place["event"], vector_parts(vector))
        [out] = redact_events([event])
        stored = "\n".join(strings(out))
        for forbidden in [*entry["forbidden"], *vector.get("also_forbidden", [])]:
            if forbidden in stored:
                failures.append((kind, vector["encoding"], forbidden))
    assert not failures, failures[:10]


@pytest.mark.parametrize("place", PLACES, ids=[p["place"] for p in PLACES])
def test_negatives_are_left_alone_in_every_place(place):
    changed = []
    for vector in load("negatives.json"):
        event = fill(place["event"], [vector["text"]])
        before = copy.deepcopy(event)
        [out] = redact_events([event])
        if out != before:
            changed.append((vector["encoding"], vector["text"]))
    assert not changed, changed[:10]


def test_mask_all_text_masks_text_titles_and_urls():
    for vector in load("mask_all.json"):
        [out] = redact_events([copy.deepcopy(vector["event"])], mask_all_text=True)
        assert out == vector["expected"]


def test_split_places_exist():
    assert {p["place"] for p in places(split_only=True)} == {
        "dom/text",
        "dom/text-and-inline-element",
        "dom/highlighted-code",
        "mutation/add",
        "mutation/add-inline-element",
    }


def test_vector_files_are_what_generate_py_writes():
    from tests.vectors.privacy import generate

    assert load("secrets.json") == generate.encoded_kinds()
    assert load("negatives.json") == generate.encoded_negatives()
    assert load("places.json") == generate.places()
    assert load("mask_all.json") == json.loads(json.dumps(generate.MASK_ALL))


def test_masking_is_idempotent_so_the_server_pass_changes_nothing_the_recorder_masked():
    changed = []
    for kind, vector, _ in secret_cases():
        if "masked" in vector and mask_text(vector["masked"]) != vector["masked"]:
            changed.append((kind, vector["encoding"], vector["masked"], mask_text(vector["masked"])))
        if "masked_parts" in vector and mask_parts(vector["masked_parts"]) != vector["masked_parts"]:
            changed.append((kind, vector["encoding"], vector["masked_parts"]))
    assert not changed, changed[:5]
