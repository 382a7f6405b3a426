"""The recordings the sandbox tests upload: spoken scripts in different voices, with PII and
profanity — one of them several transcription windows long — and the inputs AWS must turn away."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.support.scripts import Script
from tests.support.speech import make_speech_video, make_video_without_audio

#: Read by a male voice at 150 words a minute.
PLANNING = Script(
    "Hello and welcome to the weekly planning call for the mobile team. "
    "My name is {PERSON:Margaret Wilson} and I run the release process. "
    "You can email me at {EMAIL_ADDRESS:margaret dot wilson at example dot com}. "
    "My phone number is {PHONE_NUMBER:five five five, three one four, two seven six eight}."
    "\n\n"
    "I am really happy with the progress. The team did an excellent job and I love the new screens."
    "\n\n"
    "The crash on Friday was terrible, and honestly the rollback was a {PROFANITY:shit} show. "
    "That is everything for today, and the final word of this call is pineapple."
)
#: Read by a female voice at 165 words a minute.
SUPPORT_REVIEW = Script(
    "Good afternoon everyone, this is the support review for the northern region. "
    "I am {PERSON:Daniel Brooks} and I look after the escalations desk. "
    "If anything comes up, call me on {PHONE_NUMBER:seven seven zero, four eight one, nine two three six}."
    "\n\n"
    "The customer from Leeds was furious, and frankly the old billing portal is {PROFANITY:crap}. "
    "Still, the new release fixed most of the complaints and people are delighted."
    "\n\n"
    "Please send the summary to {EMAIL_ADDRESS:daniel dot brooks at example dot com} before Thursday. "
    "That is all for today, and the last word of this review is lighthouse."
)


#: Read by a slower male voice for about two and a quarter minutes: three windows of the sandbox's 60 s.
ALL_HANDS = Script(
    "Welcome to the quarterly all hands. I am {PERSON:Theodore Lambert} from the finance office, "
    "and I will walk you through the numbers before we open the floor for questions."
    "\n\n"
    "Revenue grew in every region this quarter. The northern stores did especially well, "
    "the online shop doubled its orders, and the new loyalty scheme brought back many old customers. "
    "Costs went up a little because of the warehouse move, but we expect them to settle next year."
    "\n\n"
    "Hiring went slower than planned. We filled eleven of the twenty open roles, "
    "and the rest will be advertised again in January. If you know someone good, "
    "write to {EMAIL_ADDRESS:theodore dot lambert at example dot com} with their details."
    "\n\n"
    "The office move itself was a {PROFANITY:damn} nightmare, and I want to thank the facilities team "
    "for working through two weekends. The new building is bright, quiet and close to the station."
    "\n\n"
    "A word on security. Please lock your screen when you leave your desk, never share your badge, "
    "and report anything odd to the help desk at once. Last month somebody left a laptop on the train, "
    "and it took three days to replace it and reset every account that was on it. "
    "The training course takes twenty minutes and everyone must finish it before the end of the month."
    "\n\n"
    "Next quarter we will launch the mobile app, open two more stores and review the travel policy. "
    "Questions can go to my desk line on {PHONE_NUMBER:six one seven, two nine zero, four four five one}. "
    "That is the end of the update, and the closing word of this meeting is harbour."
)


@dataclass(frozen=True)
class Spoken:
    name: str
    script: Script
    voice: str
    words_per_minute: int


SPOKEN = (
    Spoken("weekly planning.mp4", PLANNING, "en-us", 150),
    Spoken("support review (northern region).mov", SUPPORT_REVIEW, "en+f3", 165),
    Spoken("quarterly all hands.mp4", ALL_HANDS, "en-us", 120),
)
#: The one several windows long.
LONG = SPOKEN[2]


def make_recordings(folder: Path) -> dict[str, Path]:
    """The spoken recordings and the unwanted inputs, by name."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {s.name: make_speech_video(s.script.spoken, folder / s.name, voice=s.voice,
                                      words_per_minute=s.words_per_minute) for s in SPOKEN}  # fmt: skip
    text = folder / "meeting notes.mp4"
    text.write_text("Agenda: budget, hiring, the launch date. This is a text file, not a video.\n", encoding="utf-8")
    empty = folder / "empty upload.mp4"
    empty.write_bytes(b"")
    unsupported = folder / "minutes.docx"
    unsupported.write_bytes(b"PK\x03\x04 not a recording")
    made.update(
        {
            "text": text,
            "no audio": make_video_without_audio(folder / "screen capture without sound.mp4"),
            "empty": empty,
            "unsupported": unsupported,
        }
    )
    return made
