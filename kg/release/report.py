"""What a build produced: triples per graph, the records read, the validation, the files written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class BuildReport:
    """What a build produced: triples per graph and the files written."""

    triples: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    records: int = 0
    validation: str = ""

    def summary(self) -> str:
        width = max(len(name) for name in self.triples)
        lines = [f"built {len(self.triples)} graphs from {self.records} records:"]
        for name, count in self.triples.items():
            lines.append(f"  {name:<{width}}  {count:>7} triples")
        lines.append(f"  {'total':<{width}}  {sum(self.triples.values()):>7} triples")
        if self.validation:
            lines.append(self.validation)
        lines.extend(f"wrote {path}" for path in self.files)
        return "\n".join(lines)
