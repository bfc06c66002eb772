"""`hubbub detect_spikes`: one pass, or a pass every few seconds, each printing what it did."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hubbub.listening.tests.factories import TopicFactory
from hubbub.metrics.minutes import epoch_minute
from hubbub.metrics.models import SpikeAlert
from hubbub.metrics.tests.factories import TopicMinuteFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 8, 0, 20, tzinfo=UTC)


@pytest.fixture
def bursting_topic(brand_a, time_machine):
    time_machine.move_to(NOW, tick=False)
    topic = TopicFactory(brand=brand_a, name="Battery")
    TopicMinuteFactory(brand_id=brand_a.id, topic_id=topic.id, minute=epoch_minute(NOW) - 1, posts=30)
    return topic


def test_one_pass_opens_the_alert_and_says_so(bursting_topic):
    out = StringIO()

    call_command("detect_spikes", stdout=out)

    assert out.getvalue() == (
        "08:00:20 topics with posts: 1; alerts opened: 1, still open: 0, closed: 0; open now: 1\n"
    )
    assert SpikeAlert.objects.get().topic_id == bursting_topic.id


def test_every_runs_passes_until_the_count_asked_for(bursting_topic):
    out = StringIO()

    call_command("detect_spikes", "--every", "0.01", "--passes", "2", stdout=out)

    assert out.getvalue().splitlines() == [
        "08:00:20 topics with posts: 1; alerts opened: 1, still open: 0, closed: 0; open now: 1",
        "08:00:20 topics with posts: 1; alerts opened: 0, still open: 1, closed: 0; open now: 1",
    ]
    assert SpikeAlert.objects.count() == 1


def test_passes_without_every_is_refused(db):
    with pytest.raises(CommandError, match="--passes needs --every"):
        call_command("detect_spikes", "--passes", "2")

    assert SpikeAlert.objects.count() == 0


@pytest.mark.parametrize("every", ["0", "-1", "nan", "inf"])
def test_a_pass_interval_that_is_not_positive_is_refused(db, every):
    with pytest.raises(CommandError, match="is not a positive number of seconds"):
        call_command("detect_spikes", "--every", every, "--passes", "1")


def test_the_help_describes_the_windows_and_gives_examples(capsys):
    with pytest.raises(SystemExit):
        call_command("detect_spikes", "--help")

    help_text = capsys.readouterr().out
    assert "compares the last 5 complete minutes of a topic with the 60 minutes before them" in help_text
    assert "examples:\n  hubbub detect_spikes\n  hubbub detect_spikes --every 30\n" in help_text
