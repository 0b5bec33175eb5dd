"""The privacy notice (告知) as data: ``notice.toml`` beside this module, with its version.

``current_notice()`` returns the parsed notice; ``NOTICE_VERSION`` is what a consent records."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

NOTICE_FILE = Path(__file__).with_name("notice.toml")


@lru_cache(maxsize=1)
def current_notice() -> dict:
    with NOTICE_FILE.open("rb") as fh:
        notice = tomllib.load(fh)
    notice["by_purpose"] = {s["purpose"]: s for s in notice.get("services", [])}
    return notice


def notice_version() -> str:
    return str(current_notice()["notice"]["version"])


def retention_days(key: str) -> int:
    """Days after a matter ends that its contact details are kept (``[retention]`` of the notice)."""
    return int(current_notice()["retention"][key])
