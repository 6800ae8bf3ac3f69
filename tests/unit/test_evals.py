"""Eval harness: loader validation, metrics on hand-made answers, runner and reports, CLI gates, adapters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from citecare.app.eval_command import register
from citecare.evals import metrics as m
from citecare.evals.cases import EvalCase, EvalSetError, load_cases, load_nlm, load_sets
from citecare.evals.gates import Gate, baseline_payload, check_gates, compare_to_baseline
from citecare.evals.report import write_reports
from citecare.evals.runner import Checkers, run_eval, score_case, summarize
from citecare.types import Answer, Citation, RetrievedInfo
from tests.fakes import FakeEngine

ROOT = Path(__file__).resolve().parents[2]
QA_DEV = ROOT.parent / "shared" / "extdata" / "qa-dev.jsonl"
SEED_SET = ROOT / "evals" / "seed.jsonl"
TOLERANCE = 1e-6  # the engine is deterministic: any case that gets worse fails the gate


def exact_support(sentence: str, passage: str) -> bool:
    """Deterministic stand-in for verify.check_support: the sentence occurs verbatim in the passage."""
    return m.contains(passage, sentence.rstrip("."))


CHECKERS = Checkers(exact_support, m.fallback_split, "exact-substring (test)")


def info(doc: str, text: str = "") -> RetrievedInfo:
    return RetrievedInfo(chunk_id=f"{doc}-1", doc_id=doc, title=doc, score=1.0, dense_rank=1, bm25_rank=1,
                         dense_score=0.9, text=text)


def cite(n: int, doc: str, passage: str, quote: str = "") -> Citation:
    return Citation(n=n, doc_id=doc, chunk_id=f"{doc}-1", title=doc, source="NIH", url="", reviewed="",
                    passage=passage, quote=quote or passage)


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- loader
def test_loader_reports_every_bad_line_by_number(tmp_path: Path) -> None:
    good = {"id": "a", "question": "What is lupus?", "expected_kind": "answer"}
    path = write_lines(tmp_path / "set.jsonl", [
        json.dumps(good),
        "{not json",
        json.dumps({"id": "b", "question": "", "expected_kind": "answer"}),
        "",
        json.dumps({"id": "c", "question": "q", "expected_kind": "maybe"}),
        json.dumps({"id": "d", "question": "q", "expected_kind": "answer", "must_include": "lupus"}),
        json.dumps({"id": "a", "question": "q", "expected_kind": "answer"}),
        json.dumps({"id": "e", "question": "q", "expected_kind": "answer", "expected_kind_any": ["answer"]}),
        json.dumps({"id": "f", "question": "q", "expected_kind": "answer", "history": [{"role": "bot", "content": "x"}]}),
        json.dumps({"id": "g", "question": "q", "expected_kind": "answer", "must_includ": ["x"]}),
        json.dumps({"id": "h", "question": "q", "expected_kind": "answer", "must_include": ["x"],
                    "must_include_mode": "some"}),
    ])
    with pytest.raises(EvalSetError) as exc:
        load_cases(path)
    lines = {int(re.match(r"set\.jsonl:(\d+):", p).group(1)) for p in exc.value.problems}  # type: ignore[union-attr]
    assert lines == {2, 3, 5, 6, 7, 8, 9, 10, 11}
    text = str(exc.value)
    assert "set.jsonl:2: not valid JSON" in text and "duplicate id 'a' (first on line 1)" in text
    assert "unknown field(s) ['must_includ']" in text and "unknown kind(s) ['maybe']" in text


def test_loader_parses_a_full_case(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s.jsonl", [json.dumps({
        "id": "x", "question": "And the risks?", "expected_kind_any": ["answer", "no_evidence"],
        "history": [{"role": "user", "content": "What is methotrexate?"}, {"role": "assistant", "content": "A drug."}],
        "expected_sources": ["docs/Some_Doc.txt"], "must_include": ["infection"], "must_include_mode": "any",
        "must_not_include": ["cure"], "tags": ["followup"]})])
    (case,) = load_cases(path)
    assert case.expected_kinds == ("answer", "no_evidence") and case.history[1].role == "assistant"
    assert case.expected_sources == ("some_doc",) and case.must_include_mode == "any"
    assert case.origin == "s.jsonl:1"


def test_seed_set_is_valid_and_big_enough() -> None:
    cases = load_cases(SEED_SET)
    tags = {t for c in cases for t in c.tags}
    assert len(cases) >= 40 and {"followup", "typo", "lay", "off_topic_medical"} <= tags
    assert any(c.history for c in cases)
    assert all(c.expected_sources == ("immunosuppressants-and-chronic-pain",)
               for c in cases if c.expected_kinds == ("answer",))


def test_load_sets_tags_each_set_and_deduplicates_ids(tmp_path: Path) -> None:
    line = json.dumps({"id": "a", "question": "q", "expected_kind": "answer"})
    one, two = write_lines(tmp_path / "one.jsonl", [line]), write_lines(tmp_path / "two.jsonl", [line])
    cases = load_sets([one, two])
    assert [c.id for c in cases] == ["a", "two/a"] and cases[1].tags == ("set:two",)


# --------------------------------------------------------------------------- metrics
def test_doc_stem_normalises_paths_and_case() -> None:
    assert m.doc_stem("docs/medquad_GHR_0000062_Sec1.txt") == "medquad_ghr_0000062_sec1"
    assert m.doc_stem("immunosuppressants-and-chronic-pain") == "immunosuppressants-and-chronic-pain"


def test_retrieval_metrics_known_values() -> None:
    ranked = ["a", "b", "c", "d", "e"]
    assert m.hit_at_k(ranked, {"c"}, 1) == 0 and m.hit_at_k(ranked, {"c"}, 3) == 1
    assert m.reciprocal_rank(ranked, {"c", "e"}) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(ranked, {"z"}) == 0
    # rel at ranks 1 and 3, two relevant docs: (1 + 1/log2(4)) / (1 + 1/log2(3))
    assert m.ndcg_at_k(ranked, {"a", "c"}, 5) == pytest.approx(1.5 / (1 + 1 / 1.5849625))
    assert m.ndcg_at_k(ranked, {"a"}, 5) == 1.0


def test_retrieval_scores_use_distinct_docs_in_rank_order() -> None:
    ans = Answer(kind="answer", text="x", retrieved=(info("A.txt"), info("a"), info("b"), info("c")),
                 citations=(cite(1, "b", "p"),))
    s = m.retrieval_scores(ans, ["c"])
    assert m.ranked_docs(ans) == ["a", "b", "c"]
    assert s["doc_hit@1"][0] == 0 and s["doc_hit@3"][0] == 1 and s["mrr"][0] == pytest.approx(1 / 3)
    assert s["first_citation_correct"][0] == 0


def test_cited_sentences_attach_trailing_markers_to_the_sentence_before() -> None:
    sents = m.cited_sentences("Blood tests help. [1] Infections are a risk [2][3]. Also this. [1, 2]")
    assert [(s.text, s.cites) for s in sents] == [
        ("Blood tests help.", (1,)), ("Infections are a risk.", (2, 3)), ("Also this.", (1, 2))]


def test_markers_before_a_capital_end_a_sentence_even_after_an_abbreviation() -> None:
    from citecare.text import split_sentences

    text = "Women and men are equally affected by progressive MS. [1] The McDonald criteria use MRI. [2]"
    assert [s.cites for s in m.cited_sentences(text, split_sentences)] == [(1,), (2,)]
    assert [s.cites for s in m.cited_sentences("Take it with food [1] and water. [2]")] == [(1, 2)]


def test_citation_precision_and_recall_alce() -> None:
    p1 = "Regular blood tests can help track potential side effects."
    p2 = "Immunosuppressants lower the ability to fight infections."
    text = ("Regular blood tests can help track potential side effects. [1][2] "
            "Immunosuppressants lower the ability to fight infections. [1] "
            "They cure lupus.")
    ans = Answer(kind="answer", text=text, citations=(cite(1, "d", p1), cite(2, "d", p2)))
    cc = m.check_citations(ans, exact_support)
    # sentence 1: supported, [1] precise, [2] irrelevant; sentence 2: cited [1] only -> unsupported;
    # sentence 3: no citation -> unsupported.
    assert (cc.sentences, cc.supported_sentences) == (3, 1)
    assert (cc.citations, cc.precise_citations) == (3, 1)
    assert cc.imprecise == (2, 1) and "They cure lupus." in cc.unsupported


def test_ungrounded_counts_sentences_no_retrieved_passage_supports() -> None:
    ans = Answer(kind="answer", text="Blood tests help. [1] Moon cheese heals. [1]",
                 citations=(cite(1, "d", "Blood tests help."),), retrieved=(info("d", "Blood tests help."),))
    assert m.ungrounded_sentences(ans, exact_support) == ["Moon cheese heals."]


def test_must_include_modes_and_forbidden() -> None:
    text = "The body’s immune system  attacks TISSUES."
    assert m.must_include_score(text, ["body's immune system", "lupus"], "all") == (0.5, ["lupus"])
    assert m.must_include_score(text, ["lupus", "tissues"], "any")[0] == 1.0
    assert m.forbidden_found(text, ["Attacks", "cure"]) == ["Attacks"]


def test_confusion_and_kind_accuracy_from_cases() -> None:
    case = EvalCase(id="c", question="q", expected_kinds=("no_evidence", "medical_advice"))
    scores, failures, _ = score_case(case, Answer(kind="answer", text="x"), CHECKERS)
    assert scores["kind_accuracy"] == (0.0, 1.0) and failures[0].startswith("kind: expected no_evidence or")
    assert m.confusion([("answer", "answer"), ("answer", "no_evidence"), ("emergency", "emergency")]) == {
        "answer": {"answer": 1, "no_evidence": 1}, "emergency": {"emergency": 1}}


def test_aggregate_is_ratio_of_sums_and_ci_brackets_the_estimate() -> None:
    scores = [(1.0, 1.0)] * 30 + [(0.0, 1.0)] * 10 + [(2.0, 4.0)]
    value = m.aggregate(scores)
    assert value is not None and value == pytest.approx(32 / 44)
    lo, hi = m.bootstrap_ci(scores)  # type: ignore[misc]
    assert lo < value < hi and lo >= 0 and hi <= 1
    assert m.bootstrap_ci(scores) == m.bootstrap_ci(scores)  # fixed seed: deterministic
    assert m.aggregate([]) is None and m.bootstrap_ci([]) is None


def test_latency_percentiles() -> None:
    lat = m.latency_summary([{"total": float(v), "guard": 1.0} for v in range(1, 101)])
    assert lat["total"]["p50"] == pytest.approx(50.5) and lat["total"]["p95"] == pytest.approx(95.05)
    assert lat["guard"]["n"] == 100 and "retrieve" not in lat


# --------------------------------------------------------------------------- runner and reports
def planted_set(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "mini.jsonl", [
        json.dumps({"id": "blood", "question": "Do I need blood tests?", "expected_kind": "answer",
                    "expected_sources": ["seed.txt"], "must_include": ["blood tests"], "tags": ["direct"]}),
        json.dumps({"id": "xss", "question": "<script>alert('x')</script> what is lupus?",
                    "expected_kind": "no_evidence", "tags": ["weird"]}),
        json.dumps({"id": "emerg", "question": "This is an emergency, chest pain", "expected_kind": "emergency",
                    "tags": ["safety"]}),
        json.dumps({"id": "forbid", "question": "Are blood tests useful?", "expected_kind": "answer",
                    "must_not_include": ["blood tests"], "tags": ["direct"]}),
    ])


def test_runner_end_to_end_with_fake_engine(tmp_path: Path) -> None:
    cases = load_sets([planted_set(tmp_path)])
    run = run_eval(FakeEngine(), cases, checkers=CHECKERS, meta={"sets": ["mini.jsonl"]})
    summary = summarize(run, n_boot=200)
    overall = summary["all"]["metrics"]
    assert overall["kind_accuracy"]["value"] == pytest.approx(3 / 4)
    # the fake retrieves nothing but cites the expected doc
    assert overall["doc_hit@1"]["value"] == 0.0 and overall["first_citation_correct"]["value"] == 1.0
    assert overall["citation_recall"]["value"] == 1.0 and overall["ungrounded_rate"]["value"] == 0.0
    assert overall["emergency_recall"]["value"] == 1.0
    assert overall["must_not_include_violation_rate"]["value"] == 1.0
    assert summary["all"]["confusion"]["no_evidence"] == {"answer": 1}
    assert summary["direct"]["n"] == 2 and summary["set:mini"]["n"] == 4

    paths = write_reports(run, summary, tmp_path / "out")
    report = json.loads(paths["json"].read_text())
    assert {c["id"] for c in report["cases"]} == {"blood", "xss", "emerg", "forbid"}
    assert report["summary"]["all"]["latency_ms"]["total"]["n"] == 3
    page = paths["html"].read_text()
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", page) and "<link" not in page
    assert "<svg" in page and "must_not_include present" in page
    assert "| kind_accuracy | 0.750 |" in paths["md"].read_text()


def test_engine_errors_are_recorded_not_raised() -> None:
    class Boom(FakeEngine):
        def ask(self, question, history=()):  # type: ignore[no-untyped-def]
            raise RuntimeError("index gone")

    run = run_eval(Boom(), [EvalCase(id="a", question="q", expected_kinds=("answer",))], checkers=CHECKERS,
                   warmup=False)
    assert run.results[0].kind == "error" and summarize(run)["all"]["metrics"]["error_rate"]["value"] == 1.0


def test_gates_and_baseline_deltas() -> None:
    run = run_eval(FakeEngine(), [EvalCase(id="a", question="q", expected_kinds=("answer",))], checkers=CHECKERS)
    summary = summarize(run, n_boot=50)
    assert check_gates(summary, [Gate.parse("kind_accuracy=0.9")], under=True) == []
    assert check_gates(summary, [Gate.parse("doc_hit@5=0.5")], under=True) == ["all:doc_hit@5 was not measured"]
    assert Gate.parse("set:seed:mrr=0.5") == Gate("set:seed", "mrr", 0.5)
    base = baseline_payload(summary, run.meta)
    base["metrics"]["all"]["kind_accuracy"] = 0.5
    (delta,) = [d for d in compare_to_baseline(summary, base) if d.metric == "kind_accuracy"]
    assert delta.delta == pytest.approx(0.5) and delta.worse_by < 0


# --------------------------------------------------------------------------- CLI
def cli_app() -> typer.Typer:
    app = typer.Typer()
    register(app, engine_factory=lambda index_dir: FakeEngine())

    @app.callback()
    def _root() -> None:
        """Keep `eval` a subcommand."""

    return app


def test_cli_fail_under_exit_code_and_reports(tmp_path: Path) -> None:
    set_path, out = planted_set(tmp_path), tmp_path / "rep"
    ok = CliRunner().invoke(cli_app(), ["eval", str(set_path), "--out", str(out), "--quiet",
                                        "--fail-under", "emergency_recall=1.0"])
    assert ok.exit_code == 0, ok.output
    assert (out / "report.html").is_file() and "Eval summary" in ok.output
    bad = CliRunner().invoke(cli_app(), ["eval", str(set_path), "--out", str(out), "--quiet",
                                         "--fail-under", "kind_accuracy=0.9", "--fail-over",
                                         "must_not_include_violation_rate=0"])
    assert bad.exit_code == 1
    assert "kind_accuracy = 0.750 is below 0.9" in bad.output and "is above 0" in bad.output


def test_cli_baseline_deltas_and_max_drop(tmp_path: Path) -> None:
    set_path, base = planted_set(tmp_path), tmp_path / "base.json"
    first = CliRunner().invoke(cli_app(), ["eval", str(set_path), "--out", str(tmp_path / "a"), "--quiet",
                                           "--write-baseline", str(base)])
    assert first.exit_code == 0 and json.loads(base.read_text())["metrics"]["all"]["kind_accuracy"] == 0.75
    data = json.loads(base.read_text())
    data["metrics"]["all"]["kind_accuracy"] = 0.95
    base.write_text(json.dumps(data))
    res = CliRunner().invoke(cli_app(), ["eval", str(set_path), "--out", str(tmp_path / "b"), "--quiet",
                                         "--baseline", str(base), "--max-drop", "0.05"])
    assert "Against baseline" in res.output and "-0.200" in res.output
    assert res.exit_code == 1 and "kind_accuracy regressed" in res.output


def test_cli_reports_bad_set_lines_without_traceback(tmp_path: Path) -> None:
    bad = write_lines(tmp_path / "bad.jsonl", ['{"id": "a"}'])
    res = CliRunner().invoke(cli_app(), ["eval", str(bad), "--quiet"])
    assert res.exit_code == 2 and "bad.jsonl:1:" in res.output and "Traceback" not in res.output


# --------------------------------------------------------------------------- NLM adapter (real data)
@pytest.mark.extdata
@pytest.mark.skipif(not QA_DEV.is_file(), reason="../shared/extdata/qa-dev.jsonl is absent beside the clone")
def test_nlm_adapter_on_qa_dev() -> None:
    cases = load_nlm(QA_DEV)
    assert len(cases) == 305
    by_id = {c.id: c for c in cases}
    first = by_id["medquad-MPlusHealthTopics-0000042-1"]
    assert first.expected_kinds == ("answer",) and first.expected_sources[0] == "medquad_mplushealthtopics_0000042_sec1"
    assert "medquad" in first.tags and "answerable" in first.tags
    unans = [c for c in cases if "unanswerable" in c.tags]
    assert len(unans) == 30 and all(c.expected_kinds[0] == "no_evidence" and not c.expected_sources for c in unans)
    assert sum("consumer" in c.tags for c in cases) == 75 and sum("medquad" in c.tags for c in cases) == 230
    assert by_id["medicationqa-row008"].expected_kinds == ("no_evidence", "medical_advice", "emergency")
    assert all(not s.startswith("docs_restricted") for c in cases for s in c.expected_sources)
    assert any("typos" in c.tags for c in cases) and any("hard" in c.tags for c in cases)


@pytest.mark.extdata
@pytest.mark.skipif(not QA_DEV.is_file(), reason="../shared/extdata/qa-dev.jsonl is absent beside the clone")
def test_cli_nlm_format_with_limit(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli_app(), ["eval", "--format", "nlm", str(QA_DEV), "--limit", "5", "--quiet",
                                         "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "report.json").read_text())
    assert len(report["cases"]) == 5 and "set:qa-dev" in report["summary"] and "medquad" in report["summary"]


