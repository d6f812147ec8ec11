"""Routing rules (分流规则): category x location → responsible unit, read from data.

The rules file (default ``casestore/units/routing_rules.json``, or the
``ROUTING_RULES_FILE`` setting) lists ``{"category", "scope", "department"?}``;
the first rule whose category matches (``"*"`` matches all) decides:

- ``street``: the street office of the place (属地), else its district, else the city;
- ``district``: the district government, or its department of that kind; the
  city (department) when no district is known;
- ``city``: the city unit, or the city department of that kind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from casestore.units.tree import UnitTree

DEFAULT_RULES_FILE = Path(__file__).with_name("routing_rules.json")
SCOPES = ("street", "district", "city")


class RoutingRulesError(ValueError):
    """The routing rules file is malformed."""


@dataclass(frozen=True)
class RoutingRule:
    category: str
    scope: str
    department: str | None = None


class RoutingRules:
    def __init__(self, rules: list[RoutingRule]) -> None:
        self.rules = rules

    @classmethod
    def load(cls, path: Path | None = None) -> RoutingRules:
        path = path or DEFAULT_RULES_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            rules = [
                RoutingRule(r["category"], r["scope"], r.get("department")) for r in data["rules"]
            ]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RoutingRulesError(f"routing rules file {path} is malformed: {exc!r}") from exc
        for rule in rules:
            if rule.scope not in SCOPES:
                raise RoutingRulesError(f"unknown scope {rule.scope!r} in {path}")
        return cls(rules)

    def rule_for(self, category: str | None) -> RoutingRule:
        for rule in self.rules:
            if rule.category in ("*", category):
                return rule
        return RoutingRule("*", "street")

    def choose(
        self,
        tree: UnitTree,
        category: str | None,
        territorial_unit: str,
    ) -> str:
        """The responsible unit for a case whose place routes to ``territorial_unit``."""
        rule = self.rule_for(category)
        node = tree.get(territorial_unit)
        if node is None:
            return tree.root_code
        if rule.scope == "street":
            return territorial_unit
        government = territorial_unit
        if rule.scope == "district" and node.level == "street":
            government = node.parent_code or tree.root_code
        if rule.scope == "city":
            government = tree.root_code
        if rule.department:
            return tree.department_of(government, rule.department) or government
        return government
