"""The page served at ``/``, driven in a real headless browser (Debian's chromium + Playwright).

Skips with a message where Playwright, chromium, FastAPI or uvicorn is missing;
never downloads a browser.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _needs() -> None:
    pytest.importorskip("fastapi", reason="the page needs the serve extra (FastAPI)")
    pytest.importorskip("uvicorn", reason="the page needs the serve extra (uvicorn)")
    pytest.importorskip("playwright.sync_api", reason="Playwright (python) is not installed")
    if not (Path(CHROMIUM).is_file() or shutil.which("chromium")):
        pytest.skip(f"no chromium at {CHROMIUM}: apt-get install chromium to run the page test")


def serve_in_thread(directory: Path) -> tuple[Any, threading.Thread, str]:
    """Start `embedlab.deploy.serve`'s app for `directory` on a free port; (server, thread, url)."""
    import uvicorn

    from embedlab.deploy.serve.app import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(directory), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.1)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def server_url(saved_classifier_dir: Path) -> Iterator[str]:
    _needs()
    server, thread, url = serve_in_thread(saved_classifier_dir)
    yield url
    server.should_exit = True
    thread.join(timeout=30)


def classify_on_page(url: str, text: str, screenshot: Path) -> dict[str, Any]:
    """Load the page, type `text`, classify, read label/tokens back, save a screenshot."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 700})
            page.goto(url + "/")
            page.fill("#texts", text)
            page.click("#classify")
            page.wait_for_selector(".result .tokens")
            result = {
                "label": page.inner_text(".result .label"),
                "shown_text": page.inner_text(".result .muted"),
                "tokens": page.eval_on_selector_all(
                    ".result .token",
                    "nodes => nodes.map(n => [n.textContent, n.className, "
                    "Number(n.dataset.contribution || 0)])",
                ),
                "pwned": page.evaluate("() => window.pwned === 1"),
                "script_nodes": page.eval_on_selector_all("#results script", "n => n.length"),
            }
            page.fill("#word", "good")
            page.click("#lookup")
            page.wait_for_selector("#neighbours table")
            result["neighbours"] = page.eval_on_selector_all(
                "#neighbours table tr td:first-child", "nodes => nodes.map(n => n.textContent)"
            )
            page.screenshot(path=str(screenshot), full_page=True)
            page.fill("#word", "<img src=x onerror=window.pwned=1>")
            page.click("#lookup")
            page.wait_for_selector("#neighbours p")
            result["missing"] = page.inner_text("#neighbours p")
            result["pwned"] = result["pwned"] or page.evaluate("() => window.pwned === 1")
        finally:
            browser.close()
    return result


def test_page_classifies_explains_and_escapes(
    server_url: str, saved_classifier_dir: Path, tmp_path: Path
) -> None:
    from embedlab.classify.classifier import TextClassifier
    from embedlab.inspect.explain import explain

    text = "<script>window.pwned = 1</script> a wonderful superb film zzzunknown"
    shot = tmp_path / "page.png"
    seen = classify_on_page(server_url, text, shot)

    clf = TextClassifier.load(saved_classifier_dir)
    assert seen["label"] == clf.predict([text])[0]
    # escaped: shown as typed, never run, no script element made
    assert seen["shown_text"] == text
    assert seen["pwned"] is False
    assert seen["script_nodes"] == 0
    expected = explain(clf, [text])[0]
    assert [t[0] for t in seen["tokens"]] == [t.token for t in expected.tokens]
    assert [("unknown" not in t[1]) for t in seen["tokens"]] == [t.known for t in expected.tokens]
    for (_, _, shown), want in zip(seen["tokens"], expected.tokens, strict=True):
        assert shown == pytest.approx(want.contribution, abs=1e-3)
    assert "good" not in seen["neighbours"] and len(seen["neighbours"]) == 8
    assert seen["missing"].endswith("not in the vocabulary")
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:4] == b"\x89PNG"


if __name__ == "__main__":  # make the README screenshot: python tests/test_page.py RUN OUT.png TEXT
    import sys

    _server, _thread, _url = serve_in_thread(Path(sys.argv[1]))
    print(classify_on_page(_url, sys.argv[3], Path(sys.argv[2])))
    _server.should_exit = True
