"""Whoosh's preloading OR matcher without its per-slot Python loops.

On segments under 5,000 documents Whoosh ORs several terms by summing their scores into an
array of 2,048 slots a part. It fills that array from a generator and clears it slot by slot
for every part; on a small index that is most of a search. This subclass sizes the array to
the segment and clears it with one copy; the scores, their order of summation and the
documents found are the same.
"""

from __future__ import annotations

from array import array

from whoosh.matching.combo import ArrayUnionMatcher, CombinationMatcher


class ClearingArrayUnionMatcher(ArrayUnionMatcher):
    """:class:`ArrayUnionMatcher` with an array no longer than the segment, cleared at C speed."""

    def __init__(self, submatchers, doccount: int, boost: float = 1.0, scored: bool = True,
                 partsize: int = 2048):
        CombinationMatcher.__init__(self, submatchers, boost=boost)
        self._scored = scored
        self._doccount = doccount
        self._partsize = max(1, min(partsize or doccount, doccount))
        self._zeros = array("d", bytes(8 * self._partsize))
        self._a = array("d", self._zeros)
        self._docnum = self._min_id()
        self._read_part()

    def _read_part(self) -> None:
        scored = self._scored
        boost = self._boost
        offset = self._docnum
        limit = min(offset + self._partsize, self._doccount)
        a = self._a
        a[:] = self._zeros
        for m in self._submatchers:
            while m.is_active() and m.id() < limit:
                if scored:
                    a[m.id() - offset] += m.score() * boost
                else:
                    a[m.id() - offset] = 1
                m.next()
        self._offset = offset
        self._limit = limit
