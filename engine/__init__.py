"""gapcheck: compliance gap analysis of Japanese municipalities against national DX requirements.

The library is a pipeline, one module per step:

    load (catalog, profile, rules)  ->  compile (compiler)  ->  evaluate (evaluate)  ->  report

    >>> from engine import api
    >>> result = api.run("profiles/uchinada.yaml", as_of="2026-04-01")
    >>> print(api.render(result, "table", lang="en"))
"""
__version__ = "0.1.0"
TOOL_NAME = "gapcheck"
