"""Helpers shared by several test packages (data builders, form posts)."""
