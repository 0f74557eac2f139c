"""Measure the collections run: replay a simulated corporation day by day under two policies.

`roer evaluate_collections` (docs/evaluation.md) builds a fresh simulated corporation into a scratch
database, copies it once per arm, and replays the last months of its history day by day: once with the
blind baseline schedule of DOMAIN.md (`baseline.baseline_document`), once with Roer's own policy. The
same simulated people work both arms (`people`), and the simulated tenants respond to them the same way
in both (`tenants`: a household with a life event that a person talks with keeps a payment arrangement).
Each arm reports its figures (`metrics`), measured against the simulation's ground truth (`roer.demo` life
events and payment profiles, also per group); `table` puts the arms side by side.

The live database is never opened for writing: the arms run in subprocesses whose `ROER_VAR_DIR` is a
temporary folder (`scratch`), and the worker refuses to run anywhere else.
"""
