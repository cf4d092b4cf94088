"""Safe, bounded YAML parsing through libyaml's C loader when present (about 10x faster than the pure-Python one).

Bounds (hostile repos put YAML bombs in params.yaml, dvc.lock or MLflow meta.yaml):

- size: text over ``yaml.max_bytes`` is refused before parsing;
- aliases: a document whose aliases expand to more than ``yaml.max_nodes`` nodes ("billion laughs",
  merge-key ``<<`` chains) is refused after composition and before construction, so nothing expands;
- nesting: libyaml stops at 1,000 levels; the pure-Python fallback's RecursionError becomes a YAMLError.

Every refusal is a ``yaml.YAMLError`` subclass, so callers that already handle invalid YAML handle bombs too.
"""

from __future__ import annotations

from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TextLoader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

MAX_NODES, MAX_BYTES = "yaml.max_nodes", "yaml.max_bytes"  # thresholds declared in core.config
_LIMITS = {"nodes": 1_000_000, "bytes": 16 * 1024 * 1024}


def configure(config: Any) -> None:
    """Apply the configured YAML bounds (an AuditConfig) to every later ``load_yaml`` in this process."""
    _LIMITS["nodes"] = int(config.threshold(MAX_NODES))
    _LIMITS["bytes"] = int(config.threshold(MAX_BYTES))


class YamlBomb(yaml.YAMLError):
    """A YAML document too large, too deep or expanding too much through aliases; it was not constructed."""


def expanded_size(node: yaml.Node, limit: int) -> int:
    """How many nodes a consumer walking the document would visit (aliases counted every time), stopping past ``limit``."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        key = id(current)
        if key in sizes:
            continue
        kids: list[yaml.Node] = []
        if isinstance(current, yaml.SequenceNode):
            kids = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            kids = [n for pair in current.value for n in pair]
        if not children_done:
            stack.append((current, True))
            stack.extend((k, False) for k in kids if id(k) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(k), 1) for k in kids)
        if total > limit:
            return total
        sizes[key] = total
    return sizes.get(id(node), 1)


def load_yaml(text: str | bytes, *, text_only: bool = False, max_nodes: int | None = None,
              max_bytes: int | None = None) -> Any:
    """``yaml.safe_load`` semantics (no arbitrary tags, no object construction), fast and bounded.

    ``text_only`` keeps every scalar as text (``BaseLoader``: run ids like 0001 must not become numbers).
    Raise YamlBomb (a YAMLError) for a document over ``max_bytes``, nested too deep, or whose aliases
    expand past ``max_nodes``.
    """
    max_nodes = _LIMITS["nodes"] if max_nodes is None else max_nodes
    max_bytes = _LIMITS["bytes"] if max_bytes is None else max_bytes
    if len(text) > max_bytes:
        raise YamlBomb(f"YAML document of {len(text)} bytes is over the {max_bytes}-byte limit; not parsed")
    loader = (_TextLoader if text_only else _Loader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        has_alias = (b"*" in text) if isinstance(text, bytes) else ("*" in text)
        if has_alias:
            size = expanded_size(node, max_nodes)
            if size > max_nodes:
                raise YamlBomb(f"YAML aliases expand to more than {max_nodes} nodes (a YAML bomb); not read")
        return loader.construct_document(node)
    except RecursionError as exc:
        raise YamlBomb("YAML nested too deeply to parse; not read") from exc
    finally:
        loader.dispose()
