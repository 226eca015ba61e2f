"""Surveys: import platform exports, run pulse surveys in a session, and analyse them."""
