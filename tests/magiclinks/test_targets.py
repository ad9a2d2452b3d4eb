from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from magiclinks.services import parse_duration
from supportreplay.consent import with_credential
from supportreplay.targets import origin_of, validate_target_url

ALLOWED = ["https://shop.example", "http://127.0.0.1"]


def test_origin_is_normalised():
    assert origin_of("HTTPS://Shop.Example:443/a?b#c") == "https://shop.example"
    assert origin_of("http://127.0.0.1:8000/demo/") == "http://127.0.0.1:8000"
    assert origin_of("javascript:alert(1)") is None
    assert origin_of("//shop.example/") is None


@override_settings(SUPPORTREPLAY_ALLOWED_ORIGINS=ALLOWED, SUPPORTREPLAY_PUBLIC_URL="", DEBUG=False)
@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://evil.example/", "origin_not_allowed"),
        ("https://shop.example.evil.example/", "origin_not_allowed"),
        ("http://shop.example/", "origin_not_allowed"),  # scheme is part of the origin
        ("https://shop.example@evil.example/", "userinfo"),
        ("https://shop.example/cart#/step2", "fragment"),
        ("ftp://shop.example/", "invalid_url"),
        ("http://127.0.0.1:8000/demo/", "origin_not_allowed"),  # loopback ports only in DEBUG
    ],
)
def test_targets_outside_the_allowed_origins_are_refused(url, code):
    with pytest.raises(ValidationError) as refused:
        validate_target_url(url)
    assert refused.value.code == code


@override_settings(SUPPORTREPLAY_ALLOWED_ORIGINS=ALLOWED, SUPPORTREPLAY_PUBLIC_URL="", DEBUG=False)
def test_allowed_origins_and_the_site_itself_are_accepted():
    assert validate_target_url(" https://shop.example/cart?x=1 ") == "https://shop.example/cart?x=1"
    assert validate_target_url("https://support.example/demo/", "https://support.example")
    with override_settings(SUPPORTREPLAY_PUBLIC_URL="https://support.example/"):
        assert validate_target_url("https://support.example/demo/")


@override_settings(SUPPORTREPLAY_ALLOWED_ORIGINS=[], DEBUG=True)
def test_loopback_origins_on_any_port_are_accepted_in_debug_only():
    assert validate_target_url("http://127.0.0.1:8123/demo/")
    assert validate_target_url("http://localhost:3000/")


def test_durations():
    assert parse_duration("2h") == timedelta(hours=2)
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("3D") == timedelta(days=3)
    with pytest.raises(ValidationError):
        parse_duration("soon")


def test_credential_goes_into_the_fragment_keeping_path_and_query():
    assert with_credential("https://shop.example/cart?x=1", "abc") == "https://shop.example/cart?x=1#sr=abc"
    assert with_credential("https://shop.example", "abc") == "https://shop.example/#sr=abc"


@override_settings(SUPPORTREPLAY_ALLOWED_ORIGINS=["https://shop.example/cart", "shop.example"], DEBUG=True)
def test_origins_with_a_path_or_without_a_scheme_fail_the_system_check():
    from magiclinks.checks import check_link_settings

    assert [p.id for p in check_link_settings()] == ["magiclinks.E001", "magiclinks.E001"]


@override_settings(
    SUPPORTREPLAY_ALLOWED_ORIGINS=[], SUPPORTREPLAY_PUBLIC_URL="http://support.example", DEBUG=False
)
def test_a_clear_text_public_url_in_production_is_warned_about():
    from magiclinks.checks import check_link_settings

    assert [p.id for p in check_link_settings()] == ["magiclinks.W002"]
