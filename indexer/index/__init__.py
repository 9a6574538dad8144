"""The index: the schema made from the field table, full builds, incremental updates, the
generations behind an atomic ``current`` link, and the word lists kept beside each."""
