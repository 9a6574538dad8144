"""The egov-search benchmark against plain Whoosh with jieba's stock analyzer (``python -m bench``)."""
