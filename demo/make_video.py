"""Make the demo recording: demo/script.txt spoken by espeak-ng, muxed into an mp4 with video."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support.speech import make_speech_video

SCRIPT = Path(__file__).with_name("script.txt")


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(".demo/quarterly-review.mp4")
    if not out.exists():
        make_speech_video(SCRIPT.read_text(encoding="utf-8"), out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
