"""Work done in a forked child while the build goes on: its result, its failure, and the fallback."""

from __future__ import annotations

import os
import threading

import pytest

from generator.site import background


def whose() -> int:
    return os.getpid()


def fails() -> None:
    raise ValueError("a report could not be printed")


def dies() -> None:
    os._exit(3)


def test_a_forked_function_runs_in_another_process_and_its_result_comes_back():
    later = background.Forked(whose)
    assert later.result() != os.getpid()
    assert later.result() == later.result()  # asked again: the same answer, not a second run
    assert later.process.exitcode == 0


def test_a_forked_function_sees_what_this_process_built_without_pickling_it():
    built = {"cities": [object() for _ in range(3)]}  # objects that pickling would copy, not share

    later = background.Forked(lambda: len(built["cities"]))  # a lambda cannot be pickled either
    assert later.result() == 3


def test_the_childs_exception_is_raised_here():
    with pytest.raises(ValueError, match="a report could not be printed"):
        background.Forked(fails).result()


def test_a_child_that_dies_without_an_answer_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="exit status 3"):
        background.Forked(dies).result()


def test_with_other_threads_running_the_function_runs_here_when_asked():
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        later = background.in_background(whose)
        assert type(later) is background.Later  # fork with threads running could inherit a held lock
        assert later.result() == os.getpid()
    finally:
        release.set()
        other.join()


def test_a_cancelled_child_is_stopped():
    later = background.Forked(threading.Event().wait)  # waits for ever
    later.cancel()
    assert not later.process.is_alive()
