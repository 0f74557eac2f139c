"""Writes to the ledger, one module per idea: statements (bank files), rent (monthly charges),
erp (the ERP's ledger), direct_debit (pain.008 collections)."""
