"""Clients of the other OpenStack services the inspector calls."""
