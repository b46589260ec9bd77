"""The console's routes: its page, its static files, and a definition-to-ASL conversion for the graph.

    GET  /console                 index.html (``/console/`` redirects here, so relative URLs resolve)
    GET  /console/static/{path}   console.js, console.css, vendor/... with their content types
    POST /console/asl             ``{"definition": text}`` -> ``{"format", "definition": ASL object}``

The page calls the management API with relative URLs (``flows``, ``executions/{arn}``...), so it works at
the root of the local stack and under an API Gateway stage (``/v1/console``) alike. None of these routes is
part of the OpenAPI document.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

from cloudflow.errors import InvalidInputError

STATIC_ROOT = Path(__file__).resolve().parent / "static"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".md": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}

# The page loads only its own files and talks only to its own API; nothing inline, nothing evaluated.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

MAX_DEFINITION_CHARS = 1_048_576  # what Step Functions accepts for a definition, and then some


@dataclass(frozen=True)
class StaticFile:
    """A file of the console, read once per version on disk."""

    body: str
    content_type: str
    etag: str


_REGISTERED = "_cloudflow_console_registered"
_cache: dict[Path, tuple[int, int, StaticFile]] = {}


def static_file(parts: list[str]) -> StaticFile | None:
    """The file at `parts` (URL path segments, possibly percent-encoded) under the static folder, or None
    when there is none: a segment that is empty, '.', '..' or hidden, a separator inside a segment, an
    unknown extension or anything resolving outside the folder is no file."""
    names = [unquote(part) for part in parts]
    if not names or any(not name or name.startswith(".") or "/" in name or "\\" in name or "\x00" in name
                        for name in names):
        return None
    path = STATIC_ROOT.joinpath(*names)
    content_type = CONTENT_TYPES.get(path.suffix.lower())
    if content_type is None:
        return None
    try:
        resolved = path.resolve(strict=True)
        if not resolved.is_relative_to(STATIC_ROOT) or not resolved.is_file():
            return None
        stat = resolved.stat()
        cached = _cache.get(resolved)
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        data = resolved.read_bytes()
    except OSError:
        return None
    found = StaticFile(body=data.decode("utf-8"), content_type=content_type,
                       etag='"' + hashlib.sha256(data).hexdigest()[:32] + '"')
    _cache[resolved] = (stat.st_mtime_ns, stat.st_size, found)
    return found


def _not_found(app: APIGatewayRestResolver) -> Response[Any]:
    event = app.current_event
    return Response(status_code=404, content_type=content_types.APPLICATION_JSON,
                    body=json.dumps({"error": "UnknownOperation",
                                     "message": f"No operation {event.http_method} {event.path}."}),
                    headers=dict(SECURITY_HEADERS))


def _serve(app: APIGatewayRestResolver, parts: list[str]) -> Response[Any]:
    found = static_file(parts)
    if found is None:
        return _not_found(app)
    headers = {**SECURITY_HEADERS, "ETag": found.etag, "Cache-Control": "no-cache"}
    if app.current_event.headers.get("If-None-Match") == found.etag:
        return Response(status_code=304, headers=headers, body="")
    return Response(status_code=200, content_type=found.content_type, body=found.body, headers=headers)


def to_asl_document(text: Any) -> dict[str, Any]:
    """The ASL object a stored definition (JSON or YAML text; ASL, CloudFlow or FDL) stands for.

    Raises:
        InvalidInputError: `text` is not a string.
        InvalidDefinitionError: the text does not parse, or does not convert.
    """
    # Imported here: the console's page routes need none of the engine.
    from cloudflow.asl.loader import parse_definition_text
    from cloudflow.errors import InvalidDefinitionError
    from cloudflow.formats import detect_format, to_asl

    if not isinstance(text, str) or len(text) > MAX_DEFINITION_CHARS:
        raise InvalidInputError("definition", f"must be the definition's text (at most {MAX_DEFINITION_CHARS} "
                                              "characters)")
    document = parse_definition_text(text)
    found = detect_format(document)
    converted, problems = to_asl(document)
    if problems:
        raise InvalidDefinitionError(problems)
    if not isinstance(converted, dict):
        raise InvalidInputError("definition", "is not a definition object")
    return {"format": found, "definition": converted}


def register_console(app: APIGatewayRestResolver) -> None:
    """Add the console's routes to `app` (left out of its OpenAPI document); once per resolver."""
    if getattr(app, _REGISTERED, False):
        return
    setattr(app, _REGISTERED, True)

    @app.get("/console", include_in_schema=False)
    def console_page() -> Response[Any]:
        if app.current_event.path.endswith("/"):  # relative URLs need the page at .../console
            return Response(status_code=302, headers={**SECURITY_HEADERS, "Location": "../console"}, body="")
        return _serve(app, ["index.html"])

    @app.get("/console/static/<name>", include_in_schema=False)
    def console_file(name: str) -> Response[Any]:
        return _serve(app, [name])

    @app.get("/console/static/<folder>/<name>", include_in_schema=False)
    def console_nested_file(folder: str, name: str) -> Response[Any]:
        return _serve(app, [folder, name])

    @app.post("/console/asl", include_in_schema=False)
    def console_asl() -> Response[Any]:
        try:
            body = app.current_event.json_body
        except ValueError:  # malformed JSON (json.JSONDecodeError is a ValueError)
            raise InvalidInputError("body", "is not valid JSON") from None
        text = body.get("definition") if isinstance(body, dict) else None
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON,
                        body=json.dumps(to_asl_document(text), separators=(",", ":")))
