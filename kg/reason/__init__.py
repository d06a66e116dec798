"""Stage 3, reasoning: the entailments of the ontology, compiled per predicate
(:mod:`kg.reason.compiled`, what the build uses) and owlrl's closure (:mod:`kg.reason.owlrl_reference`,
the reference the compiled rules are tested against).
"""
