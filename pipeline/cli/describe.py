"""What the ``clearscribe`` command line prints about a job: its record, its summary, its cost."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pipeline.outputs.formatting import clock, duration_text, usd
from postprocess.document import SpeakerStats, Summary
from shared.jobstore import JobRecord


def one_line(text: str) -> str:
    """``text`` with control characters and line separators escaped, so a message stays one line
    whatever file name or argument it quotes."""
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


def describe_summary(summary: Summary | None) -> list[str]:
    """The summary's lines (indented), as ``run`` and ``show`` print them."""
    if summary is None:
        return []
    pii_text = ", ".join(f"{k} {v}" for k, v in sorted(summary.pii_counts.items())) or "none"
    sentiment = summary.sentiment
    lines = [
        f"  audio:      {summary.duration_seconds:.1f} s, {summary.words} words",
        f"  PII:        {pii_text}",
        f"  profanity:  {summary.profanity_count}",
        f"  sentiment:  {sentiment.label} ({sentiment.compound:+.2f})",
    ]
    if summary.speech_seconds:
        covered = summary.covered_seconds or 0
        lines.append(f"  speech:     {summary.speech_seconds:.1f} s detected, {covered:.1f} s of it with words")
    if summary.speakers is not None:
        lines += describe_speakers(summary.speakers)
    for warning in summary.warnings or ():
        span = f"{clock(warning.start)}–{clock(warning.end)}"
        lines.append(one_line(f"  WARNING:    {span} {warning.code}: {warning.message}"))
    return lines


def describe_speakers(speakers: Sequence[SpeakerStats]) -> list[str]:
    """One line per speaker: talk time (and its share), words, sentiment."""
    if not speakers:
        return ["  speakers:   none found"]
    total = sum(s.talk_seconds for s in speakers)
    lines = [f"  speakers:   {len(speakers)}"]
    for speaker in speakers:
        share = f" ({speaker.talk_seconds / total:.0%})" if total else ""
        lines.append(
            one_line(
                f"    {speaker.id:<4} talks {duration_text(speaker.talk_seconds)}{share}, {speaker.words} words, "
                f"sentiment {speaker.sentiment.label} ({speaker.sentiment.compound:+.2f})"
            )
        )
    return lines


def describe_cost(cost: Mapping[str, Any]) -> list[str]:
    """A cloud job's estimated cost (``CostEstimate.to_dict()``): the total, then one line per item."""
    scope = "" if cost.get("complete") else " for the priced items (some have no confirmed price)"
    lines = [
        f"estimated cost: {usd(cost.get('total_usd', 0.0))}{scope}, {cost.get('region')} list prices of "
        f"{cost.get('prices_as_of')}"
    ]
    for line in cost.get("lines") or []:
        price = "no confirmed price" if line.get("usd") is None else usd(line["usd"])
        lines.append(f"  {line.get('item', '?'):<18} {line.get('quantity', 0):>12,} {line.get('unit', '')}s  {price}")
    return lines


def stage_seconds(times: Mapping[str, str]) -> float | None:
    """How long a finished stage took."""
    try:
        started, ended = (datetime.fromisoformat(times[k].replace("Z", "+00:00")) for k in ("started_at", "ended_at"))
    except (KeyError, ValueError):
        return None
    return max(0.0, (ended - started).total_seconds())


def describe_record(record: JobRecord) -> list[str]:
    """What ``clearscribe show`` prints: status, stages and their times, summary, cost, outputs."""
    lines = [
        f"job:     {record.job_id} (attempt {record.attempt})",
        f"status:  {record.status.value}",
        f"source:  {record.source}",
        f"created: {record.created_at}   updated: {record.updated_at}",
    ]
    if record.owner and not record.status.is_terminal:
        seen = f", last seen {record.heartbeat_at}" if record.heartbeat_at else ""
        lines.append(f"running: {record.owner}{seen}")
    if record.error:
        lines.append(f"error:   {record.error['code']}: {record.error['message']}")
    if record.last_rerun:
        error = record.last_rerun.get("error") or {}
        lines.append(
            f"re-run:  attempt {record.last_rerun.get('attempt')} FAILED at {record.last_rerun.get('at')}: "
            f"{error.get('code')}: {error.get('message')} (this result is from the attempt before)"
        )
    lines.append("stages:")
    for stage, times in record.stages.items():
        took = stage_seconds(times)
        took_text = f"  ({duration_text(took)})" if took is not None else ""
        lines.append(f"  {stage:<13} {times.get('started_at', '')} → {times.get('ended_at', '…')}{took_text}")
    summary = Summary.from_record(record.summary, where=f"job {record.job_id}") if record.summary else None
    if summary is not None:
        lines.append("summary:")
        lines += describe_summary(summary)
        if summary.estimated_cost:
            lines += describe_cost(summary.estimated_cost)
    if record.outputs:
        lines.append("outputs:")
        lines += [f"  {fmt:<4} {uri}" for fmt, uri in record.outputs.items()]
    return lines
