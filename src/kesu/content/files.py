"""What a content upload really is: judged by its first bytes, never by its name, so a renamed
script or archive cannot pass as a poster."""

from __future__ import annotations

import hashlib
import os
import re

from django.conf import settings

from kesu.content.errors import ContentError

HEAD_BYTES = 64

# kind of content → the file kinds it accepts
ACCEPTED = {
    "image": ("jpeg", "png", "gif", "webp"),
    "poster": ("jpeg", "png", "gif", "webp", "pdf"),
    "video": ("mp4", "mov", "webm"),
    "audio": ("mp3", "m4a", "wav", "ogg"),
    "article": ("jpeg", "png", "gif", "webp", "pdf"),
}
MIME = {
    "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp", "pdf": "application/pdf",
    "mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "mp3": "audio/mpeg", "m4a": "audio/mp4",
    "wav": "audio/wav", "ogg": "audio/ogg",
}
DESCRIPTION = {
    "jpeg": "JPEG 图片", "png": "PNG 图片", "gif": "GIF 图片", "webp": "WebP 图片", "pdf": "PDF 文档",
    "mp4": "MP4 视频", "mov": "MOV 视频", "webm": "WebM 视频", "mp3": "MP3 音频", "m4a": "M4A 音频",
    "wav": "WAV 音频", "ogg": "OGG 音频", "zip": "ZIP 压缩包（或 Office 文档）", "exe": "可执行程序",
    "html": "网页或脚本文本", None: "无法识别的格式",
}
KIND_WORDS = {
    "image": "图片", "poster": "图片或 PDF 文档",
    "video": "视频（MP4、MOV、WebM）", "audio": "音频（MP3、M4A、WAV、OGG）", "article": "图片或 PDF 附件",
}
VIDEO_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VP", b"dash", b"3gp4", b"3gp5"}


def sniff(head: bytes) -> str | None:
    """The file kind that `head` (the first bytes) shows, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "m4a"
        if brand == b"qt  ":
            return "mov"
        if brand in VIDEO_BRANDS:
            return "mp4"
        return None
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        return "exe"
    if head.lstrip()[:1] == b"<":
        return "html"
    return None


def safe_name(name: str) -> str:
    """The base name without path parts or characters that mean something to a file system or a shell."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = re.sub(r"[\x00-\x1f<>:\"/\\|?*;&$`']", "_", base).lstrip(".")
    return base[:150] or "file"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def check_upload(kind: str, upload) -> tuple[str, str]:
    """(safe name, MIME type) of `upload` for content of `kind`; refuses empty, too large or wrong
    files with a ContentError naming the file. Leaves the upload rewound, and its SHA-256 (computed
    in chunks) on `upload.kesu_sha256`."""
    name = safe_name(getattr(upload, "name", ""))
    size = upload.size or 0
    if size == 0:
        raise ContentError(f"文件“{name}”是空文件", field="upload")
    limit = settings.KESU_CONTENT_MAX_BYTES.get(kind, settings.KESU_CONTENT_MAX_BYTES["article"])
    if size > limit:
        raise ContentError(f"文件“{name}”大小为 {_megabytes(size)}，超过上限 {_megabytes(limit)}", field="upload")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    found = sniff(head)
    if found not in ACCEPTED.get(kind, ()):
        wanted = KIND_WORDS.get(kind, "允许的格式")
        raise ContentError(
            f"文件“{name}”的内容不是{wanted}（实际为 {DESCRIPTION.get(found, DESCRIPTION[None])}）", field="upload"
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload.kesu_sha256 = digest.hexdigest()
    return name, MIME[found]
