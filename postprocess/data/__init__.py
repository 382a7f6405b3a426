"""Data the PII engine loads once: its rules, and (as rows, not code) how recognition mishears cues."""
