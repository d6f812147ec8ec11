"""Heat of a hot issue (热度): people, recency, growth and public support.

    heat = 10·log2(1 + recent activity × people/cases) + 5·log2(1 + people)
           + 4·log2(1 + max(growth, 0)) + 3·log10(1 + likes)

- people: distinct complainants (phone, ID number or source account, compared
  by keyed hash; an anonymous case counts as one person). Ten letters from one
  person are a repeat petition, not a hot issue; ten people are;
- recent activity: cases weighted by age — 1 in the last 30 days, 0.7 up to
  90, 0.5 up to 180, 0.3 up to a year (a step-wise decay that SQL on any
  backend can count), scaled by the share of distinct people;
- growth: cases of the last 30 days against the 30-day average of the 90 days
  before (+1 smoothing), minus 1 — 0 means "as usual", 2 means "three times";
- likes (点赞) on a log scale, so one viral post cannot outweigh many people.
Logarithms keep any one part from dominating. "As of" is the newest case in
scope, so a quiet weekend or a historical import does not flatten every score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# (days, weight): a case younger than ``days`` weighs ``weight`` (first match).
DECAY = ((30, 1.0), (90, 0.7), (180, 0.5), (365, 0.3))


@dataclass(frozen=True)
class IssueCounts:
    total: int  # cases in the heat window (a year)
    people: int  # distinct complainants among them
    last30: int
    last90: int
    last180: int
    before30: int  # cases 30–120 days before "as of"
    likes: int


def activity(c: IssueCounts) -> float:
    return (
        c.last30 * 1.0
        + (c.last90 - c.last30) * 0.7
        + (c.last180 - c.last90) * 0.5
        + (c.total - c.last180) * 0.3
    )


def growth(c: IssueCounts) -> float:
    baseline = c.before30 / 3.0
    return round((c.last30 + 1.0) / (baseline + 1.0) - 1.0, 2)


def heat(c: IssueCounts) -> float:
    share = c.people / c.total if c.total else 0.0
    score = (
        10.0 * math.log2(1.0 + activity(c) * share)
        + 5.0 * math.log2(1.0 + c.people)
        + 4.0 * math.log2(1.0 + max(growth(c), 0.0))
        + 3.0 * math.log10(1.0 + max(c.likes, 0))
    )
    return round(score, 1)
