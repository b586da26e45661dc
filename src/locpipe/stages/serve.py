"""``locpipe serve``: the built site on 127.0.0.1, rebuilt and reloaded on save.

A translator saves a ``.po`` and sees the German page change; a syntax error in
the file being edited shows on the page and in the terminal, and the server
keeps running until the file is fixed.
"""

from __future__ import annotations

import json
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from watchfiles import watch

from ..errors import LocpipeError
from ..project.paths import load_site, template_dirs
from ..report import format_error
from .build import build

STATE_PATH = "/__locpipe__/state"
RELOAD_SCRIPT = b"""<script>
(function () {
  var seen = null;
  function poll() {
    fetch("%s").then(function (r) { return r.json(); }).then(function (state) {
      if (seen !== null && state.version !== seen) { location.reload(); return; }
      seen = state.version;
      var box = document.getElementById("locpipe-error");
      if (state.error) {
        if (!box) { box = document.createElement("pre"); box.id = "locpipe-error";
          box.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;padding:1em;background:#b00020;color:#fff;white-space:pre-wrap;z-index:99999";
          document.body.appendChild(box); }
        box.textContent = state.error;
      } else if (box) { box.remove(); }
    }).catch(function () {}).then(function () { setTimeout(poll, 700); });
  }
  poll();
})();
</script>
""" % STATE_PATH.encode()


class BuildState:
    """What the pages poll: a version bumped by every rebuild, and the last error."""

    def __init__(self) -> None:
        self.version = 0
        self.error: str | None = None
        self.lock = threading.Lock()

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"version": self.version, "error": self.error}).encode()

    def record(self, error: str | None) -> None:
        with self.lock:
            self.version += 1
            self.error = error


def rebuild(root: Path, state: BuildState) -> None:
    try:
        result = build(load_site(root))
    except LocpipeError as exc:
        message = format_error(exc)
        print(message, file=sys.stderr, flush=True)
        state.record(message)
        return
    print(f"rebuilt in {result.seconds:.2f} s ({len(result.written)} file(s) changed)", flush=True)
    state.record(None)


class Handler(SimpleHTTPRequestHandler):
    state: BuildState

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows rebuilds and errors
        pass

    def do_GET(self) -> None:
        if self.path.split("?")[0] == STATE_PATH:
            self._send(200, "application/json", self.state.as_json())
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            body = path.read_bytes()
            marker = body.rfind(b"</body>")
            body = body[:marker] + RELOAD_SCRIPT + body[marker:] if marker >= 0 else body + RELOAD_SCRIPT
            self._send(200, "text/html; charset=utf-8", body)
            return
        super().do_GET()

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def watched_paths(root: Path) -> list[Path]:
    paths = [root / "content", root / "locales", root / "site.yaml", *template_dirs(root)]
    return [path for path in paths if path.exists()]


def serve(root: Path, port: int = 8000, stop: threading.Event | None = None) -> None:
    state = BuildState()
    rebuild(root, state)
    (root / "build").mkdir(exist_ok=True)
    handler = partial(type("BoundHandler", (Handler,), {"state": state}), directory=str(root / "build"))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(
        f"serving build/ on http://127.0.0.1:{server.server_port}/ (Ctrl-C stops); watching content/, locales/, site.yaml and the templates",
        flush=True,
    )
    stop = stop or threading.Event()
    try:
        for _changes in watch(*watched_paths(root), stop_event=stop, debounce=200, step=50):
            rebuild(root, state)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
