"""The speaker-labelling setting, one parser for every place that reads it.

``off`` (no speaker labels), ``auto`` (the number of speakers is found from the audio) or a whole
number from 1 to :data:`MAX_SPEAKERS` (that many speakers). The local CLI (``--speakers``,
``--no-speakers``, ``CLEARSCRIBE_SPEAKERS``), the CDK context key ``clearscribe:speakers`` and the
inference endpoint (``shared.contract.ENV_SPEAKERS``) all take these values.

:func:`anonymous_speakers` names speakers ``S1``, ``S2``, … by first appearance, never by name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from shared.models import Transcript

SPEAKERS_OFF = "off"
SPEAKERS_AUTO = "auto"
#: The default everywhere. Speaker labels become the default when they meet their targets on the speaker
#: corpus's test range (every channel: the right number of speakers on 95% of recordings, 90% of the speech
#: time to the right speaker; cost at most 10% of the ASR time); until then they are asked for, not paid
#: for by every job (docs/benchmarks.md, "Speaker diarization", says which targets are not met).
DEFAULT_SPEAKERS = SPEAKERS_OFF
#: The most speakers diarization tells apart (with ``auto`` it merges the closest voices beyond it).
MAX_SPEAKERS = 20


@dataclass(frozen=True)
class SpeakerSetting:
    """Whether to label speakers, and how many there are (``None``: found from the audio)."""

    enabled: bool
    count: int | None = None

    @classmethod
    def parse(cls, raw: object) -> SpeakerSetting:
        """``off``, ``auto`` or a whole number 1–20 (case and surrounding spaces ignored); anything
        else raises ``ValueError`` with a message that names the allowed values."""
        text = str(raw).strip().lower()
        if text == SPEAKERS_OFF:
            return cls(enabled=False)
        if text == SPEAKERS_AUTO:
            return cls(enabled=True)
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_SPEAKERS):
            raise ValueError(f"{raw!r} is not a speaker setting: use off, auto or a number from 1 to {MAX_SPEAKERS}")
        return cls(enabled=True, count=int(text))

    def __str__(self) -> str:
        if not self.enabled:
            return SPEAKERS_OFF
        return SPEAKERS_AUTO if self.count is None else str(self.count)


DEFAULT_SPEAKER_SETTING = SpeakerSetting.parse(DEFAULT_SPEAKERS)


def anonymous_speakers(transcript: Transcript) -> Transcript:
    """``transcript`` with its speakers named ``S1``, ``S2``, … in the order they first say a word,
    then (speakers with turns but no words) in the order of their first turn. Whatever labels it
    came with — a diarizer's numbers, or names in a transcript file — only which segments share a
    speaker is kept, so a label never carries a name."""
    names: dict[str, str] = {}
    spoken = [s.speaker for s in transcript.segments if s.speaker is not None and s.text.strip()]
    for label in spoken + [label for *_, label in transcript.speaker_turns or ()]:
        names.setdefault(label, f"S{len(names) + 1}")
    for segment in transcript.segments:  # a speaker on empty segments only
        if segment.speaker is not None:
            names.setdefault(segment.speaker, f"S{len(names) + 1}")
    if all(label == name for label, name in names.items()):
        return transcript
    return replace(
        transcript,
        segments=tuple(
            replace(s, speaker=None if s.speaker is None else names[s.speaker]) for s in transcript.segments
        ),
        speaker_turns=None
        if transcript.speaker_turns is None
        else tuple((start, end, names[label]) for start, end, label in transcript.speaker_turns),
    )
