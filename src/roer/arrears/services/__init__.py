"""Writes of the arrears app: the nightly collections run, letters, collection costs, episodes."""
