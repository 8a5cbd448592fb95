"""kesu.content.files and kesu.content.sanitising on real bytes and real attack strings."""

from __future__ import annotations

import hashlib
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.content.errors import ContentError
from kesu.content.files import check_upload, safe_name
from kesu.content.sanitising import clean_html


def png_bytes() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(
        b"IEND", b"")


SAMPLES = {
    "png": png_bytes(),
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40,
    "gif": b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20,
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 30,
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "mp4": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 20,
    "mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 20,
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + b"\x00" * 20,
    "mp3_id3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 20,
    "mp3_sync": b"\xff\xfb\x90\x64" + b"\x00" * 40,
    "m4a": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 8,
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 30,
    "ogg": b"OggS\x00\x02" + b"\x00" * 40,
}


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("kind, sample, mime", [
    ("image", "png", "image/png"), ("image", "jpeg", "image/jpeg"), ("image", "gif", "image/gif"),
    ("image", "webp", "image/webp"), ("poster", "pdf", "application/pdf"), ("poster", "png", "image/png"),
    ("video", "mp4", "video/mp4"), ("video", "mov", "video/quicktime"), ("video", "webm", "video/webm"),
    ("audio", "mp3_id3", "audio/mpeg"), ("audio", "mp3_sync", "audio/mpeg"), ("audio", "m4a", "audio/mp4"),
    ("audio", "wav", "audio/wav"), ("audio", "ogg", "audio/ogg"), ("article", "pdf", "application/pdf"),
])
def test_accepted_by_content(kind, sample, mime):
    data = SAMPLES[sample]
    file = upload("素材.bin", data)
    assert check_upload(kind, file) == ("素材.bin", mime)
    assert file.kesu_sha256 == hashlib.sha256(data).hexdigest()
    assert file.read(4) == data[:4]  # rewound for saving


def test_a_pdf_named_jpg_is_refused_naming_what_it_is():
    with pytest.raises(ContentError) as refused:
        check_upload("image", upload("x.jpg", SAMPLES["pdf"]))
    assert refused.value.message == "文件“x.jpg”的内容不是图片（实际为 PDF 文档）"


@pytest.mark.parametrize("kind, sample", [
    ("video", "wav"), ("audio", "mp4"), ("image", "pdf"), ("image", "webm"), ("article", "mp3_id3"),
])
def test_wrong_kinds_refused(kind, sample):
    with pytest.raises(ContentError):
        check_upload(kind, upload("a.bin", SAMPLES[sample]))


def test_scripts_and_executables_refused_whatever_their_name():
    with pytest.raises(ContentError, match="网页或脚本"):
        check_upload("poster", upload("海报.png", b"<html><script>alert(1)</script></html>"))
    with pytest.raises(ContentError, match="可执行程序"):
        check_upload("image", upload("a.gif", b"MZ\x90\x00" + b"\x00" * 60))


def test_empty_and_oversized(settings):
    with pytest.raises(ContentError, match="空文件"):
        check_upload("image", upload("a.png", b""))
    settings.KESU_CONTENT_MAX_BYTES = {**settings.KESU_CONTENT_MAX_BYTES, "image": 1024 * 1024}
    with pytest.raises(ContentError) as refused:
        check_upload("image", upload("big.png", SAMPLES["png"] + b"\x00" * (3 * 1024 * 1024)))
    assert "超过上限 1 MB" in refused.value.message and "big.png" in refused.value.message


def test_default_limits():
    from django.conf import settings

    assert settings.KESU_CONTENT_MAX_BYTES["video"] == 500 * 1024 * 1024
    assert settings.KESU_CONTENT_MAX_BYTES["image"] == 10 * 1024 * 1024


def test_safe_name():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\tmp\\海报;rm -rf.png") == "海报_rm -rf.png"
    assert safe_name(".htaccess") == "htaccess"


@pytest.mark.parametrize("dirty, clean", [
    ('<p onclick="steal()">防溺水<script>alert(1)</script></p>', "<p>防溺水</p>"),
    ('<a href="javascript:alert(document.cookie)">点我</a>', '<a rel="noopener noreferrer">点我</a>'),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<img src=x onerror=alert(1)>', '<img src="x">'),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "<img>"),
    ('<img src="//evil.example/x.png">', "<img>"),
    ('<svg><script>alert(1)</script></svg>', ""),
    ('<p style="position:fixed">x</p><iframe src="https://evil.example"></iframe>', "<p>x</p>"),
    ('<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', ""),
    ("<!-- <script>x</script> --><p>a</p>", "<p>a</p>"),
])
def test_attacks_are_stripped(dirty, clean):
    result = clean_html(dirty)
    assert result.replace("<table></table>", "") == clean
    assert "onerror" not in result and "script" not in result.lower() and "javascript" not in result.lower()


def test_article_markup_survives():
    html = ('<h2>要点</h2><p><strong>不</strong>私自<em>下水</em><u>游泳</u></p><ul><li>一</li></ul><ol><li>二</li></ol>'
            '<blockquote>引用</blockquote><figure><img src="/media/content/a.png" alt="图"><figcaption>说明'
            '</figcaption></figure><table><thead><tr><th>项</th></tr></thead><tbody><tr><td>值</td></tr></tbody>'
            '</table><hr><p>见<a href="https://www.example.cn/a">出处</a>或<a href="mailto:kx@example.cn">来信</a><br></p>')
    result = clean_html(html)
    for part in ("<h2>要点</h2>", "<strong>不</strong>", "<u>游泳</u>", "<blockquote>", '<img src="/media/content/a.png" alt="图">',
                 "<figcaption>", "<th>项</th>", "<hr>", 'href="https://www.example.cn/a" rel="noopener noreferrer"',
                 'href="mailto:kx@example.cn"'):
        assert part in result


def test_browser_bold_and_italic_are_kept_as_strong_and_em():

    assert clean_html('<p><b class="x">勤洗手</b><I>戴口罩</I></p>') == "<p><strong>勤洗手</strong><em>戴口罩</em></p>"
    # <br>, <blockquote> and <img> are not mistaken for <b> or <i>.
    assert clean_html("<blockquote>引</blockquote><br><img src=\"/a.png\">") == (
        '<blockquote>引</blockquote><br><img src="/a.png">'
    )
