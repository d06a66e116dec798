"""``kg docs``: the ontology reference (HTML and an SVG class diagram), also served at /ontology.
"""
