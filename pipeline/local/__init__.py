"""The local pipeline: the runner, media probing and extraction with ffmpeg, terminal progress, re-enrichment."""
