"""The counted pause of the cyclic collector used while decoding chunks (sessions/archive/gcpause.py)."""

import gc

from sessions.archive import gcpause


def test_overlapping_pauses_end_with_the_last_one():
    assert gc.isenabled()
    outer = gcpause.paused()
    inner = gcpause.paused()
    outer.__enter__()
    inner.__enter__()
    assert not gc.isenabled()
    outer.__exit__(None, None, None)  # the first pause ends while another is still running
    assert not gc.isenabled()
    inner.__exit__(None, None, None)
    assert gc.isenabled()


def test_an_error_inside_still_restores_the_collector():
    try:
        with gcpause.paused():
            raise ValueError("bad chunk")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_collector_already_off_stays_off():
    gc.disable()
    try:
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
