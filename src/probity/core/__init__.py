"""The domain core: codes, rules, the guidance engine and search. Plain Python, no Django."""
