"""The HTML report: everything escaped, nothing the clean transcript does not hold, counts that
add up, a page that asks the network for nothing."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any, ClassVar

import pytest

from pipeline.outputs.formatting import clock, source_name
from pipeline.outputs.report import ReportFacts, render_report
from postprocess.compose import enrich_transcript
from postprocess.config import EnrichmentConfig
from postprocess.document import EnrichedTranscript, Source
from shared.models import Segment, Transcript
from tests.support.corpus_metrics import load_corpus
from tests.support.transcripts import make_transcript

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'&'
HOSTILE_FILE = "<iframe srcdoc=x>&quot;<b>call"  # a file name has no "/"


class Page(HTMLParser):
    """The parsed page: every start tag with its attributes, the text of the elements wanted."""

    VOID: ClassVar[set[str]] = {"meta", "link", "input", "img", "br", "hr", "circle", "rect", "line", "path"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.raw: dict[str, str] = {}  # content of <script> and <style>
        self._stack: list[tuple[str, dict[str, str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag not in self.VOID:
            self._stack.append((tag, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1][0] in ("script", "style"):
            self.raw[self._stack[-1][0]] = self.raw.get(self._stack[-1][0], "") + data
        else:
            self.text.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def with_class(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.tags if name in a.get("class", "").split()]

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def enriched_of(transcript: Transcript) -> EnrichedTranscript:
    return enrich_transcript(
        transcript,
        job_id="job-test",
        source=Source(uri="/recordings/meeting.mp4", duration_seconds=transcript.duration),
        timings={"extract_seconds": 1.5, "transcribe_seconds": 12.25, "enrich_seconds": 2.0},
        config=EnrichmentConfig(),
    )


@pytest.fixture(scope="module")
def corpus_report() -> tuple[EnrichedTranscript, str, list[str]]:
    """The labelled PII corpus as one timed transcript, enriched by the real enrichers, and its report."""
    corpus = load_corpus()
    values = [seg.text[start:end] for seg in corpus for _, start, end in seg.spans]
    enriched = enriched_of(make_transcript([seg.text for seg in corpus], seconds=3.0))
    return enriched, render_report(enriched), values


def edited(enriched: EnrichedTranscript) -> dict[str, Any]:
    """The stored form of ``enriched``, to change and validate again."""
    data: dict[str, Any] = json.loads(enriched.to_json())
    return data


def hostile_enriched() -> EnrichedTranscript:
    """A valid enriched transcript with a hostile string in every free-text field a report shows
    (the speaker labels and sentiment labels the model allows are not free text)."""
    text = f"Hello {HOSTILE} there <PERSON> and **** ok"
    placeholder = text.index("<PERSON>")
    mask = text.index("****")
    return EnrichedTranscript.model_validate({
        "schema_version": "1",
        "job_id": f"job-{HOSTILE}",
        "source": {"uri": f"s3://bucket/in/{HOSTILE_FILE}.mp4", "duration_seconds": 9.0},
        "model": {"name": HOSTILE, "engine": HOSTILE},
        "language": HOSTILE,
        "transcript": {
            "text": text + " second",
            "segments": [
                {
                    "id": 0,
                    "start": 0.0,
                    "end": 4.0,
                    "text": text,
                    "speaker": "S1",
                    "sentiment": {"compound": 0.5, "label": "positive"},
                },
                {
                    "id": 1,
                    "start": 4.0,
                    "end": 9.0,
                    "text": "second",
                    "sentiment": {"compound": -0.6, "label": "negative"},
                },
            ],
            "speech_seconds": 9.0,
            "covered_seconds": 7.0,
            "warnings": [
                {"code": HOSTILE, "message": HOSTILE, "start": 4.0, "end": 6.0},
                {"code": HOSTILE, "message": "", "start": 6.0, "end": 7.0},
            ],
        },
        "pii": {
            "counts": {"PERSON": 1, HOSTILE: 1},
            "entities": [
                {"type": "PERSON", "score": 0.9, "segment": 0, "start": placeholder, "end": placeholder + 8},
                {"type": HOSTILE, "score": 0.9, "segment": 0, "start": 0, "end": 5},
            ],
            "residual_redactions": 0,
        },
        "profanity": {"count": 1, "spans": [{"segment": 0, "start": mask, "end": mask + 4}]},
        "sentiment": {
            "overall": {"compound": 0.1, "label": "positive"},
            "time_share": {"positive": 0.4, "neutral": 0.0, "negative": 0.6},
        },
        "redaction": {"placeholder_style": "typed"},
        "timings": {"extract_seconds": 1.0, f"{HOSTILE}_seconds": 2.0},
    })  # fmt: skip


def hostile_cost() -> dict[str, Any]:
    line = {"item": HOSTILE, "quantity": 1, "unit": HOSTILE, "unit_price": None, "usd": None, "detail": HOSTILE}
    return {
        "currency": "USD",
        "region": HOSTILE,
        "prices_as_of": HOSTILE,
        "total_usd": 0.5,
        "complete": False,
        "lines": [line],
    }


def test_hostile_strings_in_every_field_render_as_text_never_as_markup() -> None:
    html = render_report(hostile_enriched(), ReportFacts(status=HOSTILE, finished_at=HOSTILE, cost=hostile_cost()))
    page = Page(html)

    assert len(page.all("script")) == 1, "only the report's own script"
    assert not page.all("img") and not page.all("iframe") and not page.all("b"), "an injected tag became an element"
    assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)], "an event handler attribute"
    assert HOSTILE not in html  # never written raw, in text or in an attribute
    assert page.all_text.count(HOSTILE) >= 12  # name, model, engine, language, speaker, text, warnings, coverage…
    assert page.all_text.count(f"{HOSTILE_FILE}.mp4") == 2  # the source name in the title and heading, as text
    legend = {a["data-type"]: int(a["data-count"]) for a in page.all("li") if "data-type" in a}
    assert legend == {"PERSON": 1, HOSTILE: 1, "PROFANITY": 1}  # the type survives as text, escaped


def test_the_inline_script_and_style_are_the_only_ones_the_page_allows() -> None:
    page = Page(render_report(hostile_enriched()))
    (policy,) = [a["content"] for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]

    def source_of(content: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(content.encode()).digest()).decode() + "'"

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"  # no fetch, image, font, frame or connection anywhere
    assert directives["script-src"] == source_of(page.raw["script"])
    assert directives["style-src"] == source_of(page.raw["style"])
    assert not [a for t, a in page.tags if a.get("src") or (t == "link" and a.get("href", "").startswith("http"))]
    assert not [a for _, a in page.tags if re.match(r"(https?:)?//", a.get("href", ""))]


def test_no_pii_value_of_the_fixtures_reaches_the_report(
    corpus_report: tuple[EnrichedTranscript, str, list[str]],
) -> None:
    enriched, html, values = corpus_report
    page = Page(html)
    clean = enriched.transcript.text
    # Text and every attribute but the page's own structure (anchors, chart geometry), which
    # carries numbers of its own ("seg-421") that a short value would match.
    structural = {"id", "href", "data-seg", "cx", "cy", "r", "x", "y", "x1", "x2", "y1", "y2", "width", "height",
                  "points", "viewBox"}  # fmt: skip
    shown = page.all_text + " ".join(v for _, a in page.tags for k, v in a.items() if k not in structural)
    redacted = [v for v in values if v not in clean]
    assert len(redacted) >= 0.9 * len(values), "the fixture must exercise the redaction"
    leaked = [v for v in redacted if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", shown)]
    assert not leaked, f"{len(leaked)} redacted values in the report, e.g. {leaked[:3]}"


def test_the_legend_counts_equal_pii_counts_and_every_placeholder_is_marked(
    corpus_report: tuple[EnrichedTranscript, str, list[str]],
) -> None:
    enriched, html, _ = corpus_report
    page = Page(html)
    legend = {a["data-type"]: int(a["data-count"]) for a in page.all("li") if "data-type" in a}
    profanity = legend.pop("PROFANITY", 0)
    assert legend == enriched.pii.counts and len(legend) >= 5
    assert profanity == enriched.profanity.count
    marked = Counter(a["data-type"] for a in page.all("mark") if "pii" in a.get("class", ""))
    assert marked == Counter(enriched.pii.counts)
    assert len(page.all("mark", **{"class": "profanity"})) == enriched.profanity.count


def test_the_chart_has_one_linked_point_per_segment_inside_its_band(
    corpus_report: tuple[EnrichedTranscript, str, list[str]],
) -> None:
    enriched, html, _ = corpus_report
    page = Page(html)
    segments = enriched.transcript.segments
    points = page.with_class("point")
    anchors = {a["id"] for a in page.with_class("seg")}
    assert len(points) == len(segments) and {p["href"][1:] for p in points} == anchors
    bands = {a["class"].split()[-1]: a for a in page.with_class("band")}
    dots = page.with_class("dot")
    for segment, dot in zip(segments, dots, strict=True):
        band = bands[f"band-{segment.sentiment.label}"]
        top, bottom = float(band["y"]), float(band["y"]) + float(band["height"])
        assert top <= float(dot["cy"]) <= bottom, (segment.sentiment, dot)
    xs = [float(d["cx"]) for d in dots]
    assert xs == sorted(xs), "points in time order"


def test_the_chart_has_no_digit_runs_a_leak_scanner_would_flag() -> None:
    # Leak scanners read digits across spaces, commas, dots and dashes ("4111 1111-1111"); the
    # coordinates of hundreds of points must not read as a card or phone number to them.
    texts = ["Good news everyone.", "That went badly.", "Fine, fine."] * 150
    html = render_report(enriched_of(make_transcript(texts, seconds=2.5)))
    chart = html[html.index('<svg id="timeline"') : html.index("</svg>", html.index('<svg id="timeline"'))]
    chart = re.sub(r'viewBox="[^"]*"', "", chart)
    runs = re.findall(r"\d{7,}", re.sub(r"[\s,.\-()]", "", chart))
    assert not runs, runs[:5]


def test_a_long_transcripts_line_is_a_moving_average_not_a_zigzag() -> None:
    data = edited(enriched_of(make_transcript(["What a wonderful success."] * 4)))
    seg = data["transcript"]["segments"][0]
    data["transcript"]["segments"] = [
        {**seg, "id": n, "start": n * 2.0, "end": n * 2.0 + 2,
         "sentiment": {"compound": 0.8, "label": "positive"} if n % 2 else {"compound": -0.8, "label": "negative"}}
        for n in range(400)
    ]  # fmt: skip
    page = Page(render_report(EnrichedTranscript.model_validate(data)))
    (trend,) = page.with_class("trend")
    heights = [int(pair.split()[1]) for pair in trend["d"][1:].split("L")]
    dots = sorted({float(d["cy"]) for d in page.with_class("dot")})
    assert len(heights) == 400 and len(dots) == 2  # every point is still drawn where it is
    middle = (dots[0] + dots[1]) / 2
    assert max(abs(h - middle) for h in heights[10:-10]) <= 0.1 * (dots[1] - dots[0])
    assert "moving average" in page.all_text


def test_times_read_as_clock_times_and_link_to_their_segment() -> None:
    enriched = enriched_of(make_transcript(["We start now.", "And we end an hour later."], seconds=1900.0))
    page = Page(render_report(enriched))
    times = page.with_class("time")
    assert [a["href"] for a in times] == ["#seg-0", "#seg-1"]
    assert "0:31:40" in page.all_text and clock(3800) == "1:03:20"


def test_a_transcript_without_timestamps_plots_segments_in_order() -> None:
    transcript = Transcript.from_plain_text("What a great day.\nThis is awful.\nFine.")
    html = render_report(enriched_of(transcript))
    page = Page(html)
    assert not page.all("a", **{"class": "time"}), "no times to copy"
    assert len(page.with_class("point")) == 3
    assert [float(d["cx"]) for d in page.with_class("dot")] == sorted(float(d["cx"]) for d in page.with_class("dot"))
    assert "no timestamps" in page.all_text


def test_speakers_and_recognition_warnings_show_only_when_the_transcript_has_them() -> None:
    plain = enriched_of(make_transcript(["Good morning everyone.", "Thanks, good morning."]))
    page = Page(render_report(plain))
    assert not page.with_class("speaker") and "Recognition warnings" not in page.all_text

    labelled = edited(plain)
    for segment, who in zip(labelled["transcript"]["segments"], ("S1", "S2"), strict=True):
        segment["speaker"] = who
    labelled["transcript"]["warnings"] = [
        {"code": "SPEECH_NOT_TRANSCRIBED", "start": 64.0, "end": 70.5, "message": "speech with no words"}
    ]
    labelled["transcript"]["speech_seconds"] = 200.0
    labelled["transcript"]["covered_seconds"] = 194.0
    page = Page(render_report(EnrichedTranscript.model_validate(labelled)))
    assert len(page.with_class("speaker")) == 2 and "S2 (1 segment)" in page.all_text
    assert "1:04–1:10: speech with no words" in page.all_text
    assert "97% (3 min 14 s of 3 min 20 s of speech)" in page.all_text


def test_each_speaker_s_talk_time_words_and_sentiment_are_in_the_header() -> None:
    data = edited(enriched_of(make_transcript(["This is awful.", "Glad to help, truly wonderful."])))
    for segment, who in zip(data["transcript"]["segments"], ("S1", "S2"), strict=True):
        segment["speaker"] = who
    data["speakers"] = [
        {"id": "S1", "talk_seconds": 95.0, "words": 3, "sentiment": {"compound": -0.47, "label": "negative"}},
        {"id": "S2", "talk_seconds": 4.0, "words": 4, "sentiment": {"compound": 0.8, "label": "positive"}},
    ]
    text = Page(render_report(EnrichedTranscript.model_validate(data))).all_text
    assert (
        "S1 (talks 1 min 35 s, 3 words, negative −0.47)" in text
        or "S1 (talks 1 min 35 s, 3 words, negative -0.47)" in text
    )
    assert "S2 (talks 4.0 s, 4 words, positive +0.80)" in text


def test_the_cost_section_is_there_only_with_a_cost() -> None:
    enriched = enriched_of(make_transcript(["Short and sweet."]))
    assert "Estimated AWS cost" not in Page(render_report(enriched)).all_text
    cost = {
        "currency": "USD", "region": "us-east-1", "prices_as_of": "2026-11-29", "total_usd": 0.0123, "complete": True,
        "lines": [{"item": "state_transitions", "quantity": 17, "unit": "transition", "unit_price": 0.000025,
                   "usd": 0.000425, "detail": ""}],
    }  # fmt: skip
    text = Page(render_report(enriched, ReportFacts(cost=cost))).all_text
    assert "Estimated AWS cost: $0.0123" in text and "17 transitions" in text and "$0.000025" in text


def test_mask_style_placeholders_still_say_what_they_hide() -> None:
    transcript = make_transcript(["Please call Bartholomew Quinteros tomorrow."])
    enriched = enrich_transcript(
        transcript,
        job_id="job-mask",
        source=Source(uri="call.wav", duration_seconds=4.0),
        config=EnrichmentConfig(placeholder_style="mask"),
    )
    page = Page(render_report(enriched))
    (mark,) = page.all("mark")
    assert mark["data-type"] == "PERSON" and "Bartholomew" not in page.all_text
    assert any(a.get("class") == "tag" for a in page.all("span"))


@pytest.mark.parametrize(
    "uri, name",
    [
        ("s3://bucket/uploads/team sync.mp4", "team sync.mp4"),
        ("/home/me/calls/2026-01-02 call.m4a", "2026-01-02 call.m4a"),
        ("C:\\Users\\me\\call.mp4", "call.mp4"),
        ("s3://bucket", "bucket"),
    ],
)
def test_the_source_name_is_the_file_name(uri: str, name: str) -> None:
    assert source_name(uri) == name


def test_a_segment_with_a_placeholder_keeps_its_exact_clean_text() -> None:
    transcript = Transcript(
        language="en", duration=6.0, model="m", engine="e",
        segments=(Segment(0, 0.0, 3.0, " Ask Bartholomew Quinteros."), Segment(1, 3.0, 6.0, " He knows.")),
    )  # fmt: skip
    enriched = enriched_of(transcript)
    page = Page(render_report(enriched))
    body = page.all_text
    for segment in enriched.transcript.segments:
        assert segment.text in body


def test_a_redacted_recording_is_played_from_each_segment_s_start_and_is_all_the_page_may_load() -> None:
    enriched = enriched_of(make_transcript(["Call Anna Berg on 555 0100.", "Thanks, bye.", "See you."], seconds=2.5))
    page = Page(render_report(enriched, ReportFacts(media="redacted.mp4")))
    (player,) = page.all("video", id="player")
    assert player["src"] == "redacted.mp4" and "controls" in player
    plays = page.with_class("play")
    assert [a["href"] for a in plays] == ["redacted.mp4#t=0.00", "redacted.mp4#t=2.50", "redacted.mp4#t=5.00"]
    assert [float(a["data-start"]) for a in plays] == [s.start for s in enriched.transcript.segments]
    (policy,) = [a["content"] for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["media-src"] == "'self'"
    sources = [a["src"] for _, a in page.tags if a.get("src")]
    assert sources == ["redacted.mp4"]  # the one relative link, nothing from elsewhere

    audio_only = Page(render_report(enriched, ReportFacts(media="redacted.m4a")))
    assert audio_only.all("audio", id="player") and not audio_only.all("video")

    without = render_report(enriched)
    assert "media-src" not in without and 'id="player"' not in without and 'class="play"' not in without


def test_a_transcript_without_times_links_the_recording_but_offers_no_seeking() -> None:
    transcript = Transcript(
        language="en", duration=0.0, model="m", engine="text",
        segments=(Segment(0, 0.0, 0.0, " Hello there."), Segment(1, 0.0, 0.0, " Bye.")),
    )  # fmt: skip
    page = Page(render_report(enriched_of(transcript), ReportFacts(media="redacted.wav")))
    assert page.all("audio", id="player") and not page.with_class("play")
