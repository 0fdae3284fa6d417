"""A person whose system asks for less motion sees no spinner spin and no dot pulse
(WCAG 2.3.3); everyone else still sees them move."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from api.server import MccServer

pytestmark = pytest.mark.e2e

# What the shipped stylesheet does to the classes the SPA's spinners and live dots use.
ANIMATIONS = """() => ['animate-spin', 'animate-pulse'].map((name) => {
    const element = document.createElement('span');
    element.className = name;
    document.body.append(element);
    const style = getComputedStyle(element);
    return [name, style.animationName !== 'none', style.animationIterationCount];
})"""


async def test_spinners_and_pulses_stand_still_when_the_system_asks_for_less_motion(
    mcc: MccServer, browser: Browser
):
    seen = {}
    for motion in ("no-preference", "reduce"):
        page = await (await browser.new_context(reduced_motion=motion)).new_page()
        await page.goto(f"http://127.0.0.1:{mcc.port}/")
        await expect(page.get_by_label("Email")).to_be_visible()
        seen[motion] = await page.evaluate(ANIMATIONS)
    assert seen["no-preference"] == [
        ["animate-spin", True, "infinite"],
        ["animate-pulse", True, "infinite"],
    ]
    assert seen["reduce"] == [["animate-spin", True, "1"], ["animate-pulse", True, "1"]]
