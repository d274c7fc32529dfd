"""Tests of the platform channels (channels/)."""
