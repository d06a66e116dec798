"""Stage 6, publishing a release: into a running ``kg serve`` (whole generations, one pointer
flipped) or into an external engine's Graph Store Protocol endpoint.
"""
