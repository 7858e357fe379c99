"""Byte-for-byte pictures of a folder, to prove a failed step changed nothing."""

from __future__ import annotations

from pathlib import Path


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too) with its bytes; {} when ``root`` is absent."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
