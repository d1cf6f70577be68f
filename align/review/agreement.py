"""Double review: how far two reviewers agree, where they differ, and how it is settled.

Two reviewers' copies cut the same sentences into beads, perhaps differently. A *region* is
the smallest stretch of a document that both copies cut into whole beads (beads linked by a
shared sentence fall in one region), so that two readings of it can be compared and one of
them chosen. A region both left alike and decided alike is settled; one they differ on waits
for the adjudicator, who takes one reviewer's reading of it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from align.errors import DataError
from align.review.beads import Conflict, Refused, ReviewBead
from align.review.store import ReviewStore, now


def cohen_kappa(decisions: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels, one pair per item: (p_o - p_e) / (1 - p_e) with
    p_e from each rater's own label shares; None when chance agreement is certain (p_e = 1)."""
    n = len(decisions)
    if not n:
        return None
    observed = sum(a == b for a, b in decisions) / n
    first, second = Counter(a for a, _ in decisions), Counter(b for _, b in decisions)
    expected = sum(first[label] * second[label] for label in first) / n**2
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class Agreement:
    """Agreement over beads: ``beads`` in either copy (a bead is the sentences it pairs),
    ``same_boundaries`` in both; of those, ``decided`` both accepted or rejected, ``agreed``
    alike, with Cohen's kappa on accept/reject."""

    reviewers: tuple[str, str]
    beads: int
    same_boundaries: int
    decided: int
    agreed: int
    kappa: float | None
    disputed: int
    settled: int

    @property
    def observed(self) -> float | None:
        return self.agreed / self.decided if self.decided else None

    @property
    def boundary_share(self) -> float | None:
        return self.same_boundaries / self.beads if self.beads else None

    def to_dict(self) -> dict:
        return {
            "reviewers": list(self.reviewers),
            "beads": self.beads,
            "same_boundaries": self.same_boundaries,
            "boundary_share": self.boundary_share,
            "decided": self.decided,
            "agreed": self.agreed,
            "observed": self.observed,
            "kappa": self.kappa,
            "disputed": self.disputed,
            "settled": self.settled,
        }

    def format(self) -> str:
        def share(value: float | None) -> str:
            return "–" if value is None else f"{value:.3f}"

        first, second = self.reviewers
        return (
            f"double review: {first} and {second}\n"
            f"beads with the same boundaries  {self.same_boundaries} of {self.beads} ({share(self.boundary_share)})\n"
            f"decided alike (accept/reject)   {self.agreed} of {self.decided} ({share(self.observed)})\n"
            f"Cohen's kappa                   {share(self.kappa)}\n"
            f"disagreements                   {self.disputed} ({self.settled} settled by the adjudicator)\n"
        )


@dataclass
class Region:
    """One stretch of a document as each reviewer left it."""

    key: str
    doc: str
    first: list[ReviewBead]
    second: list[ReviewBead]

    @property
    def open(self) -> bool:
        """Some bead of it is not decided yet by its reviewer."""
        return any(bead.status is None for bead in self.first + self.second)

    @property
    def alike(self) -> bool:
        def reading(beads: list[ReviewBead]) -> list:
            return sorted((bead.link, bead.status) for bead in beads)

        return reading(self.first) == reading(self.second)

    @property
    def disputed(self) -> bool:
        return not self.open and not self.alike


def _sentence_keys(bead: ReviewBead) -> list[tuple]:
    keys = [("src", bead.doc, i) for i in bead.src_ids] + [("tgt", bead.doc, i) for i in bead.tgt_ids]
    return keys or [("bead", bead.doc, bead.id)]  # a sentence without an id: the bead stands for it


def regions(first: list[ReviewBead], second: list[ReviewBead]) -> list[Region]:
    """The regions of two copies in document order (beads joined by shared sentences)."""
    nodes = [(0, bead) for bead in first] + [(1, bead) for bead in second]
    parent = list(range(len(nodes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple, int] = {}
    for node, (_, bead) in enumerate(nodes):
        for key in _sentence_keys(bead):
            if key in owner:
                parent[root(node)] = root(owner[key])
            else:
                owner[key] = node
    groups: dict[int, list[int]] = {}
    for node in range(len(nodes)):
        groups.setdefault(root(node), []).append(node)
    found = []
    for members in sorted(groups.values(), key=min):
        beads = [nodes[i] for i in members]
        keys = sorted({key[:1] + key[2:] for _, bead in beads for key in _sentence_keys(bead)})
        doc = beads[0][1].doc
        found.append(
            Region(
                json.dumps([doc, keys]),
                doc,
                [bead for copy, bead in beads if copy == 0],
                [bead for copy, bead in beads if copy == 1],
            )
        )
    return found


class DoubleReview:
    """The two reviewers' copies of a store in double review, and the adjudicator's choices."""

    def __init__(self, store: ReviewStore) -> None:
        """The copies of the team's reviewers, where a team has signed in; else every copy."""
        team = {name for (name,) in store.db.execute("SELECT name FROM accounts WHERE role = 'reviewer'")}
        copies = [(name, copy) for name, copy in store.reviewer_copies() if not team or name in team]
        if not store.double:
            raise DataError(f"{store.path}: not a double review (start one with --double)")
        if len(copies) != 2:
            raise DataError(f"{store.path}: double review needs two reviewers' copies, found {len(copies)}")
        self.store = store
        (self.names, stores) = zip(*copies)
        self.copies: tuple[list[ReviewBead], list[ReviewBead]] = (stores[0].beads(), stores[1].beads())
        self.regions = regions(*self.copies)
        rows = store.db.execute("SELECT region, chosen, beads FROM settlements")
        self.settlements = {region: (chosen, json.loads(beads)) for region, chosen, beads in rows}

    def agreement(self) -> Agreement:
        first = {bead.link: bead.status for bead in self.copies[0]}
        second = {bead.link: bead.status for bead in self.copies[1]}
        both = first.keys() & second.keys()
        decisions = [(first[link], second[link]) for link in both if first[link] and second[link]]
        disputed = [region for region in self.regions if region.disputed]
        return Agreement(
            reviewers=(self.names[0], self.names[1]),
            beads=len(first.keys() | second.keys()),
            same_boundaries=len(both),
            decided=len(decisions),
            agreed=sum(a == b for a, b in decisions),
            kappa=cohen_kappa(decisions),
            disputed=len(disputed),
            settled=sum(region.key in self.settlements for region in disputed),
        )

    def disputes(self) -> list[Region]:
        """Regions both reviewers have decided differently that nobody has settled yet."""
        return [region for region in self.regions if region.disputed and region.key not in self.settlements]

    def settled(self) -> list[ReviewBead | Region]:
        """The settled beads in document order, or the region itself where it is not settled."""
        result: list[ReviewBead | Region] = []
        for region in self.regions:
            if region.key in self.settlements:
                _, states = self.settlements[region.key]
                result.extend(ReviewBead.from_state(n, 0, state) for n, state in enumerate(states))
            elif not region.open and region.alike:
                result.extend(region.first)
            else:
                result.append(region)
        return result

    def settle(self, key: str, chosen: str, adjudicator: str) -> str:
        """Take ``chosen``'s reading of a disputed region; returns the history line."""
        region = next((region for region in self.regions if region.key == key), None)
        if region is None or not region.disputed:
            raise Conflict("That disagreement no longer exists (a reviewer changed it since); reload the page")
        if key in self.settlements:
            raise Conflict(f"Already settled: {self.settlements[key][0]}'s reading was taken; reload the page")
        if chosen not in self.names:
            raise Refused(f"Choose one of {', '.join(self.names)}")
        beads = region.first if chosen == self.names[0] else region.second
        summary = f"took {chosen}'s reading of {', '.join(f'#{bead.id}' for bead in beads)} ({region.doc})"
        states = [bead.state() for bead in beads]
        with self.store.transaction():
            self.store.db.execute(
                "INSERT INTO settlements VALUES (?, ?, ?, ?, ?)",
                (key, chosen, json.dumps(states, ensure_ascii=False), adjudicator, now()),
            )
            self.store.record(adjudicator, "settle", summary, [])
        self.settlements[key] = (chosen, states)
        return summary
