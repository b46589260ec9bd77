"""`cloudflow console`: the console of a deployed stack, through a signing proxy on 127.0.0.1.

API Gateway refuses unsigned requests (IAM authorization) and a browser cannot sign them, so, like
`kubectl proxy`, a local server takes the browser's requests and forwards each one (method, path, query,
body, the headers that carry meaning) to the stack's API, signed with SigV4 for `execute-api` by the CLI's
own signer (`connect()`), and hands the answer back. The page calls the API with relative URLs, so the
proxy's root stands for the API's base URL, stage included: `/console` is `.../v1/console`.

The proxy lends your AWS identity to whoever can reach it. It listens on 127.0.0.1 only, answers only
requests naming it by a loopback Host (no DNS rebinding) and refuses requests another site's page sends
(an `Origin` other than its own, `Sec-Fetch-Site: cross-site`).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_to_bytes

from cloudflow.cli_api.client import DEFAULT_TIMEOUT_SECONDS, ApiError, Signer
from cloudflow.cli_api.commands import EXIT_FAILED, EXIT_OK, Subparsers, add_target_options, report_error
from cloudflow.cli_api.connection import Target, connect

DEFAULT_PORT = 8766
LOOPBACK = "127.0.0.1"
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit

# From the browser, only what the API reads; never its cookies, Origin, Authorization or X-Amz-* headers.
FORWARDED_REQUEST_HEADERS = ("Accept", "Accept-Language", "Content-Type", "If-Match", "If-None-Match",
                             "If-Modified-Since", "If-Unmodified-Since")
# From the API, everything but what belongs to one connection (RFC 9110 section 7.6.1) and the length,
# which the proxy sets for the body it sends.
_UNRESERVED = "-_.~"  # with letters and digits, what SigV4 leaves unencoded
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "content-length"}


@dataclass(frozen=True)
class Upstream:
    """The API the proxy forwards to: its base URL (stage included) and the signer of its requests."""

    endpoint: str
    signer: Signer | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @classmethod
    def from_target(cls, target: Target, session: Any = None) -> Upstream:
        """The API `target` names, signed as the CLI signs it (see `connect`).

        Raises:
            ApiError: the stack or its Output cannot be found, or AWS credentials or a region are missing.
        """
        client = connect(target, session)
        return cls(client.endpoint, client.signer, client.timeout)


@dataclass(frozen=True)
class Answer:
    """What the proxy sends back to the browser."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @classmethod
    def error(cls, status: int, name: str, message: str) -> Answer:
        """An error document shaped as the API's own (`{"error", "message"}`), so the console shows it."""
        body = json.dumps({"error": name, "message": message}).encode("utf-8")
        return cls(status, [("Content-Type", "application/json")], body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects go back to the browser: following one would resend a signature made for another URL."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)  # environment proxies (HTTPS_PROXY) still apply


def canonical_target(target: str) -> str:
    """`target` (a path and query as the browser sent it) with every path segment, query key and value
    percent-encoded as SigV4 encodes them: the signature is then computed over what API Gateway recomputes
    it from. A browser leaves `*`, `(`, `!`... as they are and writes a space in a query as `+`."""
    path, mark, query = target.partition("?")
    segments = [quote(unquote_to_bytes(segment.encode("latin-1")), safe=_UNRESERVED) for segment in path.split("/")]
    # A '.' or '..' that came encoded stays a name, not a step up.
    path = "/".join(segment.replace(".", "%2E") if segment in (".", "..") else segment for segment in segments)
    if not mark:
        return path
    pairs = parse_qsl(query, keep_blank_values=True, encoding="latin-1")
    return path + "?" + "&".join(f"{quote(key, safe=_UNRESERVED, encoding='latin-1')}="
                                 f"{quote(value, safe=_UNRESERVED, encoding='latin-1')}" for key, value in pairs)


def forward(upstream: Upstream, method: str, target: str, headers: Mapping[str, str], body: bytes,
            proxy_origin: str) -> Answer:
    """The API's answer to one request (`target`: the path and query the browser asked for), or an error
    document naming why there is none (502 unreachable, 504 no answer in time, 500 signing failed)."""
    url = upstream.endpoint + canonical_target(target)
    sent = {name: headers[name] for name in FORWARDED_REQUEST_HEADERS if name in headers}
    if upstream.signer is not None:
        try:
            sent = upstream.signer(method, url, sent, body)
        except Exception as failed:  # botocore's, e.g. expired SSO credentials that cannot be refreshed
            return Answer.error(500, "SigningFailed", f"cannot sign the request with your AWS credentials: "
                                                      f"{type(failed).__name__}: {failed}")
    # No body, no data: urllib would give an empty one a form content type; http.client sends its length.
    request = urllib.request.Request(url, data=body or None, headers=sent, method=method)
    try:
        with _opener.open(request, timeout=upstream.timeout) as response:
            return _answer(response.status, response.headers, response.read(), upstream.endpoint, proxy_origin)
    except urllib.error.HTTPError as refused:  # a 3xx, 4xx or 5xx: the API's answer all the same
        with refused:
            return _answer(refused.code, refused.headers, refused.read(), upstream.endpoint, proxy_origin)
    except (urllib.error.URLError, OSError) as unreachable:
        reason = getattr(unreachable, "reason", unreachable)  # a URLError wraps what failed (TimeoutError...)
        if isinstance(reason, TimeoutError):
            return Answer.error(504, "UpstreamTimeout", f"{upstream.endpoint} did not answer {method} "
                                                        f"{target.split('?')[0]} within {upstream.timeout:g} s")
        return Answer.error(502, "UpstreamUnreachable", f"cannot reach {upstream.endpoint}: {reason}")


def _answer(status: int, headers: Message, body: bytes, endpoint: str, proxy_origin: str) -> Answer:
    kept = []
    for name, value in headers.items():
        if name.lower() in _HOP_BY_HOP:
            continue
        if name.lower() == "location" and value.startswith(endpoint):  # an absolute URL of the API: ours
            value = proxy_origin + value[len(endpoint):]
        kept.append((name, value))
    return Answer(status, kept, body)


class ConsoleProxyServer(ThreadingHTTPServer):
    """The proxy's HTTP server: one thread per request, as the console fetches several at once."""

    daemon_threads = True

    def __init__(self, upstream: Upstream, host: str = LOOPBACK, port: int = DEFAULT_PORT,
                 log: Callable[[str], None] | None = None) -> None:
        super().__init__((host, port), _ProxyHandler)
        self.upstream = upstream
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.port = int(self.server_address[1])
        self.origin = f"http://{host}:{self.port}"
        # Names a browser on this machine reaches the proxy by; anything else is another site's (rebinding).
        self.hosts = {f"{name}:{self.port}" for name in (host, LOOPBACK, "localhost")}

    @property
    def console_url(self) -> str:
        """The console's page through the proxy."""
        return f"{self.origin}/console"


class _ProxyHandler(BaseHTTPRequestHandler):
    server: ConsoleProxyServer

    def do_GET(self) -> None:
        self._proxy()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _proxy(self) -> None:
        refused = self._refusal()
        if refused is not None:
            self._send(refused)
            return
        if self.path == "/":  # the API has no root; the page is what a person opening the proxy wants
            self._send(Answer(302, [("Location", "/console")], b""))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES or "Transfer-Encoding" in self.headers:
            self._send(Answer.error(413 if length > MAX_BODY_BYTES else 400, "InvalidRequest",
                                    f"send a body of at most {MAX_BODY_BYTES} bytes with its Content-Length"))
            return
        body = self.rfile.read(length) if length else b""
        headers = {name: self.headers[name] for name in FORWARDED_REQUEST_HEADERS if name in self.headers}
        answer = forward(self.server.upstream, self.command, self.path, headers, body, self.server.origin)
        if answer.status in (401, 403) or answer.status >= 500:
            # IAM's refusals (no execute-api:Invoke, expired credentials) and our own failures: say so here too.
            self.server.log(f"cloudflow console: {self.command} {self.path.split('?')[0]} -> {answer.status} "
                            f"{answer.body[:200].decode('utf-8', errors='replace')}")
        self._send(answer)

    def _refusal(self) -> Answer | None:
        if not self.path.startswith("/"):
            return Answer.error(400, "InvalidRequest", "the console proxy takes paths, not absolute URLs")
        if self.headers.get("Host") not in self.server.hosts:
            return Answer.error(403, "ForbiddenHost", f"the console proxy answers only at {self.server.origin}")
        origin = self.headers.get("Origin")
        if (origin is not None and origin.removeprefix("http://") not in self.server.hosts) or \
                self.headers.get("Sec-Fetch-Site") == "cross-site":
            return Answer.error(403, "ForbiddenOrigin", "the console proxy signs only its own page's requests")
        return None

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if self.command != "HEAD" and answer.status not in (204, 304):
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: `_proxy` reports what needs the user's attention."""


def proxy_in_background(upstream: Upstream, host: str = LOOPBACK, port: int = 0,
                        log: Callable[[str], None] | None = None) -> tuple[ConsoleProxyServer, Callable[[], None]]:
    """Start the proxy on a thread; returns its server and a function that stops it."""
    server = ConsoleProxyServer(upstream, host, port, log)
    thread = threading.Thread(target=server.serve_forever, name="cloudflow-console-proxy", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return server, stop


def _command_console(args: argparse.Namespace) -> int:
    try:
        upstream = Upstream.from_target(Target.chosen(args.endpoint, args.stack_name, args.region, args.profile))
    except ApiError as error:
        report_error(error, as_json=False)
        return error.exit_status
    try:
        server = ConsoleProxyServer(upstream, LOOPBACK, args.port)
    except OSError as failed:
        print(f"error: cannot listen on {LOOPBACK}:{args.port}: {failed.strerror or failed} "
              "(choose another --port)", file=sys.stderr)
        return EXIT_FAILED
    signed = "signed with your AWS credentials" if upstream.signer is not None else "unsigned"
    print(f"CloudFlow console on {server.console_url}  (requests go to {upstream.endpoint}, {signed}). "
          "Ctrl-C stops it.", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(server.console_url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def add_console_command(sub: Subparsers) -> None:
    """Register `cloudflow console` on the `cloudflow` subparsers."""
    description = ("serve a stack's console on 127.0.0.1, forwarding the browser's requests to its API signed "
                   "with your AWS credentials (SigV4)")
    parser: argparse.ArgumentParser = sub.add_parser("console", help=description, description=description)
    add_target_options(parser)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to listen on, on {LOOPBACK} only (default {DEFAULT_PORT}; 0 picks one)")
    parser.add_argument("--open", action="store_true", help="open the console in your web browser")
    parser.set_defaults(handler=_command_console)
