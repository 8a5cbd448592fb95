"""Chinese fonts for the generated documents, found through fontconfig.

Official documents use 方正小标宋 for titles, 黑体 for headings and 仿宋 for the body. Those are
commercial fonts that a server rarely has, so each role has a preference list ending in the free Noto
CJK fonts (Debian: fonts-noto-cjk); the first family installed on this machine is used. The PDF embeds
the chosen fonts; a .docx names them and the reader's word processor supplies them.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TITLE_FAMILIES = ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "黑体", "SimHei", "Noto Serif CJK SC")
HEADING_FAMILIES = ("黑体", "SimHei", "Noto Sans CJK SC")
BODY_FAMILIES = ("仿宋_GB2312", "仿宋", "FangSong", "方正仿宋_GBK", "Noto Serif CJK SC")
SANS_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei")
# Where Debian's fonts-noto-cjk puts the sans collection; face 2 of the collection is Simplified Chinese.
DEBIAN_SANS = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEBIAN_SANS_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
DEBIAN_SC_INDEX = 2


class ReportFontError(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    if shutil.which("fc-list") is None:
        return frozenset()
    output = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    families = set()
    for line in output.splitlines():
        families.update(name.strip() for name in line.split(",") if name.strip())
    return frozenset(families)


def pick_family(candidates: tuple[str, ...]) -> str:
    """The first installed family of ``candidates``; the last one (a Noto CJK face) if none is."""
    installed = installed_families()
    for family in candidates:
        if family in installed:
            return family
    return candidates[-1]


def css_stack(candidates: tuple[str, ...]) -> str:
    """A CSS font-family value naming only installed families, so the PDF does not depend on how
    fontconfig substitutes a missing one."""
    chosen = pick_family(candidates)
    return f'"{chosen}", "Noto Sans CJK SC", sans-serif'


@lru_cache(maxsize=4)
def sans_font_file(bold: bool = False) -> FontFile:
    """The file (and face index in a collection) of a CJK sans font, for drawing PNG charts."""
    if shutil.which("fc-match"):
        pattern = "Noto Sans CJK SC:bold" if bold else "Noto Sans CJK SC"
        result = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}|%{family}", pattern], capture_output=True, text=True, check=False
        ).stdout
        parts = result.split("|")
        if len(parts) == 3 and "CJK" in parts[2] and Path(parts[0]).exists():
            return FontFile(parts[0], int(parts[1] or 0))
    fallback = DEBIAN_SANS_BOLD if bold else DEBIAN_SANS
    if fallback.exists():
        return FontFile(str(fallback), DEBIAN_SC_INDEX)
    raise ReportFontError("未找到中文字体（Noto Sans CJK），请安装 Debian 软件包 fonts-noto-cjk")
