"""Where queries run: killable worker processes behind a guarded store that holds the time
limit, the row and byte caps and the fair shares between clients, and streams the answers.
"""
