"""A supervisor opens a rich demo customer's page in headless Chromium.

Set HUBBUB_E2E_SCREENSHOTS=docs/img to refresh docs/img/customer.png, as tests/e2e/test_inbox_live.py does.
"""

from __future__ import annotations

import os
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from hubbub.channels.simulator import posts
from hubbub.crm.models import Customer
from hubbub.runtime.assembly import build_pipeline
from hubbub.runtime.demo_data import seed_demo_data

FOLDER = os.environ.get("HUBBUB_E2E_SCREENSHOTS", "")
CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def test_a_supervisor_sees_the_whole_customer_360_in_the_browser(
    live_server: Any, settings: Settings, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright  # noqa: PLC0415 (heavy; e2e only)

    settings.VAR_DIR = tmp_path
    login = seed_demo_data()
    build_pipeline().process(list(islice(posts(seed=7), 1500)))
    priya = Customer.objects.get(display_name="Priya Raman")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1360, "height": 1500}, color_scheme="light")
        # Straight to the customer page: the inbox's event stream needs the ASGI server, not this one.
        page.goto(f"{live_server.url}/login/?next=/customers/{priya.id}/")
        page.fill("input[name=username]", "bob")
        page.fill("input[name=password]", login.password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/customers/{priya.id}/")
        expect(page.get_by_role("heading", name="Priya Raman")).to_be_visible()
        expect(page.get_by_text("Why Platinum")).to_be_visible()
        expect(page.get_by_text("Possible duplicates")).to_be_visible()
        expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
        folder = Path(FOLDER or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "customer.png"), full_page=False, animations="disabled")
        browser.close()
