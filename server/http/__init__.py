"""HTTP itself, for every view: error answers (JSON or text, never HTML), content
negotiation, the media types each endpoint offers, the per-request limits, and how a failed
query is answered.
"""
