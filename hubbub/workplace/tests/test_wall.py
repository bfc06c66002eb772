"""The wall: open spike alerts of the user's brands, topic sparklines, live panels, acknowledging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubbub.channels.models import ChannelAccount, Health
from hubbub.core.tests.factories import BrandAccountFactory
from hubbub.listening.tests.factories import TopicFactory
from hubbub.metrics.minutes import epoch_minute
from hubbub.metrics.models import AlertKind, SpikeAlert
from hubbub.metrics.tests.factories import SpikeAlertFactory, TopicMinuteFactory
from hubbub.workplace.tests.conftest import HOSTILE_TEXT

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 8, 30, 10, tzinfo=UTC)
WALL = reverse("workplace:wall")
PANELS = reverse("workplace:wall_panels")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def an_alert(brand, **fields) -> SpikeAlert:
    alert: SpikeAlert = SpikeAlertFactory(
        topic=TopicFactory(brand=brand, name=fields.pop("name", "Battery")), **fields
    )
    return alert


def acknowledge_url(alert: SpikeAlert) -> str:
    return reverse("workplace:wall_acknowledge", args=[alert.id])


def wall_page(client: Client, user: Any) -> Any:
    client.force_login(user)
    response = client.get(WALL)
    assert response.status_code == 200
    return response


def panels(client: Client, user: Any) -> dict[str, Any]:
    client.force_login(user)
    response = client.get(PANELS)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data: dict[str, Any] = response.json()
    return data


def test_the_wall_lists_open_alerts_of_the_users_brands_newest_first(client, alice, brand_a):
    older = an_alert(brand_a, name="Battery", opened_at=NOW - timedelta(minutes=20))
    newer = an_alert(
        brand_a,
        name="Billing",
        kind=AlertKind.NEGATIVE,
        observed=0.62,
        expected=0.18,
        opened_at=NOW - timedelta(minutes=3),
    )
    an_alert(brand_a, name="Closed", closed_at=NOW - timedelta(minutes=1))

    response = wall_page(client, alice)

    assert [item.alert.id for item in response.context["wall"].alerts] == [newer.id, older.id]
    html = response.content.decode()
    assert html.index(">Billing<") < html.index(">Battery<")
    assert "Closed" not in html
    assert '<strong>62% negative</strong> <span class="spike__expected">vs 18% usual</span>' in html
    assert '<strong>40 posts in 5 min</strong> <span class="spike__expected">vs 6.0 expected</span>' in html
    assert '<time datetime="2026-11-02T08:10:10+00:00">08:10</time> · 20\xa0minutes ago' in html
    assert "Negative share spike" in html


def test_charlie_sees_none_of_brand_as_alerts(client, charlie, brand_a, brand_b):
    an_alert(brand_a, name="Acme battery")
    theirs = an_alert(brand_b, name="Globex cards")

    page = wall_page(client, charlie)
    data = panels(client, charlie)

    assert [item.alert.id for item in page.context["wall"].alerts] == [theirs.id]
    assert "Acme battery" not in page.content.decode()
    assert "Acme battery" not in data["panels"]["alerts"]
    assert "Globex cards" in data["panels"]["alerts"]
    assert data["open_alerts"] == 1


def test_charlie_sees_none_of_brand_as_topics(client, charlie, brand_a):
    secret = TopicFactory(brand=brand_a, name="Acme secret launch")
    TopicMinuteFactory(brand_id=brand_a.id, topic_id=secret.id, minute=epoch_minute(NOW), posts=9)

    response = wall_page(client, charlie)

    assert response.context["wall"].topics == []
    assert "Acme secret launch" not in response.content.decode()


def test_a_supervisor_sees_the_acknowledge_button_and_an_agent_does_not(client, alice, bob, brand_a):
    alert = an_alert(brand_a)

    assert f'action="{acknowledge_url(alert)}"' in wall_page(client, bob).content.decode()
    assert f'action="{acknowledge_url(alert)}"' not in wall_page(client, alice).content.decode()


def test_a_supervisor_acknowledges_an_alert_which_stays_on_the_wall(client, bob, brand_a):
    alert = an_alert(brand_a)
    client.force_login(bob)

    response = client.post(acknowledge_url(alert), follow=True)

    assert response.redirect_chain == [(WALL, 302)]
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at, alert.closed_at) == (bob, NOW, None)
    html = response.content.decode()
    assert "Acknowledged: Volume spike on Battery." in html
    assert "Acknowledged by Bob" in html
    assert f'action="{acknowledge_url(alert)}"' not in html


def test_an_agent_cannot_acknowledge(client, alice, brand_a):
    alert = an_alert(brand_a)
    client.force_login(alice)

    response = client.post(acknowledge_url(alert))

    assert response.status_code == 403
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at) == (None, None)


def test_charlie_cannot_acknowledge_brand_as_alert_nor_learn_it_exists(client, charlie, brand_a):
    alert = an_alert(brand_a)
    client.force_login(charlie)

    response = client.post(acknowledge_url(alert))
    missing = client.post(reverse("workplace:wall_acknowledge", args=[alert.id + 1000]))

    assert response.status_code == missing.status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_acknowledging_needs_a_post_with_the_csrf_token(bob, brand_a):
    alert = an_alert(brand_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)

    assert client.get(acknowledge_url(alert)).status_code == 405
    assert client.post(acknowledge_url(alert)).status_code == 403

    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_the_wall_needs_a_login(client, brand_a):
    an_alert(brand_a)

    assert client.get(WALL)["Location"].startswith(reverse("login"))
    assert client.get(PANELS)["Location"].startswith(reverse("login"))


def test_topic_names_and_explanations_are_escaped(client, alice, brand_a):
    alert = an_alert(brand_a, name=HOSTILE_TEXT, explanation=HOSTILE_TEXT)
    TopicMinuteFactory(brand_id=brand_a.id, topic_id=alert.topic_id, minute=epoch_minute(NOW), posts=3)

    html = wall_page(client, alice).content.decode()
    data = panels(client, alice)

    for shown in (html, data["panels"]["alerts"], data["panels"]["topics"]):
        assert "<script>alert(1)</script>" not in shown
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown


def test_each_topic_gets_a_sparkline_of_its_last_hour(client, alice, brand_a):
    busy = TopicFactory(brand=brand_a, name="Busy")
    quiet = TopicFactory(brand=brand_a, name="Quiet")
    now = epoch_minute(NOW)
    TopicMinuteFactory(brand_id=brand_a.id, topic_id=busy.id, minute=now, posts=8)
    TopicMinuteFactory(brand_id=brand_a.id, topic_id=busy.id, minute=now - 59, posts=4)
    TopicMinuteFactory(brand_id=brand_a.id, topic_id=busy.id, minute=now - 60, posts=100)  # over an hour ago
    TopicMinuteFactory(brand_id=brand_a.id, topic_id=quiet.id, minute=now - 30, posts=1)

    response = wall_page(client, alice)

    topics = response.context["wall"].topics
    assert [(topic.name, topic.sparkline.total, topic.sparkline.last) for topic in topics] == [
        ("Busy", 12, 8),
        ("Quiet", 1, 0),
    ]
    line = topics[0].sparkline.line.split()
    assert (len(line), line[0], line[-1]) == (60, "0.0,16.0", "120.0,1.5")
    html = response.content.decode()
    assert f'<polyline class="spark__line" points="{topics[0].sparkline.line}"/>' in html
    assert "<strong>12</strong> posts · 8 this minute" in html


def test_the_panels_endpoint_renders_the_same_panels_as_the_page(client, bob, brand_a):
    an_alert(brand_a)

    page = wall_page(client, bob).content.decode()
    data = panels(client, bob)

    assert set(data["panels"]) == {"alerts", "channels", "topics"}
    assert data["open_alerts"] == 1
    assert 'name="csrfmiddlewaretoken"' in data["panels"]["alerts"]
    assert "Acknowledge</button>" in data["panels"]["alerts"]
    assert data["panels"]["alerts"].split("<footer")[0] in page


@pytest.mark.parametrize("url", [WALL, PANELS])
def test_the_wall_reads_the_same_number_of_queries_for_1_and_50_alerts(client, bob, brand_a, url):
    client.force_login(bob)

    def queries_with(alerts: int) -> int:
        SpikeAlert.objects.all().delete()
        for index in range(alerts):
            alert = an_alert(
                brand_a, name=f"Topic {alerts}-{index}", acknowledged_by=bob if index % 2 else None
            )
            TopicMinuteFactory(
                brand_id=brand_a.id, topic_id=alert.topic_id, minute=epoch_minute(NOW), posts=index + 1
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one, fifty = queries_with(1), queries_with(50)

    assert one == fifty == 7  # session, user, memberships, alerts, counters, topics, channels


def a_channel(brand, handle: str = "acmecare", network: str = "twitter", **fields) -> ChannelAccount:
    account = BrandAccountFactory(brand=brand, network=network, handle=handle)
    channel: ChannelAccount = ChannelAccount.objects.create(account=account, **fields)
    return channel


def failing(brand, handle: str = "acmecare", **fields) -> ChannelAccount:
    defaults = {
        "status": Health.DEGRADED,
        "last_error": "HTTP 503 from the network",
        "last_error_at": NOW - timedelta(minutes=1),
        "last_success_at": NOW - timedelta(minutes=20),
        "failures": 3,
        "next_poll_at": NOW + timedelta(seconds=90),
    }
    return a_channel(brand, handle, **{**defaults, **fields})


def test_a_failing_account_shows_on_the_wall_with_since_when_and_the_next_try(client, bob, brand_a):
    failing(brand_a)
    a_channel(brand_a, "AcmeMobile", "facebook", status=Health.OK)

    html = wall_page(client, bob).content.decode()
    data = panels(client, bob)

    for shown in (html, data["panels"]["channels"]):
        assert '<span class="channel__status">Failing, retrying</span>' in shown
        assert f'<span class="channel__brand">{brand_a.name}</span>' in shown
        assert 'X / Twitter <span class="channel__handle">@acmecare</span>' in shown
        assert '<p class="channel__error">HTTP 503 from the network</p>' in shown
        assert (
            'last worked <time datetime="2026-11-02T08:10:10+00:00">08:10</time> · 20\xa0minutes ago'
        ) in shown
        assert '3 failed polls · next try <time datetime="2026-11-02T08:31:40+00:00">08:31:40</time>' in shown
        assert '<p class="wall-channels-line">1 other channel working</p>' in shown
        assert "AcmeMobile" not in shown  # working accounts are counted, not listed


def test_down_accounts_come_before_degraded_ones_and_a_never_working_one_says_so(client, bob, brand_a):
    failing(brand_a, "acme_one")
    failing(brand_a, "acme_two", status=Health.DOWN, last_success_at=None, failures=1)

    response = wall_page(client, bob)

    channels = response.context["wall"].channels
    assert [(c.handle, c.status) for c in channels.failing] == [
        ("acme_two", "down"),
        ("acme_one", "degraded"),
    ]
    html = response.content.decode()
    assert "never worked</p>" in html
    assert "1 failed poll · next try" in html
    assert "wall-channels-line" not in html  # nothing else to say


def test_a_channel_error_is_escaped(client, bob, brand_a):
    failing(brand_a, last_error=HOSTILE_TEXT)

    html = wall_page(client, bob).content.decode()
    data = panels(client, bob)

    for shown in (html, data["panels"]["channels"]):
        assert "<script>alert(1)</script>" not in shown
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown


def test_when_every_channel_works_the_wall_says_so_in_one_line(client, alice, brand_a):
    a_channel(brand_a, "acmecare", status=Health.OK)
    a_channel(brand_a, "AcmeMobile", "facebook", status=Health.OK)
    a_channel(brand_a, "acme_off", status=Health.DEGRADED, enabled=False)  # disabled: not failing
    BrandAccountFactory(brand=brand_a, network="bluesky", handle="acme.bsky.social")  # not connected

    html = panels(client, alice)["panels"]["channels"]

    assert html.strip() == '<p class="wall-channels-line is-working">All 2 channels working</p>'


@pytest.mark.parametrize(
    ("statuses", "line"),
    [
        ([Health.OK, Health.IDLE], "1 channel working · 1 not polled yet"),
        ([Health.IDLE], "1 not polled yet"),
        ([], "No channels connected yet"),
    ],
)
def test_the_channels_line_counts_the_accounts_not_polled_yet(client, alice, brand_a, statuses, line):
    for index, status in enumerate(statuses):
        a_channel(brand_a, f"acme{index}", status=status)

    html = panels(client, alice)["panels"]["channels"]

    assert html.strip() == f'<p class="wall-channels-line">{line}</p>'


def test_charlie_sees_none_of_brand_as_channels(client, charlie, brand_a, brand_b):
    failing(brand_a, last_error="Acme token revoked")
    a_channel(brand_b, "globexhelp", status=Health.OK)

    page = wall_page(client, charlie)
    data = panels(client, charlie)

    assert page.context["wall"].channels.failing == []
    for shown in (page.content.decode(), data["panels"]["channels"]):
        assert "Acme token revoked" not in shown
        assert "@acmecare" not in shown
        assert "All 1 channel working" in shown


@pytest.mark.parametrize("url", [WALL, PANELS])
def test_the_wall_reads_the_same_number_of_queries_for_1_and_50_failing_channels(client, bob, brand_a, url):
    client.force_login(bob)

    def queries_with(accounts: int) -> int:
        ChannelAccount.objects.all().delete()
        for index in range(accounts):
            failing(brand_a, f"acme{accounts}_{index}", status=Health.DOWN if index % 2 else Health.DEGRADED)
            a_channel(brand_a, f"acme_ok{accounts}_{index}", status=Health.OK)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("channel__error") == accounts
        return len(queries)

    one, fifty = queries_with(1), queries_with(50)

    assert one == fifty == 6  # session, user, memberships, alerts, counters, channels (no topic counted)
