"""The HTML report in a real browser: Debian's Chromium, driven by Playwright, opens the report
of a real spoken recording (espeak-ng → the whole local pipeline with offline-tiny.en)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route, sync_playwright

from tests.e2e.test_run_command import clearscribe
from tests.support.scripts import MEETING
from tests.support.speech import make_speech_video

CHROMIUM = Path("/usr/bin/chromium")
# As root there is no sandbox; the rest keeps Chromium from calling home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.x AA: normal text needs a contrast ratio of at least 4.5:1.
MIN_CONTRAST = 4.5


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The meeting recording through `clearscribe run`; its record, enriched JSON and report path."""
    root = tmp_path_factory.mktemp("report")
    video = make_speech_video(MEETING.spoken, root / "weekly planning.mp4")
    proc = clearscribe("run", str(video), "--model", "offline-tiny.en", "--json", "--out", str(root / "out"),
                       home=root / "home", check=True)  # fmt: skip
    record = json.loads(proc.stdout)
    enriched = json.loads(Path(record["outputs"]["json"]).read_text(encoding="utf-8"))
    return {"record": record, "enriched": enriched, "report": Path(record["outputs"]["html"]), "root": root}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.is_file(), "Debian's chromium package is missing (make test installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One page load with every request, console message and page error recorded; any request
    for anything but the report itself is aborted and kept as a failure."""

    def __init__(self, browser: Browser, url: str, *, javascript: bool = True, also: tuple[str, ...] = ()) -> None:
        self.url = url
        self.also = also  # other URLs the page may load (the redacted recording beside it)
        self.context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.console: list[ConsoleMessage] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("request", self._request)
        self.page.on("console", lambda message: self.console.append(message))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(url, wait_until="load")

    def _route(self, route: Route) -> None:
        if route.request.url == self.url or route.request.url in self.also:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)

    def assert_quiet(self) -> None:
        errors = [m.text for m in self.console if m.type in ("error", "warning")]
        assert not errors and not self.errors, (errors, self.errors)
        assert set(self.requests) <= {self.url, *self.also} and self.requests[0] == self.url, self.requests
        assert not self.blocked, self.blocked

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Browser, job: dict[str, Any]) -> Iterator[Visit]:
    opened = Visit(browser, job["report"].as_uri())
    yield opened
    opened.close()


def test_the_chart_renders_one_point_per_segment(visit: Visit, job: dict[str, Any], tmp_path: Path) -> None:
    page = visit.page
    segments = job["enriched"]["transcript"]["segments"]
    assert len(segments) >= 5
    chart = page.locator("#timeline")
    box = chart.bounding_box()
    assert box and box["width"] > 900 and box["height"] > 200
    dots = page.locator("#timeline a.point circle")
    assert dots.count() == len(segments)
    positions = dots.evaluate_all("els => els.map(e => [e.getBoundingClientRect().x, e.getBoundingClientRect().width])")
    assert all(width > 0 for _, width in positions)
    assert [x for x, _ in positions] == sorted(x for x, _ in positions)
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    visit.assert_quiet()


def test_the_legend_counts_equal_the_pii_counts(visit: Visit, job: dict[str, Any]) -> None:
    page = visit.page
    enriched = job["enriched"]
    legend = {
        item.get_attribute("data-type"): int(item.locator(".count").inner_text())
        for item in page.locator("#legend li").all()
    }
    profanity = legend.pop("PROFANITY", 0)
    assert legend == enriched["pii"]["counts"] and legend, "the meeting names a person, an email and a phone"
    assert profanity == enriched["profanity"]["count"]
    marked = Counter(page.locator("mark.pii").evaluate_all("els => els.map(e => e.dataset.type)"))
    assert marked == Counter(enriched["pii"]["counts"])
    visit.assert_quiet()


def test_the_transcript_shows_exactly_the_clean_segments(visit: Visit, job: dict[str, Any]) -> None:
    shown = visit.page.locator("#segments li .text").evaluate_all("els => els.map(e => e.textContent)")
    assert shown == [s["text"] or "(no words)" for s in job["enriched"]["transcript"]["segments"]]
    body = visit.page.locator("body").inner_text().lower()
    assert not re.search(r"\bmargaret\b|\bwilson\b", body), "a redacted name is on the page"


def test_the_search_box_filters_the_segments(visit: Visit, job: dict[str, Any]) -> None:
    page = visit.page
    segments = job["enriched"]["transcript"]["segments"]
    word = "release"
    expected = [n for n, s in enumerate(segments) if word in s["text"].lower()]
    assert 0 < len(expected) < len(segments)

    page.locator("#search").fill(word)
    visible = page.locator("#segments li.seg:visible").evaluate_all("els => els.map(e => e.id)")
    assert visible == [f"seg-{n}" for n in expected]
    assert page.locator("#search-status").inner_text() == f"{len(expected)} of {len(segments)} segments match"
    dimmed = page.locator("#timeline a.point.dim").count()
    assert dimmed == len(segments) - len(expected)

    page.locator("#search").press("Escape")
    assert page.locator("#segments li.seg:visible").count() == len(segments)
    visit.assert_quiet()


def test_a_point_leads_to_its_segment_and_a_time_is_copied(visit: Visit, job: dict[str, Any]) -> None:
    page = visit.page
    visit.context.grant_permissions(["clipboard-read", "clipboard-write"])
    last = len(job["enriched"]["transcript"]["segments"]) - 1
    page.locator(f'#timeline a.point[data-seg="seg-{last}"]').click()
    assert page.evaluate("location.hash") == f"#seg-{last}"
    assert page.locator(f"#seg-{last}").evaluate("e => e.matches(':target')")

    time = page.locator("#seg-1 a.time")
    text = time.inner_text()
    time.click()
    page.wait_for_function("() => document.getElementById('copy-status').textContent !== ''")
    assert page.locator("#copy-status").inner_text() == f"Copied {text}"
    assert page.evaluate("navigator.clipboard.readText()") == text
    visit.assert_quiet()


def test_without_javascript_everything_still_reads(browser: Browser, job: dict[str, Any]) -> None:
    plain = Visit(browser, job["report"].as_uri(), javascript=False)
    try:
        page = plain.page
        segments = job["enriched"]["transcript"]["segments"]
        assert page.locator("#timeline a.point").count() == len(segments)
        assert page.locator("#segments li.seg:visible").count() == len(segments)
        assert not page.locator("#search").is_visible()  # it needs JavaScript, so it stays hidden
        page.locator("#timeline a.point").first.click()
        assert page.evaluate("location.hash") == "#seg-0"
        plain.assert_quiet()
    finally:
        plain.close()


def test_headings_labels_and_contrast(visit: Visit) -> None:
    page = visit.page
    assert page.locator("h1").count() == 1
    assert page.locator("h2").all_inner_texts()[:3] == ["Sentiment over time", "Transcript", "Processing"]
    labelled = page.locator("#timeline").get_attribute("aria-labelledby")
    assert labelled and all(page.locator(f"#{part}").text_content() for part in labelled.split())
    assert page.locator("#timeline a.point:not([aria-label])").count() == 0
    assert page.locator("label[for=search]").count() == 1
    ratios = page.evaluate(
        """() => {
          const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
          const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
              return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
              return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
          const background = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
              if (!c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
          const ratio = e => { const a = lum(getComputedStyle(e).color), b = lum(background(e));
              return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
          const wanted = ['h1', '.facts dt', '.muted', '#segments .time', '#segments .text', 'mark.pii',
                          'mark.profanity', '.sentiment-positive', '.sentiment-negative', '.legend .count',
                          'thead th', 'footer p', '.status'];
          return wanted.flatMap(sel => [...document.querySelectorAll(sel)].map(e => [sel, ratio(e)]));
        }"""
    )
    low = [(selector, round(ratio, 2)) for selector, ratio in ratios if ratio < MIN_CONTRAST]
    assert ratios and not low, low


CALL_WITH_A_NAME = (
    "Good morning, this is the weekly call.\n\n"
    "My name is Margaret Wilson and I look after the budget.\n\n"
    "The new office opens next month, and everyone is welcome."
)


def test_the_redacted_recording_plays_from_a_segment_s_start(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("report-media")
    video = make_speech_video(CALL_WITH_A_NAME, root / "weekly call.mp4")
    proc = clearscribe("run", str(video), "--model", "offline-tiny.en", "--json", "--out", str(root / "out"),
                       "--redact-media", home=root / "home", check=True)  # fmt: skip
    record = json.loads(proc.stdout)
    media = Path(record["outputs"]["media"])
    segments = json.loads(Path(record["outputs"]["json"]).read_text(encoding="utf-8"))["transcript"]["segments"]
    assert len(segments) >= 2
    visit = Visit(browser, Path(record["outputs"]["html"]).as_uri(), also=(media.as_uri(),))
    try:
        page = visit.page
        page.wait_for_function("() => document.getElementById('player').readyState >= 1")
        duration = page.evaluate("document.getElementById('player').duration")
        assert abs(duration - json.loads(Path(record["outputs"]["json"]).read_text())["source"]["duration_seconds"]) < 1
        last = len(segments) - 1
        page.locator(f"#seg-{last} a.play").click()
        start = segments[last]["start"]
        page.wait_for_function(f"() => document.getElementById('player').currentTime >= {start}")
        position = page.evaluate("document.getElementById('player').currentTime")
        assert start <= position < start + 3
        assert page.evaluate("location.hash") == ""  # the page stays where it is: the link only seeks the player
        assert media.as_uri() in visit.requests
        visit.assert_quiet()
    finally:
        visit.close()
