"""The unit tree in memory (三级联动): ancestry, visibility, the level above.

Units change only when the directory is seeded, so the tree is read once at
startup (small: a city has a few hundred units) and used for every check.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from casestore.units.models import Unit

_LEVEL_RANK = {"street": 0, "district": 1, "city": 2}


@dataclass(frozen=True)
class UnitNode:
    code: str
    name: str
    level: str
    parent_code: str | None
    kind: str
    department: str | None


class UnitTree:
    def __init__(self, nodes: list[UnitNode]) -> None:
        self.nodes = {n.code: n for n in nodes}
        self._children: dict[str, list[str]] = {}
        for node in nodes:
            if node.parent_code:
                self._children.setdefault(node.parent_code, []).append(node.code)
        roots = [n.code for n in nodes if n.parent_code is None]
        self.root_code = roots[0] if roots else ""

    @classmethod
    def load(cls, session: Session) -> UnitTree:
        return cls(
            [
                UnitNode(u.code, u.name, u.level, u.parent_code, u.kind, u.department)
                for u in session.scalars(select(Unit))
            ]
        )

    def get(self, code: str | None) -> UnitNode | None:
        return self.nodes.get(code) if code else None

    def ancestors(self, code: str) -> list[str]:
        """The unit itself, then its parent, up to the root."""
        chain: list[str] = []
        current: str | None = code
        while current and current not in chain:
            chain.append(current)
            node = self.nodes.get(current)
            current = node.parent_code if node else None
        return chain

    def is_within(self, code: str, ancestor: str) -> bool:
        """Whether ``code`` is ``ancestor`` or one of the units below it (管辖范围)."""
        return ancestor in self.ancestors(code)

    def subtree(self, code: str) -> set[str]:
        found: set[str] = set()
        stack = [code]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(self._children.get(current, []))
        return found

    def upper_unit(self, code: str) -> str:
        """The unit one level above (上一级): a street's district, a district's or a
        district department's city; the city stays the city (the top of the tree).

        A department sits under its government in the tree but at the same level,
        so the level above is found by rank, not by the parent link.
        """
        node = self.nodes.get(code)
        if node is None:
            return self.root_code
        rank = _LEVEL_RANK.get(node.level, 2)
        for candidate in self.ancestors(code)[1:]:
            parent = self.nodes[candidate]
            if _LEVEL_RANK.get(parent.level, 2) > rank and parent.kind != "department":
                return candidate
        return self.root_code

    def department_of(self, government_code: str, department: str) -> str | None:
        for child in self._children.get(government_code, []):
            if self.nodes[child].department == department:
                return child
        return None
