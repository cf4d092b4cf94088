"""Syntax colours of code and diffs: spans found with Pygments, applied to the lines scrolled into view."""

from __future__ import annotations


def kinds_at(spans, line: int, text: str) -> dict[str, str]:
    """The coloured words of one line: word -> kind."""
    return {text.split("\n")[line][s:s + n]: k for s, n, k in spans.get(line, [])}


def test_code_spans_colour_keywords_strings_comments_numbers() -> None:
    """A Python file: def/return are keywords, the name a function, the literal a string, # a comment, 42 a number."""
    from mlaudit.gui.syntax import code_spans

    text = 'import os\n\ndef train(x):\n    return x + 42  # the answer\nname = "model.pkl"\n'
    spans = code_spans(text, "src/train.py")
    assert kinds_at(spans, 2, text) == {"def": "keyword", "train": "name"}
    assert kinds_at(spans, 3, text) == {"return": "keyword", "42": "number", "# the answer": "comment"}
    assert kinds_at(spans, 4, text) == {'"': "string", "model.pkl": "string"}
    assert code_spans("plain words", "README") == {}  # no lexer for an unknown file type: shown plain


def test_diff_spans_skip_headers_and_shift_past_the_marker() -> None:
    """A unified diff: headers stay plain; a +/- line's tokens start one column in, each file with its own lexer."""
    from mlaudit.gui.syntax import diff_spans

    text = ("diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1,2 +1,2 @@\n"
            "-def fit(c=1):\n+def fit(c=2):\n     return c\n"
            "diff --git a/params.yaml b/params.yaml\n@@ -1 +1 @@\n-lr: 0.1\n+lr: 0.2\n")
    spans = diff_spans(text)
    assert not any(line in spans for line in range(4))  # diff --git, ---, +++, @@
    assert kinds_at(spans, 4, text)["def"] == "keyword" and spans[4][0][0] == 1
    assert kinds_at(spans, 6, text)["return"] == "keyword"
    assert kinds_at(spans, 10, text).get("lr") == "name" and "0.2" in kinds_at(spans, 10, text)  # the YAML lexer
    page = "+def g():\n+    pass\n"  # a later page of a diff starts inside a hunk
    assert kinds_at(diff_spans(page, "a.py", in_hunk=True), 0, page)["def"] == "keyword"
    assert diff_spans(page, "a.py") == {}


def test_viewer_colours_only_visible_lines(qtbot) -> None:
    """CodeViewer applies the spans to the lines in view, and to later lines once they are scrolled to."""
    from mlaudit.gui.evidence import EvidenceText
    from mlaudit.gui.syntax import diff_spans
    from mlaudit.gui.views.findings import CodeViewer

    body = "".join(f"+def f{i}(x):\n+    return x * {i}\n" for i in range(2000))
    text = "diff --git a/m.py b/m.py\n@@ -0,0 +1,4000 @@\n" + body
    viewer = CodeViewer()
    qtbot.addWidget(viewer)
    viewer.resize(600, 300)
    viewer.show()
    viewer.show_text(EvidenceText("m.py", text, kind="diff", spans=diff_spans(text)))
    doc = viewer.document()
    assert doc.findBlockByNumber(2).layout().formats()  # "+def f0(x):" is in view: coloured
    assert not doc.findBlockByNumber(3000).layout().formats()  # far below: not coloured yet
    viewer.verticalScrollBar().setValue(2995)
    qtbot.wait(50)
    assert doc.findBlockByNumber(3000).layout().formats()
    assert len(viewer.highlighter.done) < 200  # only what was seen
