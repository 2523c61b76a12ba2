"""Tongxin three-source evaluation (三评体系): 官评, 自评, 民评."""
