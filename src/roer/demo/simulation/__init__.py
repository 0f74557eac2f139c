"""The simulated corporation as pure functions: no database, only `random.Random` and plain data."""
