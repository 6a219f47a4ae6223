"""Benchmarks for mentorbot (issue #6): `make bench` runs them all and writes bench/results.md.

They report figures and never pass or fail on a time; correctness (no loss, no duplicate) is counted
and reported next to each figure."""
