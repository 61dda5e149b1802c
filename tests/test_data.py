"""Tests of embedlab.data: reading each shape, sniffing, errors, splits and folds.

Every expected text and label comes from what the test itself wrote, never from
the reader's own output.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from embedlab.data import (
    FORMATS,
    Dataset,
    SkippedRowsWarning,
    kfold_indices,
    read_dataset,
    read_texts,
    sniff_format,
    stratify_keys,
    train_test_split,
)
from embedlab.errors import DataError

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

WORDS = ["café", "naïve", "北京", "émotion", "Straße", "good", "dull", "plot", "😀", "film"]


def make_rows(n: int = 36) -> list[tuple[str, str]]:
    """(text, label) pairs with unicode, alternating pos / neg."""
    rows = []
    for i in range(n):
        words = [WORDS[(i * 3 + k) % len(WORDS)] for k in range(3 + i % 4)]
        rows.append((f"review {i}: " + " ".join(words), "pos" if i % 2 == 0 else "neg"))
    return rows


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def error_of(*args: object, **kwargs: object) -> str:
    """The message of the DataError that read_dataset raises."""
    with pytest.raises(DataError) as info:
        read_dataset(*args, **kwargs)  # type: ignore[arg-type]
    return str(info.value)


# --- each shape ------------------------------------------------------------


def test_csv_with_quoted_commas_quotes_and_newlines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mini.csv",
        'id,text,label\n1,"Hello, world",pos\n2,"She said ""hi""",neg\n'
        '3,"two\nlines, here",pos\n4,plain café,neg\n',
    )
    data = read_dataset([path])
    assert data.texts == ["Hello, world", 'She said "hi"', "two\nlines, here", "plain café"]
    assert data.labels == ["pos", "neg", "pos", "neg"]
    assert data.sources == [str(path)]
    assert data.classes == ["neg", "pos"]


def test_csv_written_by_csv_module(tmp_path: Path) -> None:
    rows = make_rows() + [('a "quoted", multi\nline review', "pos")]
    path = tmp_path / "reviews.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Sentiment", "Sentence", "Source"])  # guessed case-insensitively
        writer.writerows([label, text, "web"] for text, label in rows)
    data = read_dataset([path])
    assert data.texts == [text for text, _ in rows]
    assert data.labels == [label for _, label in rows]


def test_named_columns_and_number_labels(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "a,b,c\nx one,0,first text\ny two,1,second text\n")
    data = read_dataset([path], text_column="c", label_column="B")
    assert data.texts == ["first text", "second text"]
    assert data.labels == ["0", "1"]


def test_two_unnamed_columns_longer_one_is_text(tmp_path: Path) -> None:
    rows = make_rows(10)
    body = "".join(f"{label},{text}\n" for text, label in rows)
    data = read_dataset([write(tmp_path / "d.csv", "col_a,col_b\n" + body)])
    assert data.texts == [text for text, _ in rows]
    assert data.labels == [label for _, label in rows]


def test_tsv_keeps_quotes_as_text(tmp_path: Path) -> None:
    rows = [('"I Am Curious" is a risible film', "0"), ('a "fine" one, truly', "1")]
    rows += [(text, "1" if label == "pos" else "0") for text, label in make_rows(20)]
    lines = ["label\trating\tid\ttext"] + [
        f"{label}\t{7}\t{i}\t{text}" for i, (text, label) in enumerate(rows)
    ]
    data = read_dataset([write(tmp_path / "train.tsv", "\n".join(lines) + "\n")])
    assert data.texts == [text for text, _ in rows]
    assert data.labels == [label for _, label in rows]


def test_jsonl(tmp_path: Path) -> None:
    rows = make_rows()
    records = [
        {"sentence": t, "sentiment": int(lab == "pos"), "n": i} for i, (t, lab) in enumerate(rows)
    ]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n\n"
    data = read_dataset([write(tmp_path / "d.jsonl", text)])
    assert data.texts == [t for t, _ in rows]
    assert data.labels == ["1" if lab == "pos" else "0" for _, lab in rows]


def make_folder(root: Path, rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Write aclImdb-style class folders; return (text, label) in sorted read order."""
    for i, (text, label) in enumerate(rows):
        (root / label).mkdir(parents=True, exist_ok=True)
        write(root / label / f"{i:03d}_7.txt", text + "\n")
    write(root / "pos" / ".DS_Store", "\x00\x01junk")  # hidden: ignored
    (root / ".git").mkdir()  # hidden folder: not a class
    write(root / "urls_pos.txt", "http://example.com\n")  # loose file: not a class
    return sorted(rows, key=lambda row: row[1])  # neg before pos, file order inside


def test_folder(tmp_path: Path) -> None:
    rows = make_rows(12)
    expected = make_folder(tmp_path / "train", rows)
    data = read_dataset([tmp_path / "train"])
    assert list(zip(data.texts, data.labels, strict=True)) == expected
    assert data.sources == [str(tmp_path / "train")]


def test_label_path_pairs_in_latin1(tmp_path: Path) -> None:
    pos = ["un film très réussi", "à voir", "déjà vu, mais bien"]
    neg = ["ennuyeux à mourir", "raté", "pas de génie"]
    write(tmp_path / "rt.pos", "\n".join(pos[:2]) + "\n\n  \n" + pos[2] + " \n", "latin-1")
    write(tmp_path / "rt.neg", "\n".join(neg) + "\n", "latin-1")
    items = [f"pos={tmp_path / 'rt.pos'}", f"neg={tmp_path / 'rt.neg'}"]
    data = read_dataset(items, encoding="latin-1")
    assert data.texts == pos + neg
    assert data.labels == ["pos"] * 3 + ["neg"] * 3
    assert data.sources == [str(tmp_path / "rt.pos"), str(tmp_path / "rt.neg")]


def test_label_text_sst_and_trec(tmp_path: Path) -> None:
    sst = [("1", "a stirring , funny and finally transporting film"), ("0", "apparently dull .")]
    sst = sst * 10
    path = write(tmp_path / "stsa.binary.train", "".join(f"{lab} {t}\n" for lab, t in sst))
    data = read_dataset([path])
    assert data.texts == [t for _, t in sst]
    assert data.labels == [lab for lab, _ in sst]
    trec = [("DESC:manner", "How did serfdom develop ?"), ("HUM:ind", "Who was Galileo ?")] * 5
    path = write(tmp_path / "TREC.train.all", "".join(f"{lab}\t{t}\n" for lab, t in trec))
    data = read_dataset([path], format="label-text")
    assert data.labels == [lab for lab, _ in trec]
    assert data.texts == [t for _, t in trec]


def test_several_paths_are_concatenated(tmp_path: Path) -> None:
    first, second = make_rows(6), make_rows(10)[6:]
    paths = []
    for name, rows in (("a.csv", first), ("b.csv", second)):
        body = "".join(f'"{t}",{lab}\n' for t, lab in rows)
        paths.append(write(tmp_path / name, "text,label\n" + body))
    data = read_dataset([str(p) for p in paths])
    assert data.texts == [t for t, _ in first + second]
    assert data.sources == [str(p) for p in paths]


def test_single_path_and_pathlike_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "text,label\nfine,pos\nbad,neg\n")
    assert read_dataset(path).texts == read_dataset(str(path)).texts == ["fine", "bad"]


def test_unlabelled_data_with_require_labels_false(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "id,text,date\n1,hello,x\n2,world,y\n")
    data = read_dataset([path], require_labels=False)
    assert data.texts == ["hello", "world"]
    assert data.labels == []
    assert data.classes == []
    one_class = write(tmp_path / "one.csv", "text,label\nhello,pos\n")
    assert read_dataset([one_class], require_labels=False).labels == ["pos"]


# --- sniffing --------------------------------------------------------------


def shapes(tmp_path: Path) -> dict[str, Path]:
    rows = make_rows()
    csv_body = "".join(f'"{t}, really",{lab}\n' for t, lab in rows)
    tsv_body = "".join(f"{lab}\t{t}\n" for t, lab in rows)
    jsonl_body = "".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in rows)
    label_text = "".join(f"{lab} {t}\n" for t, lab in rows)
    make_folder(tmp_path / "imdb", rows)
    return {
        "csv": write(tmp_path / "data.txt", "review,label\n" + csv_body),
        "tsv": write(tmp_path / "data.dat", "label\ttext\n" + tsv_body),
        "jsonl": write(tmp_path / "data", jsonl_body),
        "label-text": write(tmp_path / "train.all", label_text),
        "folder": tmp_path / "imdb",
    }


def test_sniffing_each_shape_with_unhelpful_suffixes(tmp_path: Path) -> None:
    for expected, path in shapes(tmp_path).items():
        assert sniff_format(path) == expected, path
        data = read_dataset([path])
        assert len(data) == 36 and data.classes == ["neg", "pos"]


def test_suffix_decides_before_content(tmp_path: Path) -> None:
    assert sniff_format(write(tmp_path / "a.csv", "foo,bar\n1,2\n")) == "csv"
    assert sniff_format(write(tmp_path / "a.tsv", "foo bar\n")) == "tsv"
    assert sniff_format(write(tmp_path / "a.jsonl", "foo\n")) == "jsonl"


def test_tab_separated_label_text_is_not_taken_for_a_header(tmp_path: Path) -> None:
    path = write(
        tmp_path / "trec.txt", "".join(f"{i % 3}\tquestion number {i} ?\n" for i in range(30))
    )
    assert sniff_format(path) == "label-text"


def test_unrecognised_format_says_pass_format(tmp_path: Path) -> None:
    text = "".join(f"{WORDS[i % 10]}{i} sentence number {i}\n" for i in range(40))
    path = write(tmp_path / "rt-polarity.pos", text)
    message = error_of([path])
    assert "rt-polarity.pos" in message and "`format`" in message
    assert all(name in message for name in FORMATS)
    assert "LABEL=PATH" in message


# --- errors ----------------------------------------------------------------


def test_named_column_missing_lists_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "cols.csv", "id,body,stars\n1,nice,5\n")
    message = error_of([path], label_column="label")
    assert "cols.csv" in message and "'label'" in message
    assert "['id', 'body', 'stars']" in message and "`label_column`" in message


def test_unguessable_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "cols.csv", "id,words,stars\n1,nice,5\n2,bad,1\n")
    message = error_of([path])
    assert "cols.csv" in message and "`text_column`" in message


def test_csv_wrong_field_count_names_the_physical_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", 'text,label\n"two\nlines",pos\nok,neg\nextra,field,neg\n')
    message = error_of([path])
    assert "bad.csv line 5" in message and "expected 2" in message and "found 3" in message


def test_csv_unclosed_quote(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", 'text,label\nfine,pos\n"never closed,neg\nmore,pos\n')
    message = error_of([path])
    assert "bad.csv line 3" in message and "quote" in message


def test_tsv_wrong_field_count(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.tsv", "label\ttext\npos\tfine\nneg\tbad\textra tab\n")
    message = error_of([path])
    assert "bad.tsv line 3" in message and "tab" in message


def test_empty_text_and_empty_label(tmp_path: Path) -> None:
    path = write(tmp_path / "holes.csv", "text,label\nfine,pos\n  ,neg\n")
    assert "holes.csv line 3: empty text" in error_of([path], strict=True)
    path = write(tmp_path / "holes2.csv", "text,label\nfine,pos\nbad,\n")
    assert "holes2.csv line 3: empty label" in error_of([path])


def test_jsonl_errors(tmp_path: Path) -> None:
    good = '{"text": "fine", "label": "pos"}\n'
    path = write(tmp_path / "bad.jsonl", good + "\n" + '{"text": "oops", "label": }\n')
    assert "bad.jsonl line 3: invalid JSON" in error_of([path])
    path = write(tmp_path / "list.jsonl", good + '["text", "neg"]\n')
    assert "list.jsonl line 2: expected a JSON object" in error_of([path])
    path = write(tmp_path / "key.jsonl", good + '{"label": "neg"}\n')
    message = error_of([path], strict=True)
    assert "key.jsonl line 2" in message and "'text'" in message
    path = write(tmp_path / "type.jsonl", good + '{"text": 3, "label": "neg"}\n')
    assert "type.jsonl line 2: the text under 'text' is a number" in error_of([path])


def test_label_text_line_without_text(tmp_path: Path) -> None:
    body = "".join(f"{i % 2} text {i}\n" for i in range(10)) + "1 \n"
    path = write(tmp_path / "stsa.binary.dev", body)
    message = error_of([path], format="label-text", strict=True)
    assert "stsa.binary.dev line 11" in message and "'1' has no text" in message


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(b"text,label\n\x00\x01\x02\xff")
    assert "model.bin: looks like a binary file" in error_of([path], format="csv")
    assert "model.bin: looks like a binary file" in error_of([path])


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    assert "empty.txt: is empty" in error_of([write(tmp_path / "empty.txt", "\n \n")])
    assert "empty.csv: holds no rows" in error_of([write(tmp_path / "empty.csv", "")])
    assert "head.csv: holds no rows" in error_of([write(tmp_path / "head.csv", "text,label\n")])
    blank = write(tmp_path / "blank.pos", "\n\n")
    assert "blank.pos: holds no texts" in error_of([f"pos={blank}"])


def test_one_class_names_it(tmp_path: Path) -> None:
    path = write(tmp_path / "pos.csv", "text,label\ngood,pos\nfine,pos\n")
    message = error_of([path])
    assert "pos.csv" in message and "1 class ('pos')" in message and "at least 2" in message
    two = write(tmp_path / "two.csv", "text,label\ngood,pos\nbad,neg\n")
    assert "2 classes ('neg', 'pos')" in error_of([two], min_classes=3)


def test_headerless_two_column_file_is_not_read_as_header(tmp_path: Path) -> None:
    path = write(tmp_path / "nohead.csv", "pos,a fine film\nneg,a dull film\npos,lovely work\n")
    message = error_of([path])
    assert "nohead.csv line 1" in message and "header" in message


def test_folder_errors(tmp_path: Path) -> None:
    flat = tmp_path / "flat"
    flat.mkdir()
    write(flat / "a.txt", "some text")
    assert "flat: has no sub-folders" in error_of([flat])
    (tmp_path / "cls" / "pos").mkdir(parents=True)
    (tmp_path / "cls" / "neg").mkdir()
    write(tmp_path / "cls" / "pos" / "1.txt", "good")
    assert "neg: class folder holds no documents" in error_of([tmp_path / "cls"])
    write(tmp_path / "cls" / "neg" / "1.txt", " \n")
    assert "1.txt: empty document" in error_of([tmp_path / "cls"], strict=True)


def test_lines_need_labels_and_paths_must_exist(tmp_path: Path) -> None:
    path = write(tmp_path / "plain.txt", "one\ntwo\n")
    message = error_of([path], format="lines")
    assert "plain.txt" in message and "LABEL=PATH" in message
    assert "missing.txt: no such file" in error_of([str(tmp_path / "missing.txt")])
    assert "pos=: a LABEL=PATH pair needs both a label and a path" in error_of(["pos="])
    assert "format 'lines'" in error_of([f"pos={path}"], format="csv")


def test_equals_sign_in_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a=b.csv", "text,label\nx,pos\ny,neg\n")
    assert read_dataset(["a=b.csv"]).texts == ["x", "y"]  # an existing path is not split
    (tmp_path / "pos").mkdir()
    write(tmp_path / "r.txt", "one\n")
    message = error_of(["pos=r.txt"])
    assert "pos=r.txt: no such file" in message and "'pos' is an existing path" in message


def test_option_validation(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "text,label\na,pos\nb,neg\n")
    assert "Received: format='xml'" in error_of([path], format="xml")
    assert "Received: encoding='no-such-codec'" in error_of([path], encoding="no-such-codec")
    assert "Received: encoding='utf-16'" in error_of([path], encoding="utf-16")
    assert "Received: min_classes=0" in error_of([path], min_classes=0)
    assert "Received: data=[]" in error_of([])
    assert "format 'folder' needs a folder" in error_of([path], format="folder")


# --- encodings, BOM, line endings ------------------------------------------


def test_latin1_fails_as_utf8_naming_line_and_offset(tmp_path: Path) -> None:
    lines = ["a fine film", "another one", "the café scene is très bon", "last"]
    raw = ("\n".join(lines) + "\n").encode("latin-1")
    path = tmp_path / "rt-polarity.pos"
    path.write_bytes(raw)
    offset = raw.index("é".encode("latin-1"))
    message = error_of([f"pos={path}", f"neg={path}"])
    assert f"rt-polarity.pos line 3: byte 0xe9 at byte offset {offset}" in message
    assert "`encoding` latin-1" in message
    data = read_dataset([f"pos={path}", f"neg={path}"], encoding="latin-1")
    assert data.texts == lines + lines


def test_undecodable_document_in_folder(tmp_path: Path) -> None:
    (tmp_path / "pos").mkdir()
    (tmp_path / "neg").mkdir()
    write(tmp_path / "neg" / "0.txt", "bad")
    (tmp_path / "pos" / "0.txt").write_bytes(b"first line\nsecond \xe9t\xe9\n")
    message = error_of([tmp_path])
    assert "0.txt line 2: byte 0xe9 at byte offset 18" in message


def test_bom_and_crlf(tmp_path: Path) -> None:
    raw = '\ufefftext,label\r\n"two\r\nlines",pos\r\nplain,neg\r\n'.encode()
    path = tmp_path / "win.csv"
    path.write_bytes(raw)
    data = read_dataset([path])
    assert data.texts == ["two\nlines", "plain"]
    assert data.labels == ["pos", "neg"]
    label_text = tmp_path / "win.txt"
    label_text.write_bytes(
        "\ufeff".encode() + b"".join(b"%d text %d\r\n" % (i % 2, i) for i in range(9))
    )
    data = read_dataset([label_text])
    assert data.labels[0] == "0" and data.texts[-1] == "text 8"
    jsonl = tmp_path / "win.jsonl"
    jsonl.write_bytes(b'\xef\xbb\xbf{"text": "a", "label": 1}\r\n{"text": "b", "label": 0}\r\n')
    assert read_dataset([jsonl]).labels == ["1", "0"]


def test_read_texts(tmp_path: Path) -> None:
    path = write(tmp_path / "in.txt", "\ufefffirst text\r\n\r\n  second  \nthird")
    assert read_texts(path) == ["first text", "second", "third"]
    with pytest.raises(DataError, match="blank.txt: holds no texts"):
        read_texts(write(tmp_path / "blank.txt", "\n\n"))
    latin = write(tmp_path / "latin.txt", "ok\nnaïve\n", "latin-1")
    with pytest.raises(DataError, match="latin.txt line 2"):
        read_texts(latin)
    assert read_texts(latin, encoding="latin-1") == ["ok", "naïve"]


# --- Dataset, split, folds -------------------------------------------------


def test_dataset_subset_and_checks() -> None:
    data = Dataset(["a", "b", "c"], ["x", "y", "x"], ["f"])
    assert len(data) == 3 and data.classes == ["x", "y"]
    part = data.subset(np.array([2, 0]))
    assert part.texts == ["c", "a"] and part.labels == ["x", "x"] and part.sources == ["f"]
    assert len(data.subset([])) == 0
    with pytest.raises(IndexError, match="Received: min=0, max=3"):
        data.subset([0, 3])
    with pytest.raises(ValueError, match="labels"):
        Dataset(["a"], ["x", "y"], [])


def labelled(counts: dict[str, int]) -> Dataset:
    labels = [label for label, n in counts.items() for _ in range(n)]
    return Dataset([f"text {i}" for i in range(len(labels))], labels, ["mem"])


def test_split_is_stratified_disjoint_and_seeded() -> None:
    data = labelled({"pos": 100, "neg": 50, "rare": 3, "single": 1})
    train, test = train_test_split(data, test_size=0.2, seed=3)
    assert len(test) == round(0.2 * len(data))
    assert sorted(train.texts + test.texts) == sorted(data.texts)
    assert not set(train.texts) & set(test.texts)
    counts, test_counts = Counter(data.labels), Counter(test.labels)
    for label in ("pos", "neg"):
        assert abs(test_counts[label] - 0.2 * counts[label]) <= 1
    assert test_counts["rare"] == 1 and test_counts["single"] == 0
    assert set(train.labels) == set(data.labels)
    again = train_test_split(data, test_size=0.2, seed=3)
    assert again[1].texts == test.texts and again[0].texts == train.texts
    assert train_test_split(data, test_size=0.2, seed=4)[1].texts != test.texts
    ordered = [data.texts.index(t) for t in test.texts]
    assert ordered == sorted(ordered)


def test_split_without_stratify_and_small_classes() -> None:
    data = labelled({"a": 18, "b": 2})
    train, test = train_test_split(data, test_size=0.1, seed=0)
    assert Counter(test.labels) == {"a": 1, "b": 1}  # each class gets a test item
    train, test = train_test_split(data, test_size=0.25, stratify=False)
    assert len(test) == 5 and len(train) == 15
    unlabelled = Dataset([f"t{i}" for i in range(10)], [], ["mem"])
    assert len(train_test_split(unlabelled, test_size=0.3, stratify=False)[1]) == 3
    with pytest.raises(ValueError, match="stratify=False"):
        train_test_split(unlabelled, test_size=0.3)
    for bad in (0, 1, 1.5, True):
        with pytest.raises(ValueError, match=f"Received: test_size={bad!r}"):
            train_test_split(data, test_size=bad)


def test_kfold_partitions_and_stratifies() -> None:
    labels = ["pos"] * 53 + ["neg"] * 31 + ["odd"] * 7
    folds = kfold_indices(labels, n_folds=5, seed=1)
    assert len(folds) == 5
    tests = np.concatenate([test for _, test in folds])
    assert sorted(tests.tolist()) == list(range(len(labels)))
    sizes = [len(test) for _, test in folds]
    assert max(sizes) - min(sizes) <= 1
    for train, test in folds:
        assert sorted(np.concatenate([train, test]).tolist()) == list(range(len(labels)))
        counts = Counter(labels[i] for i in test)
        for label, n in Counter(labels).items():
            assert abs(counts[label] - n / 5) < 1
    again = kfold_indices(labels, n_folds=5, seed=1)
    assert all((a[1] == b[1]).all() for a, b in zip(folds, again, strict=True))
    other = kfold_indices(labels, n_folds=5, seed=2)
    assert any(
        len(a[1]) != len(b[1]) or (a[1] != b[1]).any() for a, b in zip(folds, other, strict=True)
    )
    for bad in (1, 92):
        with pytest.raises(ValueError, match=f"Received: n_folds={bad}"):
            kfold_indices(labels, n_folds=bad)


# --- the real datasets -----------------------------------------------------

REAL = [
    ("MR", ["pos={D}/MR/rt-polarity.pos", "neg={D}/MR/rt-polarity.neg"], "latin-1", 10662, 2),
    ("SST-2", ["{D}/SST-2/stsa.binary.train"], "utf-8", 6920, 2),
    ("TREC", ["{D}/TREC/TREC.train.all"], "latin-1", 5452, 6),
    ("IMDB", ["{D}/IMDB/train.tsv"], "utf-8", 25000, 2),
]


# --- multi-label -------------------------------------------------------------


def test_jsonl_label_arrays_are_multi_label(tmp_path: Path) -> None:
    records = [
        {"text": "goal and guitar", "labels": ["sport", "music"]},
        {"text": "just soup", "labels": ["food"]},
        {"text": "nothing at all", "labels": []},
        {"text": "a single string", "labels": "sport"},
        {"text": "repeats once", "labels": ["food", "food", 7]},
    ]
    path = write(tmp_path / "ml.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    data = read_dataset(path)
    assert data.multi_label
    assert data.labels == [["sport", "music"], ["food"], [], ["sport"], ["food", "7"]]
    assert data.classes == ["7", "food", "music", "sport"]
    bad = write(tmp_path / "bad.jsonl", json.dumps({"text": "x", "labels": ["a", {"b": 1}]}))
    message = error_of(bad, min_classes=1)
    assert "bad.jsonl line 1" in message and "an object, not a string" in message


def test_label_separator_splits_csv_tsv_and_label_text(tmp_path: Path) -> None:
    csv_path = write(
        tmp_path / "ml.csv", 'text,label\n"goal, guitar",sport|music\nsoup,food\nnone,\n'
    )
    data = read_dataset(csv_path, label_separator="|")
    assert data.labels == [["sport", "music"], ["food"], []]
    tsv_path = write(tmp_path / "ml.tsv", "text\tlabel\ngoal\tsport; music \n")
    assert read_dataset(tsv_path, label_separator=";", min_classes=1).labels == [["sport", "music"]]
    lt = write(tmp_path / "ml.txt", "a|b first text\nb second text\nb third text\n")
    data = read_dataset(lt, format="label-text", label_separator="|")
    assert data.labels == [["a", "b"], ["b"], ["b"]]
    assert "empty label" in error_of(csv_path)  # without a separator an empty label is an error
    assert "visible character" in error_of(csv_path, label_separator=" ")


def test_multi_label_split_and_folds_keep_each_labels_share() -> None:
    labels: list = [["a", "b"] if i % 10 == 0 else ["a"] if i % 2 else [] for i in range(200)]
    assert stratify_keys([["a", "b"], ["a"], []]) == ["b", "a", ""]
    data = Dataset([f"t{i}" for i in range(200)], labels, [])
    train, test = train_test_split(data, test_size=0.25, seed=1)
    assert len(test) == 50
    assert sum("b" in y for y in test.labels) == 5  # 20 of 200 carry b
    assert sum(y == [] for y in test.labels) == 20  # 80 of 200 carry none
    for _, test_idx in kfold_indices(labels, n_folds=4, seed=0):
        assert sum("b" in labels[i] for i in test_idx) == 5


@pytest.mark.parametrize(("name", "items", "encoding", "size", "n_classes"), REAL)
def test_real_datasets(
    name: str, items: list[str], encoding: str, size: int, n_classes: int
) -> None:
    if not (SHARED_DATA / name).is_dir():
        pytest.skip(f"{SHARED_DATA / name} is absent")
    data = read_dataset([item.format(D=SHARED_DATA) for item in items], encoding=encoding)
    assert len(data) == size and len(data.classes) == n_classes
    if name == "MR":
        assert Counter(data.labels) == {"pos": 5331, "neg": 5331}
    if name == "IMDB":
        assert Counter(data.labels) == {"0": 12500, "1": 12500}
        assert data.texts[0].startswith("Story of a man who has unnatural feelings")


# --- a few bad rows: skipped with one warning, or an error with strict ---------


def test_empty_texts_are_skipped_with_one_warning_naming_the_lines(tmp_path: Path) -> None:
    rows = make_rows(12)
    lines = ["text,label", *(f"{text},{label}" for text, label in rows)]
    bad = {3: " ,neg", 7: ",pos", 10: '"",neg'}  # 1-based file lines, the header is line 1
    for number, row in sorted(bad.items()):
        lines.insert(number - 1, row)
    body = ["text,label", *lines[1:]]
    path = write(tmp_path / "holes.csv", "\n".join(body) + "\n")
    kept = [(t, lab) for t, lab in (row.rsplit(",", 1) for row in body[1:]) if t.strip('" ')]
    with pytest.warns(SkippedRowsWarning) as record:
        data = read_dataset([path])
    assert len(record) == 1
    message = str(record[0].message)
    assert "skipped 3 rows" in message and "holes.csv lines 3, 7, 10" in message
    assert "`strict=True`" in message
    assert list(zip(data.texts, data.labels, strict=True)) == kept
    assert data.skipped == [(str(path), 3), (str(path), 7), (str(path), 10)]
    with pytest.raises(DataError, match="holes.csv line 3: empty text"):
        read_dataset([path], strict=True)


def test_a_label_with_no_text_is_skipped_in_label_text_and_jsonl(tmp_path: Path) -> None:
    body = "1 a fine film\n0 \n0 a dull film\n1\n"
    path = write(tmp_path / "stsa.binary.dev", body)
    with pytest.warns(SkippedRowsWarning, match=r"skipped 2 rows.*lines 2, 4"):
        data = read_dataset([path], format="label-text")
    assert data.texts == ["a fine film", "a dull film"] and data.labels == ["1", "0"]
    jsonl = write(
        tmp_path / "d.jsonl",
        '{"text": "good", "label": "pos"}\n{"label": "neg"}\n'
        '{"text": null, "label": "pos"}\n{"text": "bad", "label": "neg"}\n',
    )
    with pytest.warns(SkippedRowsWarning, match="lines 2, 3"):
        data = read_dataset([jsonl])
    assert data.texts == ["good", "bad"] and len(data.skipped) == 2


def test_many_skipped_rows_show_the_first_lines_and_the_count(tmp_path: Path) -> None:
    body = "text,label\n" + "".join(
        f",{'pos' if i % 2 else 'neg'}\n"
        if i % 3 == 0
        else f"text {i},{'pos' if i % 2 else 'neg'}\n"
        for i in range(30)
    )
    path = write(tmp_path / "many.csv", body)
    with pytest.warns(SkippedRowsWarning) as record:
        data = read_dataset([path])
    message = str(record[0].message)
    assert "skipped 10 rows" in message and "lines 2, 5, 8, 11, 14, ..." in message
    assert len(data) == 20


def test_structural_damage_still_stops(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "text,label\n,pos\nfine,neg\nextra,field,neg\n")
    assert "bad.csv line 4: expected 2" in error_of([path])
    path = write(tmp_path / "all.csv", "text,label\n ,pos\n,neg\n")
    assert "all.csv: holds no texts" in error_of([path])  # every row skipped: nothing to train


def test_folder_leaves_out_files_not_ending_in_txt(tmp_path: Path) -> None:
    rows = make_rows(8)
    expected = make_folder(tmp_path / "train", rows)
    write(tmp_path / "train" / "pos" / "notes.md", "not a review")
    write(tmp_path / "train" / "neg" / "Thumbs.db", "binary junk")
    write(tmp_path / "train" / "neg" / "999_1.TXT", "upper-case suffix still a document")
    write(tmp_path / "train" / "pos" / "998_1.txt", "\n")  # empty document: skipped
    with pytest.warns(SkippedRowsWarning) as record:
        data = read_dataset([tmp_path / "train"])
    messages = [str(r.message) for r in record]
    assert any("left out 2 files" in m and "notes.md" in m and "'.txt'" in m for m in messages)
    assert any("skipped 1 row" in m and "998_1.txt" in m for m in messages)
    assert set(zip(data.texts, data.labels, strict=True)) == {
        *expected,
        ("upper-case suffix still a document", "neg"),
    }


def test_nsmc_test_file_keeps_49997_of_50000(tmp_path: Path) -> None:
    path = SHARED_DATA / "NSMC" / "ratings_test.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    with pytest.warns(SkippedRowsWarning, match="skipped 3 rows"):
        data = read_dataset([path], format="tsv", text_column="document", label_column="label")
    assert len(data) == 49_997 and len(data.skipped) == 3
