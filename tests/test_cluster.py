"""Batch prediction on a Dask cluster the test starts: one load per worker, same rows as local."""

import json

import pytest

from conftest import make_sentiment
from embedlab.deploy.batch import predict_file
from embedlab.errors import DataError

distributed = pytest.importorskip("distributed")

from embedlab.deploy.cluster import predict_file_dask, worker_loads  # noqa: E402


@pytest.fixture(scope="module")
def client():
    # Two in-process workers keep the test fast (no second Python to start);
    # the code path (plugin, partitions, futures) is the one a real cluster runs.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_cluster_rows_equal_local_rows_one_load_per_worker(tmp_path, saved_classifier_dir, client):
    texts, _ = make_sentiment(900, seed=21)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    second.write_text("\n".join(json.dumps({"text": t}) for t in texts[:50]) + "\n")

    result = predict_file_dask(
        saved_classifier_dir,
        [first, second],
        out=tmp_path / "cluster.jsonl",
        scheduler=client,
        blocksize=4096,
        in_flight=3,
    )
    local_a = predict_file(saved_classifier_dir, first, out=tmp_path / "a.out", progress=False)
    local_b = predict_file(saved_classifier_dir, second, out=tmp_path / "b.out", progress=False)

    cluster_rows = [json.loads(x) for x in (tmp_path / "cluster.jsonl").read_text().splitlines()]
    local_rows = [
        json.loads(x) for p in (local_a.out, local_b.out) for x in p.read_text().splitlines()
    ]
    assert result.rows == len(cluster_rows) == 950
    assert [r["line"] for r in cluster_rows] == [r["line"] for r in local_rows]
    assert [r["text"] for r in cluster_rows] == texts + texts[:50]
    assert [r["label"] for r in cluster_rows] == [r["label"] for r in local_rows]
    for ours, local in zip(cluster_rows, local_rows, strict=True):
        assert ours["probabilities"] == pytest.approx(local["probabilities"], rel=1e-5, abs=1e-6)
    # Many partitions (blocksize 4 KiB), yet each worker loaded the model once.
    assert len(client.scheduler_info()["workers"]) == 2
    assert list(worker_loads(client, saved_classifier_dir).values()) == [1, 1]


def test_a_bad_line_in_a_later_partition_names_its_line(tmp_path, saved_classifier_dir, client):
    texts, _ = make_sentiment(400, seed=22)
    rows = [json.dumps({"text": t}) for t in texts]
    rows[350] = '{"text": "unterminated'
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"in\.jsonl line 351: invalid JSON"):
        predict_file_dask(
            saved_classifier_dir,
            [path],
            out=tmp_path / "o.jsonl",
            scheduler=client,
            blocksize=2048,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_csv_is_refused_with_what_to_do(tmp_path, saved_classifier_dir, client):
    path = tmp_path / "in.csv"
    path.write_text("text\ngood film\n")
    with pytest.raises(DataError, match="convert the file to JSONL, or predict it locally"):
        predict_file_dask(saved_classifier_dir, [path], out=tmp_path / "o.jsonl", scheduler=client)
