"""The words of addresses that the address and the postcode detectors both read: street types, and
US states by name and by code (data in ``postprocess/pii/data``)."""

from __future__ import annotations

from postprocess.pii.core.words import phrases

#: A street type, as written out or abbreviated ("Street", "rd.").
STREET_TYPE = (
    r"(?i:(?:street|road|avenue|lane|drive|boulevard|way|court|place|terrace|close|crescent|parkway|highway|"
    r"square|row|mews|gardens|grove|hill|heights|view|walk|park|rise|green|parade|vale|wharf|yard|circle|loop|"
    r"trail|alley|plaza|quay|esplanade|promenade|broadway|causeway|embankment|drove|chase)\b"
    r"|(?:st|rd|ave|ln|dr|blvd|ct|pl|pkwy|hwy|sq)\b\.?)"
)
#: Alternations of the US states' names and their two-letter codes.
US_STATES = "|".join(phrases("us_states"))
US_STATE_CODES = "|".join(phrases("us_state_codes"))
