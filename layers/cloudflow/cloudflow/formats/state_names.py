"""Names of the ASL states a conversion emits: the author's names, plus unique names for helper states."""

from __future__ import annotations

from dataclasses import dataclass, field

# Step Functions (and cloudflow.asl.validation) allow 1 to 80 characters, unique across the definition.
MAX_STATE_NAME_LENGTH = 80


@dataclass
class StateNames:
    """Every name used so far; the author's names are claimed first so helpers never take one of them."""

    used: dict[str, str] = field(default_factory=dict)
    """Name -> JSON pointer of the state that claimed it."""

    def claim(self, name: str, pointer: str) -> str | None:
        """Claim an author's state name; the pointer of the earlier claim when it is taken already."""
        if name in self.used:
            return self.used[name]
        self.used[name] = pointer
        return None

    def helper(self, owner: str, role: str) -> str:
        """A fresh name for a helper state of `owner`, such as `Charge (OutputConstructor)`."""
        suffix = f" ({role})"
        base = owner[: MAX_STATE_NAME_LENGTH - len(suffix)] + suffix
        name, counter = base, 2
        while name in self.used:
            tail = f" {counter}"
            name = base[: MAX_STATE_NAME_LENGTH - len(tail)] + tail
            counter += 1
        self.used[name] = ""
        return name
