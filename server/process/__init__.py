"""``kg serve`` as processes: the launcher (waitress, publish-reload, first build) and
``--processes N`` copies on one socket under a supervisor.
"""
