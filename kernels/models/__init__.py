"""Kernel modules of the built-in models (one per model; layout + ``rates`` + ``aux``)."""
