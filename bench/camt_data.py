"""A realistic camt.053 for the benchmark, written once and cached under bench/data/ (git-ignored).

Tenancy i pays to structured reference 7000000000000000+i from IBAN iban_for(i); the mix per 100
entries: 82 payments with a structured reference, 6 with the reference in free text, 5 by IBAN
only, 3 unknown payers, 2 outgoing payments, 2 returned direct debits (AM04/MD06/MD07 ...).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from schwifty import IBAN

DATA = Path(__file__).parent / "data"
TENANCIES = 20_000
REASONS = ("AM04", "MD06", "MS02", "MD07", "AC04")


def reference_for(i: int) -> str:
    return f"{7000000000000000 + i}"


def iban_for(i: int) -> str:
    return str(IBAN.generate("NL", bank_code="ABNA", account_code=f"{1_000_000_000 + i:010d}"))


def mandate_for(i: int) -> str:
    return f"MNDT-{i:06d}"


def _entry(n: int, rng: random.Random, ibans: list[str], day: dt.date) -> str:
    i = rng.randrange(TENANCIES)
    amount = f"{rng.randrange(45_000, 95_000) / 100:.2f}"
    roll = n % 100
    direction, domain, party, extra, remit = "CRDT", "RCDT/ESCT", "Dbtr", "", ""
    iban = ibans[i]
    if roll < 82:
        remit = f"<Strd><CdtrRefInf><Ref>{reference_for(i)}</Ref></CdtrRefInf></Strd>"
    elif roll < 88:
        ref = reference_for(i)
        remit = f"<Ustrd>Huur {day:%B} kenmerk {ref[:4]} {ref[4:8]} {ref[8:12]} {ref[12:]}</Ustrd>"
    elif roll < 93:
        remit = "<Ustrd>huur</Ustrd>"
    elif roll < 96:
        iban = str(IBAN.generate("NL", bank_code="INGB", account_code=f"{n:010d}"))
        remit = "<Ustrd>betaling</Ustrd>"
    elif roll < 98:
        direction, domain, party = "DBIT", "ICDT/ESCT", "Cdtr"
        remit = f"<Ustrd>factuur {n}</Ustrd>"
    else:
        direction, domain = "DBIT", "RDDT/UPDD"
        extra = f"<RtrInf><Rsn><Cd>{REASONS[n % len(REASONS)]}</Cd></Rsn></RtrInf>"
    mandate = f"<MndtId>{mandate_for(i)}</MndtId>" if domain == "RDDT/UPDD" else ""
    family, sub = domain.split("/")
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        f"<AcctSvcrRef>BENCH-{n:08d}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>E2E-{n:08d}</EndToEndId>{mandate}</Refs>"
        f"<RltdPties><{party}><Nm>Huurder {i}</Nm></{party}><{party}Acct><Id><IBAN>{iban}</IBAN></Id></{party}Acct></RltdPties>"
        f"<RmtInf>{remit}</RmtInf>{extra}</TxDtls></NtryDtls></Ntry>\n"
    )


def statement_file(entries: int) -> Path:
    """The cached file with this many entries, written on first use."""
    path = DATA / f"camt053-{entries}.xml"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    rng = random.Random(entries)
    ibans = [iban_for(i) for i in range(TENANCIES)]
    first_day = dt.date(2026, 1, 1)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-03-01T18:00:00+01:00</CreDtTm></GrpHdr>\n"
            "<Stmt><Id>BENCH-1</Id><CreDtTm>2026-03-01T18:00:00+01:00</CreDtTm>"
            "<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        )
        for n in range(entries):
            out.write(_entry(n, rng, ibans, first_day + dt.timedelta(days=n * 59 // entries)))
        out.write("</Stmt></BkToCstmrStmt></Document>\n")
    partial.rename(path)
    return path
