"""Loaders on small real files of every format, the bad files ingest must survive, and the reference corpus."""

from __future__ import annotations

import hashlib
import io
import json
import random
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from citecare.errors import LoadError
from citecare.ingest.loaders import SUPPORTED_SUFFIXES, content_hash, load_document
from citecare.types import Document, SourceMeta

EXTDATA = Path(__file__).resolve().parents[3] / "shared" / "extdata"


def meta(title: str = "") -> SourceMeta:
    return SourceMeta(doc_id="doc-1", title=title)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def load(path: Path, title: str = "") -> Document:
    return load_document(path, meta(title))


def load_error(path: Path) -> str:
    with pytest.raises(LoadError) as info:
        load(path)
    return str(info.value)


# ----------------------------------------------------------------------------------------------------- .txt

LEAFLET_TXT = """Methotrexate and blood tests

Methotrexate is taken once a week.\tNever take it daily.
You will need regular blood tests.

Folic acid

Most people take folic acid on a different day from methotrexate.
Your rheumatology team will tell you which day to take it.

Symptoms to report include:

Fever
Sore throat
Unusual bruising
"""


def test_txt_title_line_headings_and_paragraphs(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "mtx.txt", LEAFLET_TXT))

    assert doc.meta.title == "Methotrexate and blood tests"
    assert doc.doc_id == "doc-1"
    assert [s.heading for s in doc.sections] == ["Methotrexate and blood tests", "Folic acid"]
    assert doc.sections[0].text == (
        "Methotrexate is taken once a week. Never take it daily.\nYou will need regular blood tests."
    )
    # A short line after a lead-in ("include:") is a list item, not a heading.
    assert doc.sections[1].text.endswith(
        "Symptoms to report include:\n\nFever\nSore throat\nUnusual bruising"
    )
    assert all(s.page is None for s in doc.sections)


def test_txt_keeps_the_manifest_title_and_normalises_text(tmp_path: Path) -> None:
    text = "Cafe\u0301 au lait\u00a0spots are\x07 harmless\u200b.\r\n\r\n\r\n\r\nSecond  paragraph.\r\n"
    doc = load(write(tmp_path, "spots.txt", text), title="From the manifest")

    assert doc.meta.title == "From the manifest"
    assert doc.text == "Café au lait spots are harmless.\n\nSecond paragraph."
    assert doc.sections[0].heading == ""


def test_txt_without_title_line_gets_the_prettified_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "methotrexate_blood-tests.txt", "Blood tests are needed every few weeks.\n")

    assert load(path).meta.title == "Methotrexate blood tests"


def test_seed_corpus_loads_as_one_titled_section() -> None:
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    files = sorted(corpus.glob("*.txt"))
    assert files, f"the seed document belongs in {corpus}"
    for path in files:
        doc = load(path)
        assert doc.meta.title == path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert doc.text and "\n\n" in doc.text


# -------------------------------------------------------------------------------------------------- .md

MARKDOWN = """---
title: Living with lupus
---

Intro paragraph before any heading.

# Lupus basics

Lupus is an **autoimmune** disease; see [the NHS page](https://www.nhs.uk/conditions/lupus/) and `code`.

![A diagram of joints](images/joints.png "joints")

## Treatment

- Hydroxychloroquine
- *Steroids* for flares
  - short courses only

1. Take tablets with food
2. Keep ~~all~~ appointments

```python
print("fenced")
```

| Medicine | Check |
| --- | --- |
| Methotrexate | Blood tests |
"""


def test_markdown_headings_links_images_and_lists(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "lupus.md", MARKDOWN))

    assert doc.meta.title == "Living with lupus"
    assert [s.heading for s in doc.sections] == ["", "Lupus basics", "Treatment"]
    assert doc.sections[0].text == "Intro paragraph before any heading."
    basics = doc.sections[1].text
    assert basics == "Lupus is an autoimmune disease; see the NHS page and code."
    treatment = doc.sections[2].text
    assert "- Hydroxychloroquine\n- Steroids for flares\n- short courses only" in treatment
    assert "1. Take tablets with food\n2. Keep all appointments" in treatment
    assert 'print("fenced")' in treatment
    assert "Methotrexate | Blood tests" in treatment
    for syntax in ("**", "](", "![", "joints", "nhs.uk", "```", "~~", "#", "---", "<"):
        assert syntax not in doc.text


def test_markdown_indentation_survives_until_rendering(tmp_path: Path) -> None:
    text = "Doses:\n\n    # 5 mg  each morning\n\n- Tablets\n    - with food\n"
    doc = load(write(tmp_path, "dose.md", text))

    # Indented, "# 5 mg" is code, not a heading; flattened too early it would become one.
    assert [s.heading for s in doc.sections] == [""]
    assert doc.text == "Doses:\n\n# 5 mg each morning\n\n- Tablets\n- with food"


def test_markdown_title_is_the_first_heading(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.md", "Some text.\n\n## Shingles *vaccine*\n\nTwo doses.\n")

    assert load(path).meta.title == "Shingles vaccine"


# ------------------------------------------------------------------------------------------------- .html

HTML = """<!DOCTYPE html>
<html><head><title>Biologics | Arthritis Info</title>
<style>.x { color: red }</style><script>var tracking = "SCRIPT-TEXT";</script></head>
<body>
<header><a href="/">SITE-HEADER</a></header>
<nav><ul><li>NAV-HOME</li><li>NAV-ABOUT</li></ul></nav>
<div class="cookie" role="banner">COOKIE-BANNER</div>
<main>
  <article>
    <header><h1>Biologic medicines</h1><nav>ARTICLE-NAV</nav></header>
    <p>Biologics are   <b>targeted</b> medicines<br>given by injection or infusion.</p>
    <img src="drip.png" alt="IMAGE-ALT">
    <h2>Infection risk</h2>
    <p>They can raise the risk of infection.</p>
    <ul><li>Report a fever</li><li>Avoid <a href="/live">live vaccines</a></li></ul>
    <table><tr><th>Medicine</th><th>Given</th></tr><tr><td>Adalimumab</td><td>Every 2 weeks</td></tr></table>
    <aside>ASIDE-TEXT</aside>
    <form><label>FORM-TEXT</label><input value="x"></form>
    <!-- COMMENT-TEXT -->
  </article>
</main>
<p>OUTSIDE-MAIN</p>
<footer>FOOTER-TEXT</footer>
<noscript>NOSCRIPT-TEXT</noscript><iframe src="x">IFRAME-TEXT</iframe>
</body></html>
"""


def test_html_keeps_main_text_and_drops_page_furniture(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "biologics.html", HTML))

    assert doc.meta.title == "Biologics | Arthritis Info"
    assert [s.heading for s in doc.sections] == ["Biologic medicines", "Infection risk"]
    assert doc.sections[0].text == "Biologics are targeted medicines\ngiven by injection or infusion."
    assert doc.sections[1].text == (
        "They can raise the risk of infection.\n\n- Report a fever\n- Avoid live vaccines\n\n"
        "Medicine | Given\nAdalimumab | Every 2 weeks"
    )
    for junk in ("SCRIPT", "SITE-HEADER", "NAV", "NAV-", "COOKIE", "IMAGE-ALT", "ASIDE", "FORM", "COMMENT",
                 "OUTSIDE-MAIN", "FOOTER", "NOSCRIPT", "IFRAME", "color", "<", ">"):  # fmt: skip
        assert junk not in doc.text


def test_html_without_main_uses_body_and_first_h1_as_title(tmp_path: Path) -> None:
    page = "<html><body><nav>Menu</nav><h1>Steroid card</h1><p>Carry it with you.</p></body></html>"
    path = write(tmp_path, "card.htm", page)

    doc = load(path)
    assert doc.meta.title == "Steroid card"
    assert doc.text == "Carry it with you."


# -------------------------------------------------------------------------------------------------- .pdf


def make_pdf(path: Path, pages: list[list[str]], title: str = "") -> Path:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_font("Helvetica", size=12)
    for paragraphs in pages:
        pdf.add_page()
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
    pdf.output(str(path))
    return path


LONG = (
    "Methotrexate is a medicine that calms the immune system. It is taken once a week, never daily, "
    "and you will need regular blood tests while you take it, because it can affect the liver."
)


def test_pdf_one_section_per_page_with_page_numbers(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "mtx.pdf",
        [[LONG, "Take folic acid on a different day."], ["Tell your doctor before any vaccination."]],
        title="Methotrexate and you",
    )

    doc = load(path)
    assert doc.meta.title == "Methotrexate and you"
    assert [(s.page, s.heading) for s in doc.sections] == [
        (1, "Methotrexate and you"),
        (2, "Methotrexate and you"),
    ]
    assert doc.sections[0].text == f"{LONG}\n\nTake folic acid on a different day."
    assert doc.sections[1].text == "Tell your doctor before any vaccination."


def test_pdf_joins_words_hyphenated_at_line_ends(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    for line in (
        "Blood tests check your liver and your blood count during treat-",
        "ment with methotrexate.",
    ):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "hyphen.pdf"))

    doc = load(tmp_path / "hyphen.pdf")
    assert doc.text == "Blood tests check your liver and your blood count during treatment with methotrexate."
    assert doc.sections[0].heading == ""
    assert doc.meta.title == "Hyphen"


def test_pdf_without_text_layer_is_rejected(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60)  # a page with only graphics, like a scan
    pdf.output(str(tmp_path / "scan.pdf"))

    assert load_error(tmp_path / "scan.pdf") == "no text layer (scanned PDF?)"


# ------------------------------------------------------------------------------------------------- .docx


def make_docx(path: Path, core_title: str = "") -> Path:
    document = docx.Document()
    document.core_properties.title = core_title
    document.add_paragraph("Steroids and you", style="Title")
    document.add_paragraph("Read this before you start.")
    document.add_heading("Side effects", level=1)
    document.add_paragraph("Steroids can raise blood sugar.")
    document.add_paragraph("Mood changes", style="List Bullet")
    document.add_paragraph("Trouble sleeping", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Dose", "When"), ("5 mg", "Morning")), strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_heading("Stopping steroids", level=2)
    document.add_paragraph("Never stop suddenly.")
    document.add_heading("Empty heading", level=3)
    document.save(str(path))
    return path


def test_docx_headings_lists_and_tables(tmp_path: Path) -> None:
    doc = load(make_docx(tmp_path / "steroids.docx"))

    assert doc.meta.title == "Steroids and you"
    assert [s.heading for s in doc.sections] == ["Steroids and you", "Side effects", "Stopping steroids"]
    assert doc.sections[0].text == "Read this before you start."
    assert doc.sections[1].text == (
        "Steroids can raise blood sugar.\n\n- Mood changes\n- Trouble sleeping\n\nDose | When\n5 mg | Morning"
    )
    assert doc.sections[2].text == "Never stop suddenly."


def test_docx_title_prefers_core_properties(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "steroids.docx", core_title="Steroid treatment leaflet")

    assert load(path).meta.title == "Steroid treatment leaflet"


# ------------------------------------------------------------------------------------------- encodings


def test_cp1252_text_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "cp.txt", b"Caf\xe9 \x93au lait\x94 spots \x96 usually harmless.")

    assert load(path).text == "Café “au lait” spots – usually harmless."


def test_utf8_bom_and_utf16_bom_are_accepted(tmp_path: Path) -> None:
    text = "Vaccines\n\nInactivated vaccines are safe with biologics."
    for name, raw in (("bom8.txt", text.encode("utf-8-sig")), ("bom16.txt", text.encode("utf-16"))):
        doc = load(write(tmp_path, name, raw))
        assert doc.meta.title == "Vaccines"
        assert doc.text == "Inactivated vaccines are safe with biologics."


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "corrupt.pdf": (random.Random(0).randbytes(4096), "corrupt PDF"),
    "truncated.pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "corrupt PDF"),
    "binary.txt": (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 50, "binary file, not text"),
    "control-chars.md": (bytes(range(1, 32)) * 20, "binary file, not text"),
    "empty.txt": (b"", "empty file"),
    "blank.md": (b"  \n\t\r\n   \n", "no text"),
    "lone-surrogate.txt": (b"\xff\xfe\x00\xd8\x41\x00", "not valid text (encoding)"),
    "undefined-cp1252.txt": (b"caf\xe9 \x81\x8d\x90 \x9d", "not valid text (encoding)"),
    "mixed-encoding.txt": ("café ".encode() + b"r\xe9sum\xe9", "not valid text (encoding): mixes UTF-8"),
    "only-nav.html": (b"<html><body><nav>Home</nav><script>x()</script></body></html>", "no text"),
    "random.docx": (random.Random(1).randbytes(2048), "corrupt .docx"),
    "notes.rtf": (b"{\\rtf1 hello}", "unsupported file type (.rtf)"),
    "README": (b"hello", "unsupported file type (no extension)"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_raise_load_error_with_a_plain_reason(tmp_path: Path, name: str) -> None:
    content, reason = BAD_FILES[name]
    path = write(tmp_path, name, content)

    message = load_error(path)
    assert message.startswith(reason)
    assert name not in message  # the caller adds the file name


def test_docx_zip_without_a_document_is_corrupt(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/readme.txt", "not a document")

    assert load_error(write(tmp_path, "zip.docx", buffer.getvalue())).startswith("corrupt .docx")


def test_missing_file_and_directory_raise_load_error(tmp_path: Path) -> None:
    assert load_error(tmp_path / "absent.txt").startswith("cannot read file")
    (tmp_path / "folder.md").mkdir()
    assert load_error(tmp_path / "folder.md").startswith("cannot read file")


def test_supported_suffixes_are_case_insensitive(tmp_path: Path) -> None:
    assert ".docx" in SUPPORTED_SUFFIXES
    assert load(write(tmp_path, "UPPER.TXT", "Hello there.")).text == "Hello there."


# ------------------------------------------------------------------------------------------ content hash


def test_content_hash_is_sha256_of_bytes_stable_and_byte_sensitive(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", LEAFLET_TXT)
    first, again = load(path), load(path)
    assert first.content_hash == again.content_hash == content_hash(path.read_bytes())
    assert first.content_hash != hashlib.sha256(path.read_bytes()).hexdigest()  # the parser version is in it

    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0x01  # one byte differs
    path.write_bytes(bytes(raw))
    assert load(path).content_hash != first.content_hash


# ------------------------------------------------------------------------------------- reference corpus


@pytest.mark.extdata
def test_every_extdata_document_loads_with_its_title() -> None:
    docs = EXTDATA / "docs"
    if not docs.is_dir():
        pytest.skip(f"extdata folder absent: {docs} (it sits beside the clone as ../shared/extdata)")
    manifest = [json.loads(line) for line in (EXTDATA / "docs_manifest.jsonl").read_text().splitlines()]
    titles = {Path(entry["file"]).name: " ".join(entry["title"].split()) for entry in manifest}
    files = sorted(docs.iterdir())
    assert len(files) == 446

    for path in files:
        doc = load(path)
        assert doc.meta.title == titles[path.name], path.name
        assert doc.text.strip() and all(s.text for s in doc.sections), path.name
        assert doc.meta.title not in doc.text, path.name  # the title line is not repeated as body text


def test_external_manifests_in_csv_and_jsonl_with_their_own_column_names(tmp_path: Path) -> None:
    from citecare.ingest.sources import ManifestError, load_external_manifest

    jsonl = tmp_path / "docs_manifest.jsonl"
    jsonl.write_text(
        json.dumps({"file": "docs/a.txt", "title": "A", "source_url": "https://x.gov/a", "source_name": "NIH",
                    "license_status": "public domain"}) + "\n\n"
        + json.dumps({"file": "docs/b.txt", "url": "https://y.org/b", "publisher": "CDC", "reviewed": "2024-05"})
        + "\n", encoding="utf-8")
    entries = load_external_manifest(jsonl)
    assert entries["a.txt"].url == "https://x.gov/a" and entries["a.txt"].publisher == "NIH"
    assert entries["a.txt"].licence == "public domain" and entries["b.txt"].reviewed == "2024-05"
    csv_file = tmp_path / "m.csv"
    csv_file.write_text("File,Title,URL,Publisher,Licence,Reviewed\nc.txt,C,https://z/c,NHS,OGL v3,2023-01\n",
                        encoding="utf-8")
    assert load_external_manifest(csv_file)["c.txt"].licence == "OGL v3"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "no file"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        load_external_manifest(bad)
    assert [p.split(":")[1] for p in info.value.problems] == ["1", "2"]
