"""Plain text and Markdown (.txt, .md, .markdown): finding the encoding and refusing binary data."""

from __future__ import annotations

import codecs
import unicodedata
from typing import TYPE_CHECKING

from kesu.plans.errors import PlanParseError

if TYPE_CHECKING:
    from pathlib import Path

SUFFIXES = (".txt", ".md", ".markdown")

# A decoded "text" with more than this share of control or private-use characters is binary data
# that happened to decode.
_MAX_CONTROL_SHARE = 0.01


def read(path: Path) -> str:
    return decode_text(path.read_bytes(), str(path))


def decode_text(data: bytes, source: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (covers GBK)."""
    if not data.strip():
        raise PlanParseError(source, "文件为空 / the file is empty")
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = _try_decode(data[len(codecs.BOM_UTF8) :], "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows Notepad's "Unicode" is UTF-16 with a BOM; its NUL bytes are not binary data.
        text = _try_decode(data, "utf-16")
    elif b"\x00" in data:
        raise PlanParseError(source, "不是文本文件（含二进制内容） / not a text file (binary content)")
    else:
        text = _try_decode(data, "utf-8")
        if text is None:
            text = _try_decode(data, "gb18030")
    if text is None:
        raise PlanParseError(
            source,
            "无法识别文字编码（既不是 UTF-8 也不是 GB18030/GBK） / "
            "unknown text encoding (neither UTF-8 nor GB18030/GBK)",
        )
    if _looks_binary(text):
        raise PlanParseError(source, "不是文本文件（含二进制内容） / not a text file (binary content)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    suspicious = sum(
        1
        for ch in text
        if (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\t\n\r\f\v") or ch == "\ufffd"
    )
    return suspicious > _MAX_CONTROL_SHARE * len(text)
