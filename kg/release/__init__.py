"""Stage 5, the release: ``kg build`` end to end (one build per directory, atomic files, the
pyoxigraph store swapped into place).
"""
