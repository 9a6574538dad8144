"""The seed corpus and word lists, shipped inside the package as ``egov_corpus``."""
