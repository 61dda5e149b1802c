"""Downloads against an HTTP server the test starts on 127.0.0.1; never the real network."""

import dataclasses
import hashlib
import io
import logging
import re
import threading
import urllib.request
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from typer.testing import CliRunner

from embedlab.cli import app
from embedlab.errors import VectorFileError
from embedlab.vectors import KNOWN_VECTORS, VectorSource, load_vectors
from embedlab.vectors import download as dl
from embedlab.vectors.download import DownloadError, download, downloads_dir


@dataclass
class ServerState:
    """What the handler serves, how it misbehaves, and the requests it saw."""

    files: dict[str, bytes] = field(default_factory=dict)
    break_after: int | None = None  # first GET sends only this many body bytes
    ignore_range: bool = False
    requests: list[tuple[str, str | None]] = field(default_factory=list)


class RangeHandler(BaseHTTPRequestHandler):
    """GET with ``Range: bytes=N-`` support (206 / 416), optional breakage."""

    timeout = 5  # bounded: a stuck client cannot hold a server thread

    def do_GET(self):  # noqa: N802 - http.server's name
        state: ServerState = self.server.state
        rng = self.headers.get("Range")
        state.requests.append((self.path, rng))
        body = state.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        if rng and not state.ignore_range:
            start = int(re.fullmatch(r"bytes=(\d+)-", rng)[1])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        payload = body[start:]
        if state.break_after is not None:
            payload = payload[: state.break_after]
            state.break_after = None  # only the first answer breaks off
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
    httpd.state = ServerState()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(dl, "RETRY_DELAY_S", 0.0)
    return tmp_path / "home"


def glove_text(n: int = 300, dim: int = 8, seed: int = 0) -> tuple[bytes, list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n)]
    matrix = rng.standard_normal((n, dim)).astype(np.float32)
    lines = [f"{w} {' '.join(map(str, row))}\n" for w, row in zip(words, matrix, strict=True)]
    return "".join(lines).encode(), words, matrix


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_full_download_verified_by_sha256(server, home):
    body, _, _ = glove_text()
    server.state.files["/v.txt"] = body
    sha = hashlib.sha256(body).hexdigest()
    path = download(f"{server.base}/v.txt", sha256=sha, size=len(body))
    assert path == home / "downloads" / "v.txt"
    assert path.read_bytes() == body
    assert sorted(p.name for p in path.parent.iterdir()) == ["v.txt"]  # no .part left
    # Already there: no second request.
    assert download(f"{server.base}/v.txt", sha256=sha) == path
    assert len(server.state.requests) == 1


def test_full_download_verified_by_md5(server, home, caplog):
    body, _, _ = glove_text()
    server.state.files["/v.txt"] = body
    md5 = hashlib.md5(body).hexdigest()  # reference computed here, from the bytes served
    path = download(f"{server.base}/v.txt", md5=md5.upper(), size=len(body))
    assert path.read_bytes() == body
    assert sorted(p.name for p in path.parent.iterdir()) == ["v.txt"]
    assert "only its size" not in caplog.text  # the content was verified


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
def test_wrong_checksum_leaves_nothing_in_the_cache(server, home, algorithm):
    body, _, _ = glove_text()
    server.state.files["/v.txt"] = body
    reference = hashlib.new(algorithm, body).hexdigest()  # from the bytes served
    wrong = "0" * len(reference)
    with pytest.raises(DownloadError) as info:
        download(f"{server.base}/v.txt", **{algorithm: wrong})
    message = str(info.value)
    assert message.startswith(f"{server.base}/v.txt: the downloaded file is not the expected")
    assert f"expected {algorithm} {wrong}, found {reference}" in message
    assert "It was deleted; download it again" in message
    assert list((home / "downloads").iterdir()) == []


def test_md5_and_sha256_both_checked(server, home):
    body, _, _ = glove_text()
    server.state.files["/v.txt"] = body
    sha = hashlib.sha256(body).hexdigest()
    with pytest.raises(DownloadError, match="expected md5 f{32}, found"):
        download(f"{server.base}/v.txt", sha256=sha, md5="f" * 32)
    assert list((home / "downloads").iterdir()) == []
    path = download(f"{server.base}/v.txt", sha256=sha, md5=hashlib.md5(body).hexdigest())
    assert path.read_bytes() == body


def test_resume_after_broken_connection_is_byte_identical(server, caplog):
    body, _, _ = glove_text()
    server.state.files["/v.txt"] = body
    server.state.break_after = 5000
    path = download(
        f"{server.base}/v.txt",
        sha256=hashlib.sha256(body).hexdigest(),
        md5=hashlib.md5(body).hexdigest(),
    )
    assert path.read_bytes() == body
    assert server.state.requests == [("/v.txt", None), ("/v.txt", "bytes=5000-")]
    assert "connection closed after 5,000" in caplog.text


def test_part_left_by_an_earlier_run_is_resumed(server, home):
    body, _, _ = glove_text()
    server.state.files["/v.txt"] = body
    (home / "downloads").mkdir(parents=True)
    (home / "downloads" / "v.txt.part").write_bytes(body[:1234])
    path = download(f"{server.base}/v.txt", md5=hashlib.md5(body).hexdigest())
    assert path.read_bytes() == body
    assert server.state.requests == [("/v.txt", "bytes=1234-")]


@pytest.mark.parametrize("extra", [0, 7], ids=["complete", "longer-than-the-file"])
def test_part_answered_416_is_kept_if_complete_else_restarted(server, home, extra):
    body, _, _ = glove_text()
    server.state.files["/v.txt"] = body
    (home / "downloads").mkdir(parents=True)
    (home / "downloads" / "v.txt.part").write_bytes(body + b"x" * extra)
    path = download(f"{server.base}/v.txt", sha256=hashlib.sha256(body).hexdigest())
    assert path.read_bytes() == body
    ranges = [rng for _, rng in server.state.requests]
    assert ranges == ([f"bytes={len(body)}-"] if not extra else [f"bytes={len(body) + 7}-", None])


def test_server_ignoring_range_restarts_from_zero(server, caplog):
    body, _, _ = glove_text()
    server.state.files["/v.txt"] = body
    server.state.break_after = 5000
    server.state.ignore_range = True
    path = download(f"{server.base}/v.txt", md5=hashlib.md5(body).hexdigest())
    assert path.read_bytes() == body  # not the first 5000 bytes twice
    assert server.state.requests == [("/v.txt", None), ("/v.txt", "bytes=5000-")]
    assert "ignored the request to resume" in caplog.text


def test_wrong_size_is_refused_before_downloading(server, home):
    server.state.files["/v.txt"] = b"x" * 100
    with pytest.raises(DownloadError, match="has 100 bytes but 99 were expected"):
        download(f"{server.base}/v.txt", size=99)
    assert list((home / "downloads").iterdir()) == []


def test_unknown_checksum_logs_the_computed_sha256(server, caplog):
    body = b"a 1 2\n"
    server.state.files["/v.txt"] = body
    download(f"{server.base}/v.txt")
    assert hashlib.sha256(body).hexdigest() in caplog.text
    assert "only its size (6 bytes) was checked" in caplog.text


def test_http_404_names_the_url(server, home):
    url = f"{server.base}/missing.txt"
    with pytest.raises(DownloadError, match=re.escape(url) + ": HTTP 404"):
        download(url)
    assert len(server.state.requests) == 1  # a 404 is not retried
    assert not (home / "downloads" / "missing.txt").exists()


def test_connection_that_keeps_breaking_gives_up_after_bounded_retries(home, monkeypatch):
    calls = []

    def always_reset(*args, **kwargs):
        calls.append(args)
        raise ConnectionResetError("reset by peer")

    monkeypatch.setattr(urllib.request, "urlopen", always_reset)
    with pytest.raises(DownloadError, match="download failed after 2 retries .*reset by peer"):
        download("http://127.0.0.1:9/v.txt", retries=2)
    assert len(calls) == 3
    assert not (home / "downloads" / "v.txt").exists()


def test_argument_validation():
    with pytest.raises(ValueError, match="64 hex digits"):
        download("http://127.0.0.1/v.txt", sha256="abc")
    with pytest.raises(ValueError, match="32 hex digits"):
        download("http://127.0.0.1/v.txt", md5="abc")
    with pytest.raises(ValueError, match="32 hex digits"):
        download("http://127.0.0.1/v.txt", md5=hashlib.sha256(b"").hexdigest())
    with pytest.raises(ValueError, match="only http:// and https://"):
        download("ftp://127.0.0.1/v.txt")
    with pytest.raises(VectorFileError, match="Known names: .*glove-840B-300d"):
        download("glove-840B-301d")


@pytest.fixture
def test_catalogue(monkeypatch, server):
    """Two entries sharing one zip, like glove.6B.zip, served by the local server."""
    members = {}
    for dim in (4, 6):
        members[f"tiny.{dim}d.txt"], _, _ = glove_text(50, dim, seed=dim)
    server.state.files["/tiny.zip"] = zipped(members)
    for dim in (4, 6):
        source = VectorSource(
            f"tiny-{dim}d",
            "test vectors",
            dim=dim,
            n_words=50,
            source="test",
            url=f"{server.base}/tiny.zip",
            filename=f"tiny.{dim}d.txt",
            archive="tiny.zip",
        )
        monkeypatch.setitem(KNOWN_VECTORS, source.name, source)
    return members


def test_named_zip_member_is_extracted_and_the_shared_archive_kept(server, test_catalogue, home):
    path = download("tiny-4d")
    assert path == downloads_dir() / "tiny.4d.txt"
    assert path.read_bytes() == test_catalogue["tiny.4d.txt"]
    assert sorted(p.name for p in path.parent.iterdir()) == ["tiny.4d.txt", "tiny.zip"]
    vectors = load_vectors("tiny-4d")
    assert (len(vectors), vectors.dim) == (50, 4)
    # The sibling unpacks from the kept archive: no second request.
    vectors = load_vectors("tiny-6d", download=True)
    assert (len(vectors), vectors.dim) == (50, 6)
    assert len(server.state.requests) == 1


def test_catalogue_md5_is_verified(server, test_catalogue, home, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger=dl.__name__)
    archive = server.state.files["/tiny.zip"]
    for name in ("tiny-4d", "tiny-6d"):
        entry = dataclasses.replace(
            KNOWN_VECTORS[name], md5=hashlib.md5(archive).hexdigest(), size=len(archive)
        )
        monkeypatch.setitem(KNOWN_VECTORS, name, entry)
    path = download("tiny-4d")
    assert path.read_bytes() == test_catalogue["tiny.4d.txt"]
    assert "only its size" not in caplog.text
    assert hashlib.sha256(archive).hexdigest() in caplog.text  # logged, to be recorded


def test_catalogue_md5_mismatch_deletes_the_download(server, test_catalogue, home, monkeypatch):
    archive = server.state.files["/tiny.zip"]
    wrong = hashlib.md5(archive + b"x").hexdigest()
    entry = dataclasses.replace(KNOWN_VECTORS["tiny-4d"], md5=wrong)
    monkeypatch.setitem(KNOWN_VECTORS, "tiny-4d", entry)
    with pytest.raises(DownloadError) as info:
        download("tiny-4d")
    message = str(info.value)
    assert f"{server.base}/tiny.zip: the downloaded file is not the expected one" in message
    assert f"expected md5 {wrong}, found {hashlib.md5(archive).hexdigest()}" in message
    assert list(downloads_dir().iterdir()) == []  # neither the zip, its .part nor a member


def test_archive_used_by_one_entry_is_deleted_after_unpacking(server, test_catalogue, home):
    del KNOWN_VECTORS["tiny-6d"]
    download("tiny-4d")
    assert sorted(p.name for p in downloads_dir().iterdir()) == ["tiny.4d.txt"]


def test_loading_a_name_not_downloaded_prints_the_command_and_downloads_nothing(home, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("load_vectors must not download without download=True")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(VectorFileError) as info:
        load_vectors("glove-6B-100d", vocab=["movie"])
    message = str(info.value)
    assert "embedlab vectors download glove-6B-100d" in message
    assert "download=True" in message and "https://nlp.stanford.edu/data/glove.6B.zip" in message
    assert not home.exists() or not any(home.rglob("*"))


def test_recorded_size_refuses_a_mirror_serving_another_file(server, home):
    """The real entry glove-6B-100d records glove.6B.zip's size: a different file is refused."""
    assert KNOWN_VECTORS["glove-6B-100d"].size == 862_182_613
    server.state.files["/mirror/glove.6B.zip"] = zipped({"glove.6B.100d.txt": b"a 1 2\n"})
    with pytest.raises(DownloadError, match="bytes but 862,182,613 were expected"):
        download("glove-6B-100d", url=f"{server.base}/mirror/glove.6B.zip")
    assert list((home / "downloads").iterdir()) == []


def test_cli_download_from_a_mirror_then_load_by_name(server, home, monkeypatch):
    """The catalogue entry glove-6B-100d, with --url pointing at the local server.

    The entries' recorded size and md5 are those of the real glove.6B.zip, so
    here they are replaced by the test archive's (computed from its bytes).
    """
    members = {f"glove.6B.{d}d.txt": glove_text(20, d, seed=d)[0] for d in (50, 100, 200, 300)}
    archive = zipped(members)
    server.state.files["/mirror/glove.6B.zip"] = archive
    for d in (50, 100, 200, 300):
        entry = dataclasses.replace(
            KNOWN_VECTORS[f"glove-6B-{d}d"], size=len(archive), md5=hashlib.md5(archive).hexdigest()
        )
        monkeypatch.setitem(KNOWN_VECTORS, entry.name, entry)
    result = CliRunner().invoke(
        app, ["vectors", "download", "glove-6B-100d", "--url", f"{server.base}/mirror/glove.6B.zip"]
    )
    assert result.exit_code == 0, result.output
    path = home / "downloads" / "glove.6B.100d.txt"
    assert str(path) in result.output
    assert path.read_bytes() == members["glove.6B.100d.txt"]
    assert (home / "downloads" / "glove.6B.zip").is_file()  # shared by the other dims
    vectors = load_vectors("glove-6B-100d")
    assert (len(vectors), vectors.dim) == (20, 100)


def test_cli_download_url_into_dir_and_404(server, tmp_path):
    server.state.files["/v.txt"] = b"a 1 2\n"
    runner = CliRunner()
    result = runner.invoke(
        app, ["vectors", "download", f"{server.base}/v.txt", "--dir", str(tmp_path / "d")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d" / "v.txt").read_bytes() == b"a 1 2\n"
    result = runner.invoke(app, ["vectors", "download", f"{server.base}/nope.txt"])
    assert isinstance(result.exception, DownloadError)
    assert f"{server.base}/nope.txt: HTTP 404" in str(result.exception)


def test_classifier_passes_download_on(home, monkeypatch):
    from embedlab import pipeline

    seen = {}

    def fake_load(path_or_name, **kwargs):
        seen.update(kwargs)
        raise VectorFileError("stop here")

    monkeypatch.setattr("embedlab.vectors.load_vectors", fake_load)
    clf = pipeline.TrainOptions(
        mode="rand", vectors="glove-6B-100d", download_vectors=True
    ).classifier()
    with pytest.raises(VectorFileError, match="stop here"):
        clf._vectors_dim()
    assert seen["download"] is True


def test_list_says_where_each_set_is(server, test_catalogue, capsys):
    from embedlab.cli.vectors import vectors_list

    download("tiny-4d")
    vectors_list()
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["glove-6B-50d"].endswith("offline (package)")
    assert lines["tiny-4d"].endswith("downloaded")
    assert lines["glove-840B-300d"].endswith("to download (~2,177 MB)")


def test_catalogue_checksums_and_sizes_are_well_formed():
    recorded = 0
    for name, source in KNOWN_VECTORS.items():
        assert source.md5 is None or re.fullmatch(r"[0-9a-f]{32}", source.md5), name
        assert source.sha256 is None or re.fullmatch(r"[0-9a-f]{64}", source.sha256), name
        assert source.size is None or (type(source.size) is int and source.size > 0), name
        if source.size is not None and source.approx_mb is not None:
            assert abs(source.size / 1e6 - source.approx_mb) < 1, name
        recorded += source.md5 is not None
        # Entries that download the same archive must agree on what it is.
        for other in KNOWN_VECTORS.values():
            if other.download_name == source.download_name and source.url:
                same = (other.url, other.size, other.md5, other.sha256)
                assert same == (source.url, source.size, source.md5, source.sha256), name
    assert recorded >= 3


@pytest.mark.parametrize(
    ("field_name", "value", "message"),
    [
        ("md5", "abc", "`md5` must be 32 hex digits"),
        ("md5", "g" * 32, "`md5` must be 32 hex digits"),
        ("md5", "0" * 64, "`md5` must be 32 hex digits"),
        ("sha256", "0" * 32, "`sha256` must be 64 hex digits"),
        ("size", 0, "`size` must be a positive integer"),
    ],
)
def test_vector_source_validates_checksums(field_name, value, message):
    with pytest.raises(ValueError, match=message):
        VectorSource("x", "test", dim=2, n_words=1, source="test", **{field_name: value})


def test_vector_source_stores_checksums_lower_case():
    source = VectorSource("x", "test", dim=2, n_words=1, source="test", md5="AB" * 16)
    assert source.md5 == "ab" * 16
