"""Tongxin registry of work objects (统战对象信息库)."""
