"""States.Hash: a hex digest of text, with the five algorithms Step Functions names."""

from __future__ import annotations

import hashlib

from cloudflow.core.dataflow.intrinsics.invocation import Invocation
from cloudflow.core.dataflow.intrinsics.java_text import java_string
from cloudflow.core.dataflow.intrinsics.text_limits import MAX_TEXT_LENGTH, java_length

# Only these exact spellings are accepted: not "sha-256", "SHA256" or "MD-5".
_ALGORITHMS = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


def hash_text(call: Invocation) -> str:
    """States.Hash(data, algorithm): the lowercase hex digest of the data's UTF-8 bytes."""
    call.expect_count(2)
    algorithm = _ALGORITHMS.get(call.string(1))
    if algorithm is None:
        raise call.invalid()
    # AWS hashes a number or object too, through its Java text form, rather than refusing it.
    data = java_string(call.args[0])
    if java_length(data) > MAX_TEXT_LENGTH:
        raise call.invalid()
    return hashlib.new(algorithm, data.encode("utf-8", "replace")).hexdigest()
