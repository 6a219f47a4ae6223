"""A real browser (Debian's chromium driven through chromium-driver) against the dashboard on loopback:
sign in through the fake Slack endpoints, read the numbers of the seeded program, press "nudge both",
see the outbox rows, and take screenshots (kept in the test's tmp dir; MENTORBOT_SCREENSHOT_DIR copies
them, e.g. into docs/).

Skipped, with the reason, only when the browser cannot be found: `make browser-deps` installs it."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.program import nudges
from tests.web.conftest import Dash

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')"
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="Debian's chromium and chromium-driver are not installed: run `make browser-deps`",
)


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,2300",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


async def _run(fn, *args):
    # Selenium blocks; the dashboard is served by this test's event loop, so drive the browser off it.
    return await asyncio.to_thread(fn, *args)


def _keep(path: Path) -> None:
    target = os.environ.get("MENTORBOT_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


async def test_a_community_manager_signs_in_spots_a_quiet_pair_and_nudges_it(
    dash: Dash, browser, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    await _run(d.get, f"{dash.url}/dashboard")
    link = await _run(d.find_element, By.LINK_TEXT, "Sign in with Slack")
    await _run(link.click)

    def signed_in() -> bool:
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        # The sign-in goes through the fake provider and back: wait for the dashboard's own page.
        WebDriverWait(d, 10).until(expected_conditions.presence_of_element_located((By.ID, "kpi-active")))
        return bool(d.current_url == f"{dash.url}/dashboard")

    assert await _run(signed_in)

    def kpi(name: str) -> str:
        return d.find_element(By.ID, f"kpi-{name}").text

    assert [await _run(kpi, n) for n in ("active", "at-risk", "held", "overdue")] == ["7", "3", "7", "2"]
    rows = await _run(lambda: [r.text for r in d.find_elements(By.CSS_SELECTOR, "#at-risk tr")])
    assert rows[0].startswith("mentor0 & mentee0") and "silent 35 days" in rows[0]
    charts = await _run(lambda: len(d.find_elements(By.CSS_SELECTOR, "svg.chart")))
    assert charts >= 4
    shot = tmp_path / "dashboard.png"
    await _run(d.save_screenshot, str(shot))
    _keep(shot)

    pair = dash.slack.mentorship_ids[0]
    button = await _run(d.find_element, By.CSS_SELECTOR, f'#at-risk button[value="{pair}"]')
    await _run(button.click)

    def flash_text() -> str:
        # The click posts the form and follows the redirect; wait for the new page rather than race it.
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        found = WebDriverWait(d, 10).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".flash"))
        )
        return str(found.text)

    flash = await _run(flash_text)
    assert "Nudged mentor0 and mentee0" in flash

    await _run(d.get, f"{dash.url}/dashboard/pairs/{pair}")
    statuses = await _run(
        lambda: [td.text for td in d.find_elements(By.CSS_SELECTOR, "#nudges td:last-child")]
    )
    assert statuses == ["pending", "pending"]
    await dash.h.pump.flush()
    assert len(nudges(dash.h, "mentor0")) == 1 and len(nudges(dash.h, "mentee0")) == 1
    await _run(d.refresh)
    statuses = await _run(
        lambda: [td.text for td in d.find_elements(By.CSS_SELECTOR, "#nudges td:last-child")]
    )
    assert statuses == ["sent", "sent"]

    # On a phone: one column, nothing wider than the screen.
    await _run(d.set_window_size, 390, 844)
    await _run(d.get, f"{dash.url}/dashboard")
    overflow = await _run(d.execute_script, "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    phone = tmp_path / "dashboard-phone.png"
    await _run(d.save_screenshot, str(phone))
    _keep(phone)
