"""Moving clients in and out of the book: the import pipeline, then the export.

The modules read in the order of the pipeline:

1. :mod:`.read` opens a CSV or XLSX file and yields its rows as text cells;
2. :mod:`.mapping` recognises the header and maps each column to a client field;
3. :mod:`.validate` turns each row into a validated client (on worker processes) and
   holds the plan and report types;
4. :mod:`.apply` stages the validated rows, classifies duplicates and writes
   everything in one transaction.

:mod:`.export` writes clients as CSV, JSON, JSON Lines, XLSX or vCard, and
:mod:`.history` imports invoices, quotes and payments through the same reader.
"""
