# The collections package: here only its submodule collections.abc (the
# container types, deque, defaultdict, Counter... are not provided yet).

"""collections: only collections.abc is provided."""
