"""Shared code of the energy-billing functions (a Lambda layer: ``layers/billing/python``).

Flow of a reading through the platform, and the module that knows each step:

- ``lineitems``  the 30 line items of a half-hour (kWh plus 29 charges in GBP).
- ``settlement`` settlement days and periods: 48 half-hours a day, 46 on the spring clock
  change and 50 on the autumn one (UK local time), months of days.
- ``readings``   the CSV file format: header, one row per meter × day × period × revision,
  row validation (MPAN check digit, types, period range, revision 1–6).
- ``keys``       the DynamoDB key design of both tables (read its docstring first).
- ``store``      reading the tables back: the latest revision of each half-hour, totals.
- ``sample``     a deterministic generator of reading files (used by tests, bench, README).
"""
