"""What tests and benchmarks share: the reference recorder client and rrweb event factories.

bench/ imports from here; nothing here imports bench/ or a test module.
"""
