"""BLAS on one thread: concurrent users share one limit, and the last to leave restores the setting."""

from __future__ import annotations

import threading

from threadpoolctl import threadpool_info

from acsi.blas import one_blas_thread


def _blas_threads() -> set[int]:
    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


def test_one_thread_holds_until_the_last_concurrent_user_leaves() -> None:
    # BLAS starts with one thread per core (2 here and in CI); one_blas_thread used to be threadpoolctl's
    # limiter per caller, so the first caller to leave restored 2 threads under the other's feet.
    before = _blas_threads()
    entered, release_first, first_left, seen = threading.Event(), threading.Event(), threading.Event(), []

    def first() -> None:
        with one_blas_thread():
            entered.set()
            release_first.wait(5)
        first_left.set()

    worker = threading.Thread(target=first)
    worker.start()
    entered.wait(5)
    with one_blas_thread():
        release_first.set()
        first_left.wait(5)
        seen.append(_blas_threads())  # the first user has left; this one still works on one thread
    worker.join()
    assert seen == [{1}]
    assert _blas_threads() == before  # restored when the last user left


def test_nested_use_restores_the_original_setting() -> None:
    before = _blas_threads()
    with one_blas_thread():
        with one_blas_thread():
            assert _blas_threads() == {1}
        assert _blas_threads() == {1}
    assert _blas_threads() == before
