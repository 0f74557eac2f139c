"""Writes to tenancies, one module per idea: erp_import (the ERP's tenancy file)."""
