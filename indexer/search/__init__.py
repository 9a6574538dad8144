"""Search: parse (string → query tree), plan (tree → Whoosh query), ranking, the engine
(index handle), the pipeline (the query policy), suggest, correct, related and highlight."""
