"""``kg ingest`` on the command line: files written safely, bad inputs refused with exit 2,
drafts left out of the build unless --include-drafts, kg check's review checklist, --diff."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from kg import cli

DEV = Path(__file__).resolve().parents[2] / "shared" / "ingest-dev"
needs_dev = pytest.mark.skipif(not (DEV / "doc01.txt").is_file(),
                               reason="the development set ../shared/ingest-dev is absent")


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


ANNOUNCEMENT = ("Община Примерово изпълнява проект „Грижа за всички в община Примерово“, договор "
                "№ BG05M9OP001-6.002-0999-C01 по Оперативна програма „Развитие на човешките "
                "ресурси“ 2014-2020 г. Стойността на проекта е 100 000.00 лв.\n"
                "Откриващата среща ще бъде на 23 януари.\n")


def test_a_draft_its_text_and_its_source_entry_are_written(tmp_path, capsys):
    source = tmp_path / "a.txt"
    source.write_text(ANNOUNCEMENT, encoding="utf-8")
    code, out, err = run(["ingest", str(source), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, err
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert len(written) == 3 and any(name.endswith(".source.yml") for name in written)
    records = next((tmp_path / "out").glob("*.draft.yaml")).read_text(encoding="utf-8")
    assert "curation: draft" in records and "BG05M9OP001-6.002-0999-C01" in records
    assert "draft records" in out
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left behind


def test_overwriting_needs_force(tmp_path, capsys):
    source = tmp_path / "a.txt"
    source.write_text(ANNOUNCEMENT, encoding="utf-8")
    out = tmp_path / "out"
    assert run(["ingest", str(source), "--out", str(out)], capsys)[0] == 0
    target = next(out.glob("*.yaml"))
    target.write_text("# edited by a curator\n", encoding="utf-8")
    code, _out, err = run(["ingest", str(source), "--out", str(out)], capsys)
    assert code == 2 and "--force" in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "# edited by a curator\n"
    assert run(["ingest", str(source), "--out", str(out), "--force"], capsys)[0] == 0
    assert "curation: draft" in target.read_text(encoding="utf-8")


def test_writing_into_data_records_adds_the_source_and_kg_check_lists_the_review_items(
        data_copy, tmp_path, capsys):
    source = tmp_path / "a.txt"
    source.write_text(ANNOUNCEMENT, encoding="utf-8")
    records = data_copy / "records"
    code, _out, err = run(["ingest", str(source), "--out", str(records), "--data", str(data_copy)],
                          capsys)
    assert code == 0, err
    assert "corpus: records" in (data_copy / "sources.yaml").read_text(encoding="utf-8")
    code, out, err = run(["check", "--data", str(data_copy), "--no-citations"], capsys)
    assert code == 0, err
    assert "draft records" in out and "[ ]" in out
    draft_file = next(records.glob("*primerovo*.draft.yaml"))
    assert f"{draft_file}:" in out  # file:line of each review item
    # a second run into data/ refuses to replace the draft without --force
    code, _out, err = run(["ingest", str(source), "--out", str(records), "--data", str(data_copy)],
                          capsys)
    assert code == 2 and "--force" in err


@pytest.mark.parametrize("content,message", [
    (b"\x00\x01\x02binary" * 10, "binary"),
    (b"", "empty"),
    (b"   \n\n", "empty"),
    ("\u00e9t\u00e9 caf\u00e9 na\u00efve".encode("latin-1"), "not UTF-8"),
])
def test_bad_inputs_are_exit_2_with_a_message_and_nothing_written(content, message, tmp_path, capsys):
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    code, _out, err = run(["ingest", str(source), "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_file_over_the_size_limit_and_a_missing_file_are_exit_2(tmp_path, capsys):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    code, _out, err = run(["ingest", str(big), "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and "over the limit" in err
    code, _out, err = run(["ingest", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")],
                          capsys)
    assert code == 2 and "cannot read" in err and "Traceback" not in err


def test_cp1251_and_stdin_are_read(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ANNOUNCEMENT.encode("cp1251"))))
    code, _out, err = run(["ingest", "-", "--out", str(tmp_path / "out")], capsys)
    assert code == 0, err
    text = next((tmp_path / "out").glob("*.txt")).read_text(encoding="utf-8")
    assert "Община Примерово" in text  # stored as UTF-8, the lines the records cite


def test_a_text_that_is_not_an_announcement_gives_an_empty_draft_with_a_note(tmp_path, capsys):
    source = tmp_path / "poem.txt"
    source.write_text("Тих бял Дунав се вълнува.\n", encoding="utf-8")
    code, out, err = run(["ingest", str(source), "--out", str(tmp_path / "out")], capsys)
    assert code == 0 and "note:" in err and "0 draft records" in out


@needs_dev
def test_diff_prints_the_new_triples_by_subject(tmp_path, capsys):
    code, out, err = run(["ingest", str(DEV / "doc01.txt"), "--out", str(tmp_path), "--diff"], capsys)
    assert code == 0, err
    assert "<https://w3id.org/bg-inclusion/id/contract/BG05M9OP001-6.002-0199-C01>" in out
    assert "new triples about" in out


@needs_dev
def test_score_prints_the_scorers_table(capsys):
    code, out, _err = run(["ingest", "--score", str(DEV / "gold.json")], capsys)
    assert code == 0 and "recall" in out.lower()


def test_drafts_are_built_only_with_include_drafts_into_an_unreviewed_graph(data_copy, tmp_path,
                                                                            capsys):
    from kg.release.build import build
    from kg.store.rdflib_memory import open_dataset

    source = tmp_path / "a.txt"
    source.write_text(ANNOUNCEMENT, encoding="utf-8")
    code, _out, err = run(["ingest", str(source), "--out", str(data_copy / "records"),
                           "--data", str(data_copy)], capsys)
    assert code == 0, err
    draft_file = next((data_copy / "records").glob("*.draft.yaml"))
    contract = "<https://w3id.org/bg-inclusion/id/contract/BG05M9OP001-6.002-0999-C01>"
    build(data_copy, tmp_path / "published", reason=False, store=False, validate=False)
    assert contract not in (tmp_path / "published" / "kg.nq").read_text(encoding="utf-8")
    build(data_copy, tmp_path / "drafts", reason=False, store=False, validate=False,
          include_drafts=True)
    assert contract in (tmp_path / "drafts" / "kg.nq").read_text(encoding="utf-8")
    answer = open_dataset(tmp_path / "drafts").query("""
        PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
        SELECT ?g ?thing WHERE { GRAPH ?g { ?thing bgi:curationStatus ?status } ?g a bgi:UnreviewedGraph }""")
    rows = list(answer)
    source_id = draft_file.name.removesuffix(".draft.yaml")
    assert rows and all(str(row[0]).endswith(source_id) for row in rows)
    # a curator marks the records reviewed by editing one field: then they are published
    draft_file.write_text(draft_file.read_text(encoding="utf-8").replace(
        "curation: draft", "curation: reviewed"), encoding="utf-8")
    build(data_copy, tmp_path / "reviewed", reason=False, store=False, validate=False)
    assert contract in (tmp_path / "reviewed" / "kg.nq").read_text(encoding="utf-8")
