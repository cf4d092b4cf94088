"""A tolerant parse path for Python 2 code: rewrite the Python-2-only tokens, then blank what still fails.

Old projects (Kaggle notebooks, research scripts) are full of ``print x``, ``except E, e:``, backticks, ``ur''``
strings, ``0777`` octals, ``<>``, ``exec "..."``, ``raise E, v`` and ``10L`` longs. ``ast.parse`` of Python 3
rejects each of them, and a whole file (or notebook cell) is lost to the analysis. ``rewrite_py2`` turns those
tokens into their Python 3 spelling **on the same line** (no line is added or removed, so every line number found
in the rewritten code is the line of the original), and ``tolerant_parse`` then parses it, blanking a line that
still fails (replaced by ``pass`` at its indentation) a bounded number of times. Nothing here needs a third-party
package, and nothing is executed.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field

MAX_BLANKED = 3  # lines blanked before giving up: more would analyse a different program
LINES_PER_BLANK = 5  # and at most one blanked line per this many code lines (a one-line file is never "recovered")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)([lLjJ]?)")
_STRING_PREFIX = re.compile(r"(?i)(ur|ru|br|rb|fr|rf|u|r|b|f)?('''|\"\"\"|'|\")")
_COMPOUND = {"if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class"}
_STMT_KEYWORDS = {"print", "exec"}
_RENAMED = {"async": "async_", "await": "await_", "nonlocal": "nonlocal_"}
# IPython shell aliases a notebook (or a script exported from one) may call without "!" or "%"
_SHELL_ALIASES = {"ls", "cd", "pwd", "mkdir", "rmdir", "rm", "cp", "mv", "cat", "less", "man", "clear", "ll", "pip",
                  "conda", "wget", "head", "tail"}


@dataclass(slots=True)
class TolerantParse:
    """The module parsed (None when nothing could be), what was rewritten, which lines were blanked, and why not."""

    tree: ast.Module | None
    rewritten: bool = False
    blanked: list[int] = field(default_factory=list)  # 1-based line numbers replaced by ``pass``
    error: str | None = None

    @property
    def note(self) -> str | None:
        """A one-line account of what the analysis skipped or changed, for the file's coverage."""
        if self.tree is None:
            return self.error
        parts = []
        if self.rewritten:
            parts.append("Python 2 syntax rewritten")
        if self.blanked:
            parts.append(f"line(s) {', '.join(map(str, self.blanked))} skipped (could not be parsed)")
        return "; ".join(parts) or None


def tolerant_parse(text: str) -> TolerantParse:
    """Parse ``text``, silencing the SyntaxWarnings the audited code triggers (invalid escapes in old regexes)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return _tolerant_parse(text)


def _tolerant_parse(text: str) -> TolerantParse:
    """Parse ``text``; on failure rewrite Python 2 tokens, then blank failing lines (at most MAX_BLANKED, and one
    per LINES_PER_BLANK code lines)."""
    if "\x00" in text:
        return TolerantParse(None, error="the file contains null bytes")
    try:
        return TolerantParse(ast.parse(text))
    except (SyntaxError, ValueError):
        pass
    except (RecursionError, MemoryError):
        return TolerantParse(None, error="too deeply nested to parse")
    try:
        rewritten = rewrite_py2(text)
    except (IndexError, ValueError, RecursionError) as exc:  # a rewrite bug must not stop the audit
        return TolerantParse(None, error=f"syntax error; the Python 2 rewrite failed ({type(exc).__name__})")
    changed = rewritten != text
    lines = rewritten.split("\n")
    code_lines = sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))
    limit = min(MAX_BLANKED, code_lines // LINES_PER_BLANK)
    blanked: list[int] = []
    last_error = ""
    for _ in range(MAX_BLANKED + 1):
        try:
            return TolerantParse(ast.parse("\n".join(lines)), changed, blanked)
        except (RecursionError, MemoryError):
            return TolerantParse(None, changed, blanked, "too deeply nested to parse")
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            last_error = _describe(exc, text)
            if not line or line > len(lines) or line in blanked or len(blanked) >= limit:
                break
            lines[line - 1] = _blank(lines[line - 1])
            blanked.append(line)
    return TolerantParse(None, changed, blanked, last_error)


def _describe(exc: SyntaxError | ValueError, original: str) -> str:
    line = getattr(exc, "lineno", None)
    msg = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    kind = "Python 2 syntax" if looks_like_py2(original) else "syntax error"
    return f"{kind} (line {line}): {msg}" if line else f"{kind}: {msg}"


def looks_like_py2(text: str) -> bool:
    """Heuristic: a print statement, ``except E, e`` or a backtick outside a string."""
    return bool(re.search(r"^\s*print\s+[^\s(=]", text, re.MULTILINE) or re.search(r"except\s+[\w.()\s,]+,\s*\w+\s*:", text)
                or re.search(r"^\s*exec\s+[\"'\w]", text, re.MULTILINE))


def _blank(line: str) -> str:
    indent = line[: len(line) - len(line.lstrip())]
    body = line.strip()
    if not body or body.startswith("#"):
        return line
    # keep a block opener's colon so the indented block after it still parses
    return f"{indent}if 1:" if body.endswith(":") and not body.startswith(("else", "elif", "except", "finally")) else f"{indent}pass"


# --- the token rewriter -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Token:
    kind: str  # name | number | string | op | comment | nl (end of a physical line) | ws
    text: str
    line: int


def _tokens(text: str) -> list[_Token]:
    """A small, forgiving lexer: strings (any prefix, triple quotes), comments, names, numbers, operators."""
    out: list[_Token] = []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            out.append(_Token("nl", c, line))
            line += 1
            i += 1
            continue
        if c in " \t\r\f":
            j = i
            while j < n and text[j] in " \t\r\f":
                j += 1
            out.append(_Token("ws", text[i:j], line))
            i = j
            continue
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(_Token("comment", text[i:j], line))
            i = j
            continue
        if c == "\\" and i + 1 < n and text[i + 1] == "\n":
            out.append(_Token("ws", "\\\n", line))
            line += 1
            i += 2
            continue
        m = _STRING_PREFIX.match(text, i)
        if m and (c in "'\"" or not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"))):
            end = _string_end(text, m.end(), m.group(2), "r" in (m.group(1) or "").lower())
            s = text[i:end]
            out.append(_Token("string", s, line))
            line += s.count("\n")
            i = end
            continue
        if c.isalpha() or c == "_":
            m2 = _IDENT.match(text, i)
            assert m2 is not None
            out.append(_Token("name", m2.group(), line))
            i = m2.end()
            continue
        if c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            m3 = _NUMBER.match(text, i)
            if m3:
                out.append(_Token("number", m3.group(), line))
                i = m3.end()
                continue
        two = text[i:i + 2]
        if two in ("<>", "==", "!=", "<=", ">=", "**", "//", ">>", "<<", "->", ":="):
            out.append(_Token("op", two, line))
            i += 2
            continue
        out.append(_Token("op", c, line))
        i += 1
    return out


def _string_end(text: str, start: int, quote: str, raw: bool) -> int:
    """Index just after the string opened by ``quote`` at ``start`` (an unterminated one ends at its line)."""
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i + len(quote)
        if c == "\n" and len(quote) == 1:
            return i
        i += 1
    return n


def _fix_number(tok: str) -> str:
    m = _NUMBER.fullmatch(tok)
    if not m:
        return tok
    body, suffix = m.group(1), m.group(5)
    if suffix in ("l", "L"):
        suffix = ""
    if len(body) > 1 and body[0] == "0" and body[1].isdigit() and "." not in body and "e" not in body.lower():
        body = "0o" + body[1:] if body.strip("0") else "0"
    return body + suffix


def _fix_string(tok: str) -> str:
    m = _STRING_PREFIX.match(tok)
    prefix = (m.group(1) or "") if m else ""
    if prefix.lower() in ("ur", "ru"):
        return "u" + tok[len(prefix):] if "\\" not in tok else "r" + tok[len(prefix):]
    return tok


def rewrite_py2(text: str) -> str:
    """The same code with Python 2 tokens spelled the Python 3 way; every line keeps its number."""
    toks = _tokens(text.expandtabs(8) if "\t" in text and _mixed_indent(text) else text)
    for t in toks:
        if t.kind == "number":
            t.text = _fix_number(t.text)
        elif t.kind == "string":
            t.text = _fix_string(t.text)
        elif t.kind == "op" and t.text == "<>":
            t.text = "!="
        elif t.kind == "name" and t.text in _RENAMED:
            t.text = _RENAMED[t.text]
    for start, end in _statements(toks):
        _fix_statement(toks, start, end)
    _fix_backticks(toks)
    return "".join(t.text for t in toks)


def _mixed_indent(text: str) -> bool:
    indents = {line[: len(line) - len(line.lstrip(" \t"))] for line in text.split("\n")}
    return any("\t" in i for i in indents) and any(" " in i for i in indents)


def _fix_backticks(toks: list[_Token]) -> None:
    """`x` -> repr(x), pairing backticks within a line."""
    open_at: int | None = None
    for i, t in enumerate(toks):
        if t.kind == "nl":
            open_at = None
        elif t.kind == "op" and t.text.startswith("`"):  # a statement rewrite may have appended to it
            if open_at is None:
                t.text, open_at = "repr(" + t.text[1:], i
            else:
                t.text, open_at = ")" + t.text[1:], None


def _statements(toks: list[_Token]) -> list[tuple[int, int]]:
    """(start, end) token ranges of simple statements: split at newlines outside brackets, at ``;`` and after a
    compound statement's header colon."""
    out: list[tuple[int, int]] = []
    depth, start = 0, 0
    first_name: str | None = None
    for i, t in enumerate(toks):
        if t.kind == "op" and t.text in ("(", "[", "{"):
            depth += 1
        elif t.kind == "op" and t.text in (")", "]", "}"):
            depth = max(0, depth - 1)
        elif depth == 0 and (t.kind == "nl" or (t.kind == "op" and t.text == ";")):
            out.append((start, i))
            start, first_name = i + 1, None
            continue
        elif depth == 0 and t.kind == "op" and t.text == ":" and first_name in _COMPOUND:
            out.append((start, i + 1))
            start, first_name = i + 1, None
            continue
        if first_name is None and t.kind not in ("ws", "comment", "nl"):
            first_name = t.text if t.kind == "name" else ""
    out.append((start, len(toks)))
    return out


def _significant(toks: list[_Token], start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if toks[i].kind not in ("ws", "comment", "nl")]


def _fix_statement(toks: list[_Token], start: int, end: int) -> None:
    idx = _significant(toks, start, end)
    if not idx:
        return
    head = toks[idx[0]]
    if (head.kind == "op" and head.text in ("%", "!")) or _shell_alias(toks, idx):
        head.text = "pass"  # an IPython magic or shell command: nothing for the analysis
        for i in idx[1:]:  # a multi-line token (an open triple-quoted string) keeps its line breaks
            toks[i].text = "\n" * toks[i].text.count("\n")
        for i in range(idx[0] + 1, end):
            if toks[i].kind in ("ws", "comment"):
                toks[i].text = "" if "\n" not in toks[i].text else "\n" * toks[i].text.count("\n")
    elif head.kind == "name" and head.text in _STMT_KEYWORDS:
        _fix_print_exec(toks, idx)
    elif head.kind == "name" and head.text == "raise":
        _fix_raise(toks, idx)
    elif head.kind == "name" and head.text == "except":
        _fix_except(toks, idx)


def _shell_alias(toks: list[_Token], idx: list[int]) -> bool:
    """``ls -lh data/`` or ``cd ..`` at a statement start: a shell alias, when the statement is not Python."""
    head = toks[idx[0]]
    if head.kind != "name" or head.text not in _SHELL_ALIASES or len(idx) < 2 or toks[idx[0] + 1].kind != "ws":
        return False
    text = "".join(toks[i].text for i in range(idx[0], idx[-1] + 1))
    try:
        ast.parse(text)
        return False
    except (SyntaxError, ValueError):
        return True


def _balanced(toks: list[_Token], idx: list[int]) -> bool:
    depth = 0
    for i in idx:
        t = toks[i]
        if t.kind == "op" and t.text in ("(", "[", "{"):
            depth += 1
        elif t.kind == "op" and t.text in (")", "]", "}"):
            depth -= 1
    return depth == 0


def _depth0_commas(toks: list[_Token], idx: list[int]) -> list[int]:
    depth, out = 0, []
    for i in idx:
        t = toks[i]
        if t.kind == "op" and t.text in ("(", "[", "{"):
            depth += 1
        elif t.kind == "op" and t.text in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and t.kind == "op" and t.text == ",":
            out.append(i)
    return out


def _fix_print_exec(toks: list[_Token], idx: list[int]) -> None:
    head = toks[idx[0]]
    rest = idx[1:]
    if not _balanced(toks, rest):
        return  # a statement cut short (a truncated cell): leave it to the blank-line retry
    nxt = toks[rest[0]] if rest else None
    if nxt is not None and nxt.kind == "op":
        if nxt.text == "(" and _closes_at_end(toks, rest):
            return  # print("a") / exec(code): already a call  # audited-safe: source text is rewritten, never run
        spaced = toks[idx[0] + 1].kind == "ws"
        if nxt.text in ("=", ".", ",", ")", ":", "==", "|", "&", "/") or (not spaced and nxt.text != "("):
            return  # the name used as a value (print = f, print.x, print[0]), not a statement
    last = rest[-1] if rest else idx[0]
    if head.text == "exec":
        in_at = next((i for i in rest if toks[i].kind == "name" and toks[i].text == "in"), None)
        if in_at is not None:
            toks[in_at].text = ","
        head.text = "exec("  # audited-safe: rewrites the token text for ast.parse; nothing is executed
        toks[last].text += ")"
        return
    suffix = ")"
    if rest and toks[rest[0]].kind == "op" and toks[rest[0]].text == ">>":
        commas = _depth0_commas(toks, rest)
        if commas:  # print >>f, a, b  ->  print(a, b, file=f)
            target = "".join(toks[i].text for i in range(rest[1], commas[0]) if toks[i].kind != "nl").strip()
            for i in range(rest[0], commas[0] + 1):
                toks[i].text = "" if toks[i].kind != "nl" else toks[i].text
            suffix = f", file={target})"
            rest = [i for i in rest if i > commas[0]]
            last = rest[-1] if rest else commas[0]
    if rest and toks[last].kind == "op" and toks[last].text == ",":
        toks[last].text = ""
        suffix = ", end=' '" + suffix
    head.text = "print("
    toks[last].text += suffix if rest else ")"


def _closes_at_end(toks: list[_Token], rest: list[int]) -> bool:
    """True when the bracket opened at rest[0] closes at the statement's last token: ``print("a")``."""
    depth = 0
    for pos, i in enumerate(rest):
        t = toks[i]
        if t.kind == "op" and t.text in ("(", "[", "{"):
            depth += 1
        elif t.kind == "op" and t.text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return pos == len(rest) - 1 or toks[rest[pos + 1]].text in (".", "[", "%", "+", "*", "-", "(", ",")
    return False


def _fix_raise(toks: list[_Token], idx: list[int]) -> None:
    """raise E, v[, tb] -> raise E(v)."""
    commas = _depth0_commas(toks, idx[1:])
    if not commas:
        return
    toks[commas[0]].text = "("
    if len(commas) > 1:
        for i in idx:
            if i >= commas[1]:
                toks[i].text = ""
        last = max(i for i in idx if i < commas[1])
    else:
        last = idx[-1]
    toks[last].text += ")"


def _fix_except(toks: list[_Token], idx: list[int]) -> None:
    """except E, e: -> except E as e:  (also ``except (A, B), e:``)."""
    colon = next((i for i in reversed(idx) if toks[i].kind == "op" and toks[i].text == ":"), None)
    body = [i for i in idx[1:] if colon is None or i < colon]
    commas = _depth0_commas(toks, body)
    if len(commas) == 1 and body and body[-1] > commas[0] and toks[body[-1]].kind == "name":
        toks[commas[0]].text = " as"
