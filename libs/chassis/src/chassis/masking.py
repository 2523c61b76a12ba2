"""Masking personal data for display and sharing: the least that still lets a person be told apart."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """王小明 -> 王*明, 王明 -> 王*, 欧阳小明 -> 欧**明: keep the first and (for 3+) the last character."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
