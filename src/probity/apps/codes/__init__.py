"""The codes of conduct in the browser: codes, clauses, the rules that cite them, and search."""
