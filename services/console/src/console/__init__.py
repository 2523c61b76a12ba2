"""The Tongxin staff console."""
