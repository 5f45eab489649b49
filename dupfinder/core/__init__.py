"""The Qt-free engine: discovery, fingerprinting, grouping, selection and safe trashing.

The CLI, the GUI and the tests all drive it through the same plain-data API.
"""
