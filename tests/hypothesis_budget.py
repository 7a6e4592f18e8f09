"""How many examples a property test generates, scaled by the Hypothesis profile in force.

The profiles (tests/conftest.py) set max_examples for the tests that do not choose their own:
"ci" 100 (the full suite), "dev" 10 (the fast loop, `python3 tasks.py test --fast`), "thorough"
5000. A test whose examples are costly names its count for the "ci" profile through examples(n),
so the other profiles scale it alike: the same properties run everywhere, on fewer or more cases.
"""

from hypothesis import settings

CI_EXAMPLES = 100  # the "ci" profile's max_examples, the counts' reference


def examples(n: int) -> int:
    """`n` examples under the "ci" profile, scaled to the profile loaded (at least 1)."""
    return max(1, round(n * settings.default.max_examples / CI_EXAMPLES))
