"""Bytes of a text file (.txt, .md, .html) → str: the encoding guess, and refusing binary content.

Owns the encoding rules (UTF-16 with a BOM, UTF-8 with or without one, else clean cp1252) and the
control-character test that tells binary bytes from text. Raises LoadError with a short plain reason.
"""

from __future__ import annotations

import codecs
import re

from citecare.errors import LoadError

ENCODING_ERROR = "not valid text (encoding)"
BINARY_ERROR = "binary file, not text"

# Shares of control characters above which decoded bytes are judged binary / a wrong guess of cp1252.
_BINARY_CONTROL_SHARE = 0.05
_CP1252_CONTROL_SHARE = 0.01

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# UTF-8 encodings of accented Latin letters and of curly quotes/dashes: seen in bytes that are not UTF-8,
# they mean a file mixing encodings, which cp1252 would turn into mojibake ("cafÃ©").
_UTF8_TRACE_RE = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2\x80[\x93-\x9d]")


def decode_text(raw: bytes) -> str:
    """Decode the bytes of a text file: UTF-16 with a BOM, UTF-8 (BOM or not), else clean cp1252.

    Raises:
        LoadError: binary content (NUL bytes, mostly control characters) or no encoding that fits.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict_decode(raw, "utf-16")
    elif b"\x00" in raw:
        raise LoadError(BINARY_ERROR)
    else:
        try:
            # utf-8-sig reads plain UTF-8 too, and drops a leading BOM.
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _decode_cp1252(raw)
    if _control_share(text) > _BINARY_CONTROL_SHARE:
        raise LoadError(BINARY_ERROR)
    return text


def _strict_decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise LoadError(ENCODING_ERROR) from exc


def _decode_cp1252(raw: bytes) -> str:
    text = _strict_decode(raw, "cp1252")
    if _UTF8_TRACE_RE.search(raw):
        raise LoadError(f"{ENCODING_ERROR}: mixes UTF-8 with another encoding")
    if _control_share(text) > _CP1252_CONTROL_SHARE:
        raise LoadError(ENCODING_ERROR)
    return text


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    return len(CONTROL_RE.findall(text)) / len(text)
