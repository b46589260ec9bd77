"""States.Base64Encode and States.Base64Decode over the UTF-8 bytes of text."""

from __future__ import annotations

import base64
import binascii

from cloudflow.core.dataflow.intrinsics.invocation import Invocation
from cloudflow.core.dataflow.intrinsics.text_limits import MAX_TEXT_LENGTH, java_length

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# The lenient decoder also reads the URL-safe alphabet.
_SEXTETS = {ch: value for value, ch in enumerate(_ALPHABET)} | {"-": 62, "_": 63}


def base64_encode(call: Invocation) -> str:
    """States.Base64Encode(text): standard, padded Base64 of the text's UTF-8 bytes."""
    call.expect_count(1)
    text = call.string(0)
    if java_length(text) > MAX_TEXT_LENGTH:
        raise call.invalid()
    return base64.b64encode(text.encode("utf-8", "replace")).decode("ascii")


def base64_decode(call: Invocation) -> str:
    """States.Base64Decode(text): the decoded bytes read as UTF-8 (bad sequences become U+FFFD)."""
    call.expect_count(1)
    text = call.string(0)
    if java_length(text) > MAX_TEXT_LENGTH:
        raise call.invalid()
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raw = _lenient_decode(text)
    return raw.decode("utf-8", "replace")


def _lenient_decode(text: str) -> bytes:
    """Decode as AWS does for malformed input: skip non-alphabet characters, stop at the first
    `=`, and keep whatever whole bytes a short final group holds (AWS accepts 'abc', ' YQ== ')."""
    out = bytearray()
    bits = 0
    count = 0
    for ch in text:
        if ch == "=":
            break
        sextet = _SEXTETS.get(ch)
        if sextet is None:
            continue
        bits = (bits << 6) | sextet
        count += 1
        if count == 4:
            out += bits.to_bytes(3, "big")
            bits = 0
            count = 0
    if count == 2:
        out.append(bits >> 4)
    elif count == 3:
        out += (bits >> 2).to_bytes(2, "big")
    return bytes(out)
