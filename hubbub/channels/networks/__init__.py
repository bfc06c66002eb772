"""One folder per network, each fulfilling `base.py`; `channels/registry.py` lists them."""
