from django.test import override_settings

from sessions import conf


def test_default_recording_settings_pass_the_check():
    assert conf.check_recording_settings() == []


def test_a_default_is_read_when_the_setting_is_absent_and_an_override_wins():
    assert conf.get("SUPPORTREPLAY_WATCH_MAX_PENDING_BATCHES") == 400
    with override_settings(SUPPORTREPLAY_WATCH_MAX_PENDING_BATCHES=3):
        assert conf.get("SUPPORTREPLAY_WATCH_MAX_PENDING_BATCHES") == 3


@override_settings(SUPPORTREPLAY_ARCHIVE_PAGE_SIZE=0, SUPPORTREPLAY_WATCH_SNAPSHOT_REUSE_SECONDS="soon")
def test_a_zero_page_size_and_a_non_number_are_refused_by_name():
    problems = conf.check_recording_settings()
    assert [p.id for p in problems] == ["recordings.E001", "recordings.E001"]
    assert "SUPPORTREPLAY_ARCHIVE_PAGE_SIZE must be a number >= 1, not 0." in [p.msg for p in problems]
    assert any("SUPPORTREPLAY_WATCH_SNAPSHOT_REUSE_SECONDS" in p.msg for p in problems)
