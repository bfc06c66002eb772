"""Phone numbers at the door: E.164 or refused."""

from __future__ import annotations

import pytest

from hubbub.channels.networks.phone.payloads import normalise_e164


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("+49 (30) 1234-567", "+49301234567"),
        ("0049 30 1234567", "+49301234567"),
        ("+1 415.555.0100", "+14155550100"),
        (" +442079460000 ", "+442079460000"),
    ],
)
def test_normalises_international_numbers_to_e164(written: str, normalised: str) -> None:
    assert normalise_e164(written) == normalised


@pytest.mark.parametrize(
    "written", ["030 1234567", "+0301234567", "+49 30 1234567 8901234", "+49abc", "anonymous", "", "+12345"]
)
def test_refuses_what_is_not_an_international_number(written: str) -> None:
    with pytest.raises(ValueError, match="international form"):
        normalise_e164(written)
