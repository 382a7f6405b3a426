"""What MediaConvert accepts in job and job template settings, as documented.

Two sources:

* The MediaConvert API model botocore ships: every member of ``Settings`` must exist in its
  shape, enums must be one of their values, numbers within their ``min``/``max``.
* The "AAC output reference tables" of the MediaConvert User Guide
  (https://docs.aws.amazon.com/mediaconvert/latest/ug/aac-support.html), section "CBR Bitrate
  control mode": the bit rates allowed for each profile, coding mode and sample rate. Transcribed
  below for profile LC, coding mode 1.0 (every sample rate) and 2.0 (8 to 44.1 kHz). A CBR
  combination outside what is transcribed is reported as one this check cannot judge, never
  passed silently.

Problems are reported the way MediaConvert words its validation errors: the JSON path of the
offending object in the request's own (camelCase) names, then what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

AAC_TABLE_URL = "https://docs.aws.amazon.com/mediaconvert/latest/ug/aac-support.html"

_LC_1_0_LOW = (8000, 10000, 12000, 14000)
_LC_1_0_32K = (32000, 40000, 48000, 56000, 64000, 80000, 96000, 112000, 128000, 160000, 192000)
_LC_1_0_44K = (56000, 64000, 80000, 96000, 112000, 128000, 160000, 192000, 224000, 256000)
_LC_2_0_32K = (40000, 48000, 56000, 64000, 80000, 96000, 112000, 128000, 160000, 192000, 224000, 256000, 288000,
               320000, 384000)  # fmt: skip
_LC_2_0_44K = (64000, 80000, 96000, 112000, 128000, 160000, 192000, 224000, 256000, 288000, 320000, 384000, 448000,
               512000)  # fmt: skip
#: (profile, coding mode, sample rate) -> the bit rates MediaConvert accepts with CBR (bit/s).
AAC_CBR_BITRATES: dict[tuple[str, str, int], tuple[int, ...]] = {
    ("LC", "CODING_MODE_1_0", 8000): _LC_1_0_LOW,
    ("LC", "CODING_MODE_1_0", 12000): _LC_1_0_LOW,
    ("LC", "CODING_MODE_1_0", 16000): (8000, 10000, 12000, 14000, 16000, 20000, 24000, 28000),
    ("LC", "CODING_MODE_1_0", 22050): (24000, 28000),
    ("LC", "CODING_MODE_1_0", 24000): (24000, 28000),
    ("LC", "CODING_MODE_1_0", 32000): _LC_1_0_32K,
    ("LC", "CODING_MODE_1_0", 44100): _LC_1_0_44K,
    ("LC", "CODING_MODE_1_0", 48000): (*_LC_1_0_44K, 288000),
    ("LC", "CODING_MODE_1_0", 88200): (288000,),
    ("LC", "CODING_MODE_1_0", 96000): (128000, 160000, 192000, 224000, 256000, 288000),
    ("LC", "CODING_MODE_2_0", 8000): (16000, 20000),
    ("LC", "CODING_MODE_2_0", 12000): (16000, 20000),
    ("LC", "CODING_MODE_2_0", 16000): (16000, 20000, 24000, 28000, 32000),
    ("LC", "CODING_MODE_2_0", 22050): (32000,),
    ("LC", "CODING_MODE_2_0", 24000): (32000,),
    ("LC", "CODING_MODE_2_0", 32000): _LC_2_0_32K,
    ("LC", "CODING_MODE_2_0", 44100): _LC_2_0_44K,
}
#: Coding modes whose whole rows are transcribed (a missing sample rate there is invalid).
_TRANSCRIBED_MODES = {("LC", "CODING_MODE_1_0")}
#: Defaults MediaConvert documents for AacSettings members left out.
AAC_DEFAULTS = {"CodecProfile": "LC", "CodingMode": "CODING_MODE_2_0", "RateControlMode": "CBR", "SampleRate": 48000}


def aac_cbr_problem(aac: Mapping[str, Any]) -> str | None:
    """Why MediaConvert rejects these CBR ``AacSettings`` (None when the table allows them).
    Raises ``LookupError`` for combinations the transcribed table does not cover."""
    settings = {**AAC_DEFAULTS, **aac}
    if settings["RateControlMode"] != "CBR":
        raise LookupError("only the CBR table is transcribed")
    profile, mode, rate = settings["CodecProfile"], settings["CodingMode"], settings["SampleRate"]
    bitrate = settings.get("Bitrate")
    allowed = AAC_CBR_BITRATES.get((profile, mode, rate))
    if allowed is None:
        if (profile, mode) in _TRANSCRIBED_MODES:
            return f"sample rate {rate} is not valid for profile {profile} and coding mode {mode}"
        raise LookupError(f"profile {profile}, coding mode {mode} at {rate} Hz is not transcribed")
    if bitrate is None:
        return f"Bitrate is required with CBR (valid for sample rate {rate}: {', '.join(map(str, allowed))})"
    if bitrate not in allowed:
        return (
            f"Bitrate [{bitrate}] is not valid for profile {profile}, coding mode {mode} and sample rate {rate} "
            f"with CBR; valid values: {', '.join(map(str, allowed))}"
        )
    return None


@cache
def _service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("mediaconvert")


def settings_shape(name: str = "JobSettings") -> Any:
    """A shape of the MediaConvert API model (``JobSettings``, ``JobTemplateSettings`` …)."""
    return _service_model().shape_for(name)


def wire_name(member_name: str, member: Any) -> str:
    """The member's name on the wire (camelCase)."""
    return str(member.serialization.get("name", member_name))


def shape_problems(shape: Any, value: Any, path: str = "") -> list[str]:
    """Every way ``value`` breaks ``shape`` of the API model (unknown members, types, enums,
    minimum and maximum), each as ``<path>: <problem>``."""
    where = path or "/"
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, Mapping):
            return [f"{where}: expected an object"]
        problems = []
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                problems.append(f"{where}: unknown member {name}")
                continue
            problems += shape_problems(member, item, f"{path}/{wire_name(name, member)}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: expected an array"]
        return [p for i, item in enumerate(value) for p in shape_problems(shape.member, item, f"{path}/{i}")]
    if kind == "map":
        if not isinstance(value, Mapping):
            return [f"{where}: expected an object"]
        return [p for key, item in value.items() for p in shape_problems(shape.value, item, f"{path}/{key}")]
    rules = shape.metadata
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string"]
        enum = shape.enum
        if enum and value not in enum:
            return [f"{where}: [{value}] is not one of {', '.join(enum)}"]
        return []
    if kind in ("integer", "long", "double", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [f"{where}: expected a number"]
        if "min" in rules and value < rules["min"]:
            return [f"{where}: [{value}] is below the minimum {rules['min']}"]
        if "max" in rules and value > rules["max"]:
            return [f"{where}: [{value}] is above the maximum {rules['max']}"]
        return []
    if kind == "boolean" and not isinstance(value, bool):
        return [f"{where}: expected true or false"]
    return []


def settings_problems(settings: Mapping[str, Any], shape_name: str = "JobSettings") -> list[str]:
    """What MediaConvert would reject in ``Settings`` (API model, then the AAC table)."""
    shape = settings_shape(shape_name)
    problems = shape_problems(shape, settings)
    for g, group in enumerate(settings.get("OutputGroups") or []):
        for o, output in enumerate(group.get("Outputs") or []):
            for a, audio in enumerate(output.get("AudioDescriptions") or []):
                codec = audio.get("CodecSettings") or {}
                if codec.get("Codec") != "AAC":
                    continue
                path = f"/outputGroups/{g}/outputs/{o}/audioDescriptions/{a}/codecSettings/aacSettings"
                try:
                    problem = aac_cbr_problem(codec.get("AacSettings") or {})
                except LookupError as exc:
                    problem = f"sandbox: cannot check this AAC combination against {AAC_TABLE_URL} ({exc})"
                if problem:
                    problems.append(f"{path}: {problem}")
    return problems
