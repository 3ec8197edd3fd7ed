"""Match: the condition language (conditions), the compiled RuleSet (ruleset) and its matchers
(compiler: durable_rules; matcher: the protocol and plain Python), the facts asserted per
profile (facts) and evaluation into findings (evaluate, result)."""
