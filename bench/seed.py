"""Run in a child process with ROER_VAR_DIR set: the tenancies the benchmark statement pays to."""

from __future__ import annotations

import datetime as dt
import os
import sys


def main(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roer.conf.settings")
    import django

    django.setup()
    from bench.camt_data import iban_for, mandate_for, reference_for
    from roer.tenancies.models import Dwelling, Tenancy

    dwellings = Dwelling.objects.bulk_create(
        Dwelling(
            reference=f"VHE{i:06d}",
            street="Dorpsstraat",
            house_number=str(i),
            postcode="1234 AB",
            city="Zwolle",
        )
        for i in range(count)
    )
    Tenancy.objects.bulk_create(
        (
            Tenancy(
                reference=f"HO{i:06d}",
                dwelling=dwelling,
                start_date=dt.date(2010, 1, 1),
                iban=iban_for(i),
                payment_reference=reference_for(i),
                mandate_id=mandate_for(i),
            )
            for i, dwelling in enumerate(dwellings)
        ),
        batch_size=2000,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
