"""How a document's score was made: the logical tree that answered the search, each node
that matched the document with its score there and the ranking signal it stands for
(:mod:`.signals`), down to BM25F's parts for each term. Computed by evaluating every node
on that one document, so the top line is the document's score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .logical import Node, Phrase, Term
from .segment import Segment


@dataclass
class Explanation:
    """One node's share of a document's score."""

    node: str  # the node, written out
    score: float
    signal: str | None = None
    detail: str = ""  # BM25F's parts, for a term
    children: list[Explanation] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready data."""
        return {"node": self.node, "score": round(self.score, 6), "signal": self.signal,
                "detail": self.detail, "children": [child.to_dict() for child in self.children]}

    def lines(self, depth: int = 0) -> list[str]:
        """The explanation as indented lines: score, signal, node, detail."""
        signal = f" [{self.signal}]" if self.signal else ""
        detail = f"  ({self.detail})" if self.detail else ""
        own = f"{'  ' * depth}{self.score:.4f}{signal} {self.node}{detail}"
        return [own, *(line for child in self.children for line in child.lines(depth + 1))]


def explain(segment: Segment, node: Node, doc: int) -> Explanation | None:
    """How ``node`` scores document ``doc`` of ``segment`` (``None`` if it does not match)."""
    within = np.array([doc], dtype=np.int32)
    found = segment.run(node, True, within)
    if not len(found):
        return None
    children = [made for child in node.children if (made := explain(segment, child, doc)) is not None]
    detail = ""
    if isinstance(node, Term | Phrase):
        words = [node.text] if isinstance(node, Term) else list(node.words)
        detail = " + ".join(segment.bm25_parts(node.field, word, doc) for word in words)
    return Explanation(written(node), float(found.scores[0]), node.signal, detail, children)


def written(node: Node) -> str:
    """A node without its children (they have lines of their own)."""
    if node.children:
        return f"{type(node).__name__}{_boost(node)}"
    return repr(node)


def _boost(node: Node) -> str:
    boost = getattr(node, "boost", 1.0)
    return f" ×{boost:g}" if boost != 1.0 else ""
