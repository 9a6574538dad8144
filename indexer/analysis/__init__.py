"""Analysis: normalisation, segmentation (jieba), the Whoosh tokenizers, pinyin and synonyms."""
