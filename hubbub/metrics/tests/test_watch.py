"""The spike watcher: passes every few seconds in a daemon thread, failures survived, a clean stop."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from hubbub.metrics.actions import DetectionReport, detect_spikes
from hubbub.metrics.models import SpikeAlert, TopicMinute
from hubbub.metrics.watch import SpikeWatcher

REPORT = DetectionReport(topics=0, opened=0, updated=0, closed=0, open_now=0)


class CountingDetect:
    """A detection pass that records when it ran, fails when told to, and signals after `wanted` calls."""

    def __init__(self, wanted: int, failing: int = 0) -> None:
        self.calls: list[datetime] = []
        self.wanted = wanted
        self.failing = failing
        self.done = threading.Event()

    def __call__(self, now: datetime) -> DetectionReport:
        self.calls.append(now)
        if len(self.calls) >= self.wanted:
            self.done.set()
        if len(self.calls) <= self.failing:
            raise RuntimeError("database is locked")
        return REPORT


def test_the_watcher_runs_passes_in_the_background_until_stopped():
    detect = CountingDetect(wanted=3)
    watcher = SpikeWatcher(0.01, detect=detect)

    watcher.start()
    assert detect.done.wait(5)
    watcher.stop()

    assert not watcher.running
    assert watcher.passes == len(detect.calls) >= 3
    assert watcher.last_report == REPORT
    assert all(call.tzinfo is not None for call in detect.calls)


def test_a_failed_pass_is_logged_and_the_watch_goes_on(caplog):
    detect = CountingDetect(wanted=3, failing=2)
    watcher = SpikeWatcher(0.01, detect=detect)

    watcher.start()
    assert detect.done.wait(5)
    watcher.stop()

    assert watcher.failures == 2
    assert watcher.passes >= 1
    assert "spike watcher: a detection pass failed" in caplog.text


def test_stopping_ends_a_long_wait_at_once():
    detect = CountingDetect(wanted=1)
    watcher = SpikeWatcher(3600, detect=detect)

    watcher.start()
    assert detect.done.wait(5)
    watcher.stop(timeout=5)

    assert not watcher.running
    assert len(detect.calls) == 1


def test_run_in_the_calling_thread_stops_after_the_passes_asked_for():
    detect = CountingDetect(wanted=2)

    SpikeWatcher(0.001, detect=detect).run(passes=2)

    assert len(detect.calls) == 2


def test_stopping_a_watcher_that_never_started_is_harmless():
    watcher = SpikeWatcher(1)

    watcher.stop()

    assert not watcher.running


def test_an_interval_of_zero_is_refused():
    with pytest.raises(ValueError, match="every must be positive, not 0"):
        SpikeWatcher(0)


@pytest.mark.django_db(transaction=True)
def test_the_real_detection_runs_in_the_watchers_thread_with_its_own_connection(brand_a):
    TopicMinute.objects.create(brand_id=brand_a.id, topic_id=1, minute=0, posts=1)
    passed = threading.Event()

    def detect_then_signal(now: datetime) -> DetectionReport:
        try:
            return detect_spikes(now)
        finally:
            passed.set()

    watcher = SpikeWatcher(3600, detect=detect_then_signal)

    watcher.start()
    assert passed.wait(10)
    watcher.stop(timeout=10)

    assert watcher.failures == 0
    assert watcher.passes == 1
    assert watcher.last_report is not None
    assert TopicMinute.objects.count() == 0  # the pass pruned the ancient counter
    assert SpikeAlert.objects.count() == 0
