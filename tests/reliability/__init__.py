"""Reliability tests: faults, races, bad input, secrets and safety of the collection and its role."""
