"""Questions on a release: the catalogue of saved queries (queries/*.rq) and ``kg query``.
"""
