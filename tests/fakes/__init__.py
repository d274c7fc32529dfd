"""Fake platform APIs on loopback and payload builders, shared by the channel tests and the bench."""
