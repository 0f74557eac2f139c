"""Benchmarks: `make bench [TARGET=name]`. Not tests: they measure, print and record figures."""
