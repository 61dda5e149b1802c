"""The Korean demo: its bundled NSMC sample and the whitespace-vs-kiwi table."""

import csv

import pytest

from embedlab.experiments.demo import DEMO_ANALYZERS, demo_data_path, print_table, run_demo_ko
from embedlab.text.analyzers import hangul_fraction


def test_bundled_korean_reviews_are_balanced_labelled_hangul():
    with open(demo_data_path("ko"), encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    assert len(rows) == 3000
    assert sorted({row["label"] for row in rows}) == ["neg", "pos"]
    assert sum(row["label"] == "pos" for row in rows) == 1500
    assert all(row["text"].strip() for row in rows)
    assert sum(hangul_fraction(row["text"]) >= 0.5 for row in rows) > 0.9 * len(rows)


def test_unknown_demo_language_is_refused():
    with pytest.raises(ValueError, match="`lang` must be one of en, ko"):
        demo_data_path("fr")


@pytest.mark.slow
def test_korean_demo_compares_whitespace_with_kiwi(capsys):
    pytest.importorskip("kiwipiepy")
    rows = run_demo_ko(model="wide", epochs=1)
    assert [row.analyzer for row in rows] == list(DEMO_ANALYZERS)
    assert all(row.n_test == 600 and 0.0 <= row.accuracy <= 1.0 for row in rows)
    print_table(rows, lang="ko")
    out = capsys.readouterr().out
    assert "kiwi" in out and "whitespace" in out
