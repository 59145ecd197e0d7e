"""Demo data for `make run` and `flask p2p demo`: cases for every eligibility outcome, a
realistic population of medical directors, and keys to try the API with. Not used by the
service itself."""

from p2p.demo.loader import load

__all__ = ["load"]
